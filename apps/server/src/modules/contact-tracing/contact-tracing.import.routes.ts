import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ImportCreate, ImportView, Page, PageQuery } from '@zhengtong/contracts';
import { actorOf } from '../../platform/auth/request.ts';
import { AppError } from '../../platform/errors.ts';
import { localeOf } from '../../platform/i18n/locale.ts';
import type { ManifestImportService } from './contact-tracing.import.service.ts';

const strict = { additionalProperties: false } as const;
const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });
const tags = ['contact-tracing'];

/** File imports of passenger manifests: create, send chunks, complete, follow, download the rejected rows. */
export const importRoutes: FastifyPluginAsyncTypebox<{ service: ManifestImportService; chunkBytes: number }> = async (
  app,
  opts,
) => {
  const { service } = opts;
  // Raw chunks only here, each up to the chunk size; every other body keeps the global limit.
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: opts.chunkBytes },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/imports',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Start a file import (CSV or XLSX manifest); then PUT its chunks and complete it',
        body: ImportCreate,
        response: { 201: ImportView },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await service.create(actorOf(req), req.body, localeOf(req.headers['accept-language']))),
  );

  app.get(
    '/imports',
    {
      schema: {
        tags,
        summary: 'File imports started in the jurisdiction, newest first',
        querystring: Type.Object({ ...PageQuery }, strict),
        response: { 200: Page(ImportView) },
      },
    },
    async (req) =>
      service.list(
        actorOf(req),
        { limit: req.query.limit ?? 50, cursor: req.query.cursor },
        localeOf(req.headers['accept-language']),
      ),
  );

  app.get(
    '/imports/:id',
    {
      schema: {
        tags,
        summary: 'One file import: upload and import progress',
        params: Params,
        response: { 200: ImportView },
      },
    },
    async (req) => service.get(actorOf(req), req.params.id, localeOf(req.headers['accept-language'])),
  );

  app.put(
    '/imports/:id/chunks',
    {
      schema: {
        tags,
        summary:
          'Upload the chunk of the file that starts at `offset` (in order; a repeat of a stored chunk is accepted)',
        params: Params,
        querystring: Type.Object({ offset: Type.Integer({ minimum: 0 }) }, strict),
        consumes: ['application/octet-stream'],
        body: Type.Unsafe<Buffer>({
          contentMediaType: 'application/octet-stream',
          description: 'the bytes of the file from offset',
        }),
        response: { 200: ImportView },
      },
    },
    async (req) => {
      if (!Buffer.isBuffer(req.body)) throw new AppError('invalid', 'request.unsupported_media_type', { status: 415 });
      return service.putChunk(
        actorOf(req),
        req.params.id,
        req.query.offset,
        req.body,
        localeOf(req.headers['accept-language']),
      );
    },
  );

  app.post(
    '/imports/:id/complete',
    {
      schema: {
        tags,
        summary:
          'The file is uploaded: queue its import (again: the import as it is; the same file again: its first import)',
        params: Params,
        response: { 200: ImportView },
      },
    },
    async (req) => service.complete(actorOf(req), req.params.id, localeOf(req.headers['accept-language'])),
  );

  app.get(
    '/imports/:id/rejects.csv',
    {
      schema: {
        tags,
        summary: 'The rejected rows of a finished import as CSV: row, field, code, reason (no personal data)',
        params: Params,
        produces: ['text/csv'],
      },
    },
    async (req, reply) => {
      const csv = await service.rejectsCsv(actorOf(req), req.params.id, localeOf(req.headers['accept-language']));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(csv.fileName)}`)
        .send(csv.body);
    },
  );
};

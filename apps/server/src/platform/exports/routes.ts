import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Readable } from 'node:stream';
import { ExportJob } from '@zhengtong/contracts';
import { actorOf } from '../auth/request.ts';
import { AppError, notFound } from '../errors.ts';
import type { ExportFile, ExportStore } from './index.ts';

const tags = ['exports'];
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const CONTENT_TYPES: Record<string, { type: string; ext: string }> = {
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv' },
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
  fhir: { type: 'application/fhir+ndjson', ext: 'ndjson' },
};

export const exportView = (f: ExportFile): ExportJob => ({
  id: f.id,
  kind: f.kind,
  format: f.format,
  status: f.status,
  rowsTotal: f.rows_total,
  rowsDone: f.rows_done,
  bytes: Number(f.bytes),
  purpose: f.purpose,
  errorCode: f.error_code,
  createdAt: f.created_at.toISOString(),
  finishedAt: f.finished_at?.toISOString() ?? null,
});

/** The actor's own exports and their downloads: an export is only ever served to whoever made it. */
export const exportRoutes: FastifyPluginAsyncTypebox<{ store: ExportStore }> = async (app, { store }) => {
  const own = async (actorId: string, id: string) => {
    const file = await store.get(id);
    if (!file || file.owner_id !== actorId) throw notFound();
    return file;
  };

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'My exports, newest first',
        response: { 200: Type.Object({ items: Type.Array(ExportJob) }) },
      },
    },
    async (req) => ({ items: (await store.listOf(actorOf(req).id)).map(exportView) }),
  );
  app.get(
    '/:id',
    { schema: { tags, summary: 'An export and its progress', params: Id, response: { 200: ExportJob } } },
    async (req) => exportView(await own(actorOf(req).id, req.params.id)),
  );
  app.get(
    '/:id/file',
    { schema: { tags, summary: 'Download a finished export (streamed)', params: Id } },
    async (req, reply) => {
      const file = await own(actorOf(req).id, req.params.id);
      if (file.status === 'failed') throw new AppError('conflict', 'export.failed');
      if (file.status !== 'done') throw new AppError('conflict', 'export.not_ready');
      const { type, ext } = CONTENT_TYPES[file.format] ?? { type: 'application/octet-stream', ext: 'bin' };
      const name = `${file.kind}-${file.created_at.toISOString().slice(0, 10)}.${ext}`;
      reply
        .header('content-type', type)
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store');
      return reply.send(Readable.from(store.read(file.id)));
    },
  );
};

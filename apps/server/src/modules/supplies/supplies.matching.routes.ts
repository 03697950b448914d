import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  literalUnion,
  Match,
  MatchContact,
  matchStatuses,
  Page,
  PageQuery,
  Posting,
  PostingInput,
  PostingQuery,
  PostingUpdate,
  PublicPosting,
} from '@zhengtong/contracts';
import { actorOf } from '../../platform/auth/request.ts';
import { localeOf } from '../../platform/i18n/locale.ts';
import { Snapshots, sendSnapshot } from '../../platform/snapshots.ts';
import type { MatchingService } from './supplies.matching.service.ts';

const strict = { additionalProperties: false } as const;
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const tags = ['supplies'];

/** 供需对接 under /api/v1/supplies/matching, and its public list under /api/v1/supplies/public. */
export const matchingRoutes: FastifyPluginAsyncTypebox<{ service: MatchingService; snapshotMs: number }> = async (
  app,
  opts,
) => {
  const { service } = opts;
  // The public list is read by everyone who opens the portal: one load every few read ages per process.
  const snapshots = new Snapshots(opts.snapshotMs * 5, 10);

  app.post(
    '/matching/postings',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Post an offer (capacity, produce) or a need; matches are proposed at once',
        body: PostingInput,
        response: { 201: Posting },
      },
    },
    async (req, reply) => reply.code(201).send(await service.create(actorOf(req), req.body)),
  );
  app.get(
    '/matching/postings',
    {
      schema: {
        tags,
        summary: "Postings, newest first: a resident's own; staff see their jurisdiction's (or own with mine)",
        querystring: Type.Object({ ...PostingQuery, ...PageQuery }, strict),
        response: { 200: Page(Posting) },
      },
    },
    async (req) => service.postings(actorOf(req), { ...req.query, limit: req.query.limit ?? 50 }),
  );
  app.get(
    '/matching/postings/:id',
    { schema: { tags, summary: 'One posting', params: Id, response: { 200: Posting } } },
    async (req) => service.posting(actorOf(req), req.params.id),
  );
  app.patch(
    '/matching/postings/:id',
    {
      schema: {
        tags,
        summary: 'Change an open posting of your own; its matches are proposed again',
        params: Id,
        body: PostingUpdate,
        response: { 200: Posting },
      },
    },
    async (req) => service.update(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/matching/postings/:id/close',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Close a posting of your own: proposals are withdrawn, confirmed matches stand',
        params: Id,
        response: { 200: Posting },
      },
    },
    async (req) => service.close(actorOf(req), req.params.id),
  );
  app.post(
    '/matching/postings/:id/rematch',
    {
      schema: {
        tags,
        summary: 'Look for matches of a posting again; answers its proposed matches',
        params: Id,
        response: { 200: Type.Object({ items: Type.Array(Match) }) },
      },
    },
    async (req) => service.rematch(actorOf(req), req.params.id, localeOf(req.headers['accept-language'])),
  );
  app.get(
    '/matching/matches',
    {
      schema: {
        tags,
        summary: "Matches, newest first: of one posting, of your own postings, or of the staff member's jurisdiction",
        querystring: Type.Object(
          {
            postingId: Type.Optional(Type.String({ format: 'uuid' })),
            status: Type.Optional(literalUnion(matchStatuses)),
            mine: Type.Optional(Type.Boolean()),
            ...PageQuery,
          },
          strict,
        ),
        response: { 200: Page(Match) },
      },
    },
    async (req) =>
      service.matches(
        actorOf(req),
        { ...req.query, limit: req.query.limit ?? 50 },
        localeOf(req.headers['accept-language']),
      ),
  );
  app.get(
    '/matching/matches/:id',
    { schema: { tags, summary: 'One match', params: Id, response: { 200: Match } } },
    async (req) => service.match(actorOf(req), req.params.id, localeOf(req.headers['accept-language'])),
  );
  app.post(
    '/matching/matches/:id/accept',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Accept a proposed match for your side; when both sides have, it is confirmed',
        params: Id,
        response: { 200: Match },
      },
    },
    async (req) => service.accept(actorOf(req), req.params.id, localeOf(req.headers['accept-language'])),
  );
  app.post(
    '/matching/matches/:id/decline',
    {
      config: { idempotent: true },
      schema: { tags, summary: 'Decline a proposed match for your side', params: Id, response: { 200: Match } },
    },
    async (req) => service.decline(actorOf(req), req.params.id, localeOf(req.headers['accept-language'])),
  );
  app.get(
    '/matching/matches/:id/contact',
    {
      schema: {
        tags,
        summary: "The other side's contact in full: for the two sides of a confirmed match only, audited",
        params: Id,
        response: { 200: MatchContact },
      },
    },
    async (req) => service.contact(actorOf(req), req.params.id),
  );

  app.get(
    '/public/matching',
    {
      schema: {
        tags,
        summary: 'Open produce offers and needs as anyone sees them (organisation and region, no contact)',
        response: { 200: Type.Object({ items: Type.Array(PublicPosting) }), 304: Type.Null() },
      },
    },
    async (req, reply) => sendSnapshot(req, reply, await snapshots.get('open', () => service.publicPostings()), 5),
  );
};

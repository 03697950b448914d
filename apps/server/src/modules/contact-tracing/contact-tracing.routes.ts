import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  CaseLinkInput,
  ChainClusters,
  ChainGraph,
  ChainGraphQuery,
  ChainsQuery,
  Contact,
  CoTravelAnswer,
  CoTravelQuery,
  DiscoveryResult,
  ExportInput,
  ExportJob,
  HouseholdInput,
  Investigation,
  literalUnion,
  ManifestRowInput,
  Page,
  PageQuery,
  RegionRef,
  tracedLevels,
  TracingRun,
  TracingRunInput,
  TripInput,
  VisitInput,
} from '@zhengtong/contracts';
import { actorOf } from '../../platform/auth/request.ts';
import type { ChainsService } from './contact-tracing.chains.ts';
import type { ContactTracingService } from './contact-tracing.service.ts';

const strict = { additionalProperties: false } as const;
const Uuid = Type.String({ format: 'uuid' });
const CaseParams = Type.Object({ caseId: Uuid });
const ItemParams = Type.Object({ caseId: Uuid, id: Uuid });
const tags = ['contact-tracing'];

export const contactTracingRoutes: FastifyPluginAsyncTypebox<{
  service: ContactTracingService;
  chains: ChainsService;
}> = async (app, opts) => {
  const { service, chains } = opts;
  const investigation = { 200: Investigation };
  const created = { 201: Investigation };

  app.get(
    '/cases/:caseId/investigation',
    {
      schema: {
        tags,
        summary: '流调: the places, trips, household and links of a case, with its contact counts',
        params: CaseParams,
        response: investigation,
      },
    },
    async (req) => service.investigation(actorOf(req), req.params.caseId),
  );

  app.post(
    '/cases/:caseId/visits',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Add a place the case visited; contacts are discovered again at once',
        params: CaseParams,
        body: VisitInput,
        response: created,
      },
    },
    async (req, reply) => reply.code(201).send(await service.addVisit(actorOf(req), req.params.caseId, req.body)),
  );
  app.delete(
    '/cases/:caseId/visits/:id',
    { schema: { tags, summary: 'Remove a place visit', params: ItemParams, response: investigation } },
    async (req) => service.removeVisit(actorOf(req), req.params.caseId, req.params.id),
  );

  app.post(
    '/cases/:caseId/trips',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Add a trip (train, flight, bus); fellow passengers on imported manifests become contacts',
        params: CaseParams,
        body: TripInput,
        response: created,
      },
    },
    async (req, reply) => reply.code(201).send(await service.addTrip(actorOf(req), req.params.caseId, req.body)),
  );
  app.delete(
    '/cases/:caseId/trips/:id',
    { schema: { tags, summary: 'Remove a trip', params: ItemParams, response: investigation } },
    async (req) => service.removeTrip(actorOf(req), req.params.caseId, req.params.id),
  );
  app.put(
    '/cases/:caseId/trips/:id/published',
    {
      schema: {
        tags,
        summary: 'List or unlist a trip in the public co-traveller query (同程查询)',
        params: ItemParams,
        body: Type.Object({ published: Type.Boolean() }, strict),
        response: investigation,
      },
    },
    async (req) => service.publishTrip(actorOf(req), req.params.caseId, req.params.id, req.body.published),
  );

  app.post(
    '/cases/:caseId/household',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Add a household member: a close contact of the highest rank',
        params: CaseParams,
        body: HouseholdInput,
        response: created,
      },
    },
    async (req, reply) =>
      reply.code(201).send(await service.addHouseholdMember(actorOf(req), req.params.caseId, req.body)),
  );
  app.delete(
    '/cases/:caseId/household/:id',
    { schema: { tags, summary: 'Remove a household member', params: ItemParams, response: investigation } },
    async (req) => service.removeHouseholdMember(actorOf(req), req.params.caseId, req.params.id),
  );

  app.post(
    '/cases/:caseId/links',
    {
      schema: {
        tags,
        summary: 'Link this case to another: who infected whom',
        params: CaseParams,
        body: CaseLinkInput,
        response: created,
      },
    },
    async (req, reply) => reply.code(201).send(await service.link(actorOf(req), req.params.caseId, req.body)),
  );
  app.delete(
    '/cases/:caseId/links/:id',
    { schema: { tags, summary: 'Remove a link between cases', params: ItemParams, response: investigation } },
    async (req) => service.unlink(actorOf(req), req.params.caseId, req.params.id),
  );

  app.get(
    '/places',
    {
      schema: {
        tags,
        summary: 'Registered places (场所码) by name, address or code, for a place visit',
        querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 50 }) }, strict),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({ code: Type.String(), name: Type.String(), address: Type.String(), region: RegionRef }),
            ),
          }),
        },
      },
    },
    async (req) => service.findPlaces(actorOf(req), req.query.q),
  );

  app.post(
    '/cases/:caseId/discovery',
    {
      schema: {
        tags,
        summary: 'Discover the contacts of a case now',
        params: CaseParams,
        response: { 200: DiscoveryResult },
      },
    },
    async (req) => service.discoverNow(actorOf(req), req.params.caseId),
  );

  app.post(
    '/exports',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: "Export the contacts of the jurisdiction's cases (CSV or XLSX) as a background job",
        body: ExportInput,
        response: { 202: ExportJob },
      },
    },
    async (req, reply) => reply.code(202).send(await service.startExport(actorOf(req), req.body)),
  );

  app.post(
    '/tracing-runs',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Trace many cases as one background job, with progress',
        body: TracingRunInput,
        response: { 202: TracingRun },
      },
    },
    async (req, reply) => reply.code(202).send(await service.startRun(actorOf(req), req.body)),
  );
  app.get(
    '/tracing-runs',
    {
      schema: {
        tags,
        summary: 'Recent batch tracing runs',
        response: { 200: Type.Object({ items: Type.Array(TracingRun) }) },
      },
    },
    async (req) => service.runs(actorOf(req)),
  );
  app.get(
    '/tracing-runs/:id',
    {
      schema: {
        tags,
        summary: 'A batch tracing run and its progress',
        params: Type.Object({ id: Uuid }),
        response: { 200: TracingRun },
      },
    },
    async (req) => service.run(actorOf(req), req.params.id),
  );

  app.get(
    '/contacts',
    {
      schema: {
        tags,
        summary: 'Contacts of a case, or of the people living in the jurisdiction, newest first',
        querystring: Type.Object(
          { caseId: Type.Optional(Uuid), level: Type.Optional(literalUnion(tracedLevels)), ...PageQuery },
          strict,
        ),
        response: { 200: Page(Contact) },
      },
    },
    async (req) =>
      service.contacts(actorOf(req), {
        caseId: req.query.caseId,
        level: req.query.level,
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
      }),
  );
  app.get(
    '/contacts/:id',
    {
      schema: {
        tags,
        summary: 'One contact with the reason for each exposure',
        params: Type.Object({ id: Uuid }),
        response: { 200: Contact },
      },
    },
    async (req) => service.contact(actorOf(req), req.params.id),
  );

  app.post(
    '/manifest-rows',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Add passenger rows from a carrier (all or none); cases on these trips are traced again',
        body: Type.Object({ rows: Type.Array(ManifestRowInput, { minItems: 1, maxItems: 5000 }) }, strict),
        response: { 201: Type.Object({ imported: Type.Integer(), retraced: Type.Integer() }) },
      },
    },
    async (req, reply) => reply.code(201).send(await service.importManifestRows(actorOf(req), req.body.rows)),
  );

  app.get(
    '/chains/clusters',
    {
      schema: {
        tags,
        summary: 'Transmission chains: clusters of linked cases with their size and growth',
        querystring: ChainsQuery,
        response: { 200: ChainClusters },
      },
    },
    async (req) => chains.clusters(actorOf(req), req.query),
  );
  app.get(
    '/chains/graph',
    {
      schema: {
        tags,
        summary: 'One cluster (or what descends from one case) as nodes and edges',
        querystring: ChainGraphQuery,
        response: { 200: ChainGraph },
      },
    },
    async (req) => chains.graph(actorOf(req), req.query),
  );

  app.get(
    '/co-travel',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: '同程查询 (public): did a published case travel on this train or flight? No personal data',
        querystring: CoTravelQuery,
        response: { 200: CoTravelAnswer },
      },
    },
    async (req, reply) => {
      // Published trips change rarely; a CDN or browser may keep the answer a minute.
      reply.header('cache-control', 'public, max-age=60');
      return service.coTravel(req.query);
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  Appeal,
  Declaration,
  Override,
  OverrideInput,
  OverrideReport,
  overrideStatuses,
  StaffAppeal,
  DeclarationInput,
  HealthCode,
  HealthRuleSet,
  HealthRuleSetBody,
  HealthStatus,
  IdCardLookupAnswer,
  IdNumber,
  ProxyInput,
  ProxyList,
  RegionCode,
  RulePreview,
} from '@zhengtong/contracts';
import { actorOf } from '../../platform/auth/request.ts';
import type { OverridesService } from './health-code.overrides.ts';
import type { HealthCodeService } from './health-code.service.ts';

const strict = { additionalProperties: false } as const;
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Note = Type.Optional(Type.String({ maxLength: 500 }));
const tags = ['health-code'];

export const healthCodeRoutes: FastifyPluginAsyncTypebox<{
  service: HealthCodeService;
  overrides: OverridesService;
}> = async (app, opts) => {
  const { service, overrides } = opts;

  app.post(
    '/declarations',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Health declaration (健康申报) by the signed-in resident',
        body: DeclarationInput,
        response: { 200: HealthStatus },
      },
    },
    async (req) => service.declare(actorOf(req), req.body),
  );

  app.get(
    '/declarations',
    {
      schema: {
        tags,
        summary: "The resident's own declarations",
        response: { 200: Type.Object({ items: Type.Array(Declaration) }) },
      },
    },
    async (req) => ({ items: await service.myDeclarations(actorOf(req)) }),
  );

  app.get(
    '/status',
    { schema: { tags, summary: "The resident's colour and why", response: { 200: HealthStatus } } },
    async (req) => service.status(actorOf(req)),
  );

  app.get(
    '/code',
    {
      schema: {
        tags,
        summary: "A freshly signed health code (ZT1) for the resident's QR",
        response: { 200: HealthCode },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return service.code(actorOf(req));
    },
  );

  app.get(
    '/proxies',
    { schema: { tags, summary: 'People whose codes the resident holds (代申报)', response: { 200: ProxyList } } },
    async (req) => service.listProxies(actorOf(req)),
  );

  app.post(
    '/proxies',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Hold the code of a family member without a smartphone, proven by ID number and name',
        body: ProxyInput,
        response: { 200: ProxyList },
      },
    },
    async (req) => service.addProxy(actorOf(req), req.body),
  );

  app.delete(
    '/proxies/:id',
    { schema: { tags, summary: 'Stop holding a code', params: Id, response: { 200: ProxyList } } },
    async (req) => service.removeProxy(actorOf(req), req.params.id),
  );

  app.post(
    '/proxies/:id/declarations',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Declare for a held person',
        params: Id,
        body: DeclarationInput,
        response: { 200: HealthStatus },
      },
    },
    async (req) => service.declareAsProxy(actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/proxies/:id/code',
    { schema: { tags, summary: "A held person's code", params: Id, response: { 200: HealthCode } } },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return service.proxyCode(actorOf(req), req.params.id);
    },
  );

  app.post(
    '/residents/:id/declarations',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'A grid worker declares for a resident of their grid (代申报)',
        params: Id,
        body: DeclarationInput,
        response: { 200: HealthStatus },
      },
    },
    async (req) => service.declareForResident(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/residents/:id/card',
    {
      schema: {
        tags,
        summary: 'A printable code card (valid a week; online checkpoints read the current colour)',
        params: Id,
        response: { 200: HealthCode },
      },
    },
    async (req) => service.printCard(actorOf(req), req.params.id),
  );

  app.post(
    '/id-card-lookups',
    {
      schema: {
        tags,
        summary: '人证码: the colour of the person holding an ID number (audited)',
        body: Type.Object({ idNumber: IdNumber, purpose: Type.String({ minLength: 2, maxLength: 100 }) }, strict),
        response: { 200: IdCardLookupAnswer },
      },
    },
    async (req) => service.lookupByIdNumber(actorOf(req), req.body.idNumber, req.body.purpose),
  );

  app.get(
    '/rule-sets',
    {
      schema: {
        tags,
        summary: 'Colour rule sets within the jurisdiction',
        response: { 200: Type.Object({ items: Type.Array(HealthRuleSet) }) },
      },
    },
    async (req) => service.listRuleSets(actorOf(req)),
  );

  app.post(
    '/rule-sets',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'New draft rule set (from the rules in force unless a body is given)',
        body: Type.Object({ regionCode: RegionCode, body: Type.Optional(HealthRuleSetBody), note: Note }, strict),
        response: { 201: HealthRuleSet },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createDraft(actorOf(req), req.body)),
  );

  app.put(
    '/rule-sets/:id',
    {
      schema: {
        tags,
        summary: 'Edit a draft rule set',
        params: Id,
        body: Type.Object({ body: HealthRuleSetBody, note: Note }, strict),
        response: { 200: HealthRuleSet },
      },
    },
    async (req) => service.updateDraft(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/rule-sets/:id/publish',
    { schema: { tags, summary: 'Put a draft in force', params: Id, response: { 200: HealthRuleSet } } },
    async (req) => service.publish(actorOf(req), req.params.id),
  );

  app.post(
    '/rule-sets/preview',
    {
      schema: {
        tags,
        summary: 'Sample people under a draft body, beside the rules in force',
        body: Type.Object({ regionCode: RegionCode, body: HealthRuleSetBody }, strict),
        response: { 200: RulePreview },
      },
    },
    async (req) => service.previewRuleSet(actorOf(req), req.body.regionCode, req.body.body),
  );

  app.post(
    '/appeals',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: '申诉: the resident disputes their colour',
        body: Type.Object({ statement: Type.String({ minLength: 5, maxLength: 1000 }) }, strict),
        response: { 200: Type.Object({ items: Type.Array(Appeal) }) },
      },
    },
    async (req) => overrides.fileAppeal(actorOf(req), req.body.statement),
  );

  app.get(
    '/appeals',
    {
      schema: {
        tags,
        summary: "The resident's appeals and their decisions",
        response: { 200: Type.Object({ items: Type.Array(Appeal) }) },
      },
    },
    async (req) => overrides.myAppeals(actorOf(req)),
  );

  app.get(
    '/appeal-queue',
    {
      schema: {
        tags,
        summary: 'Appeals within the jurisdiction (audited)',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('upheld'), Type.Literal('rejected')])),
          },
          strict,
        ),
        response: { 200: Type.Object({ items: Type.Array(StaffAppeal) }) },
      },
    },
    async (req) => overrides.listAppeals(actorOf(req), req.query.status),
  );

  app.post(
    '/appeals/:id/decision',
    {
      schema: {
        tags,
        summary: 'Uphold or reject an appeal, in writing',
        params: Id,
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('upheld'), Type.Literal('rejected')]),
            note: Type.String({ minLength: 4, maxLength: 1000 }),
          },
          strict,
        ),
        response: { 200: Appeal },
      },
    },
    async (req) => overrides.decideAppeal(actorOf(req), req.params.id, req.body.decision, req.body.note),
  );

  app.get(
    '/overrides',
    {
      schema: {
        tags,
        summary: 'Manual colours within the jurisdiction',
        querystring: Type.Object(
          { status: Type.Optional(Type.Union(overrideStatuses.map((s) => Type.Literal(s)))) },
          strict,
        ),
        response: { 200: Type.Object({ items: Type.Array(Override) }) },
      },
    },
    async (req) => overrides.listOverrides(actorOf(req), req.query.status),
  );

  app.post(
    '/overrides',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Ask for a manual colour (needs a legal basis and a second official)',
        body: OverrideInput,
        response: { 201: Override },
      },
    },
    async (req, reply) => reply.code(201).send(await overrides.requestOverride(actorOf(req), req.body)),
  );

  for (const [action, summary] of [
    ['approve', 'Approve a manual colour (a different official than the one who asked)'],
    ['reject', 'Reject a manual colour'],
    ['end', 'End a manual colour before its date'],
  ] as const) {
    app.post(
      `/overrides/:id/${action}`,
      { schema: { tags, summary, params: Id, response: { 200: Override } } },
      async (req) => {
        const actor = actorOf(req);
        if (action === 'approve') return overrides.approveOverride(actor, req.params.id);
        if (action === 'reject') return overrides.rejectOverride(actor, req.params.id);
        return overrides.endOverride(actor, req.params.id);
      },
    );
  }

  app.get(
    '/override-report',
    {
      schema: {
        tags,
        summary: 'Manual colours counted by district and official',
        querystring: Type.Object(
          { from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }) },
          strict,
        ),
        response: { 200: OverrideReport },
      },
    },
    async (req) => overrides.report(actorOf(req), req.query.from, req.query.to),
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CheckIn, Declaration, HealthColour, ResidentView } from '@zhengtong/contracts';
import { actorOf } from '../../platform/auth/request.ts';
import type { DataRightsService } from './data-rights.service.ts';

const tags = ['data-rights'];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const HealthSummary = Type.Object({
  colour: Nullable(HealthColour),
  consentAt: Nullable(Type.String()),
  lastDeclarationAt: Nullable(Type.String()),
});
const Access = Type.Object({
  at: Type.String(),
  actor: Type.String(),
  actorKind: Type.String(),
  action: Type.String(),
  purpose: Type.String(),
  fields: Type.Array(Type.String()),
});

export const dataRightsRoutes: FastifyPluginAsyncTypebox<{ service: DataRightsService }> = async (app, opts) => {
  const { service } = opts;

  app.get(
    '/summary',
    {
      schema: {
        tags,
        summary: 'What is held about me and who read it',
        response: {
          200: Type.Object({
            profile: ResidentView,
            healthCode: HealthSummary,
            counts: Type.Object({ declarations: Type.Integer(), checkIns: Type.Integer() }),
            accessLog: Type.Array(Access),
          }),
        },
      },
    },
    async (req) => service.summary(actorOf(req)),
  );

  app.get(
    '/export',
    {
      schema: {
        tags,
        summary: 'Download everything held about me (JSON)',
        response: {
          200: Type.Object({
            exportedAt: Type.String(),
            profile: ResidentView,
            healthCode: HealthSummary,
            declarations: Type.Array(Declaration),
            checkIns: Type.Array(CheckIn),
            accessLog: Type.Array(Access),
          }),
        },
      },
    },
    async (req, reply) => {
      const body = await service.export(actorOf(req));
      reply.header('content-disposition', 'attachment; filename="zhengtong-my-data.json"');
      reply.header('cache-control', 'no-store');
      return body;
    },
  );

  app.post(
    '/consent-withdrawal',
    {
      schema: {
        tags,
        summary: 'Withdraw consent: declarations are deleted, a new code needs a new declaration',
        response: { 200: Type.Object({ declarations: Type.Integer() }) },
      },
    },
    async (req) => service.withdrawConsent(actorOf(req)),
  );

  app.post(
    '/erasure',
    {
      schema: {
        tags,
        summary: 'Erase my check-ins and declarations now',
        response: {
          200: Type.Object({
            checkIns: Type.Integer(),
            declarations: Type.Integer(),
            codeRecord: Type.Union([Type.Literal('deleted'), Type.Literal('kept'), Type.Literal('none')]),
          }),
        },
      },
    },
    async (req) => service.erase(actorOf(req)),
  );
};

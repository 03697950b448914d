import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  CommunityAlert,
  DailyCheckInput,
  FollowUpTask,
  FollowUpTaskDetail,
  MyObservation,
  Page,
  PageQuery,
} from '@zhengtong/contracts';
import { actorOf } from '../../platform/auth/request.ts';
import type { CommunityService } from './community.service.ts';

const strict = { additionalProperties: false } as const;
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const tags = ['community'];

export const communityRoutes: FastifyPluginAsyncTypebox<{ service: CommunityService }> = async (app, opts) => {
  const { service } = opts;

  app.get(
    '/tasks',
    {
      schema: {
        tags,
        summary: "Follow-up tasks of the worker's grid: open ones, or ended ones with `open=false`",
        querystring: Type.Object({ open: Type.Optional(Type.Boolean()), ...PageQuery }, strict),
        response: { 200: Page(FollowUpTask) },
      },
    },
    async (req) =>
      service.tasks(actorOf(req), {
        open: req.query.open ?? true,
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
      }),
  );
  app.get(
    '/tasks/:id',
    {
      schema: {
        tags,
        summary: 'One follow-up task with its daily checks',
        params: Id,
        response: { 200: FollowUpTaskDetail },
      },
    },
    async (req) => service.task(actorOf(req), req.params.id),
  );
  app.post(
    '/tasks/:id/contacted',
    {
      schema: {
        tags,
        summary: 'The worker reached the person; the task is in progress',
        params: Id,
        body: Type.Object({ note: Type.String({ maxLength: 500 }) }, strict),
        response: { 200: FollowUpTaskDetail },
      },
    },
    async (req) => service.markContacted(actorOf(req), req.params.id, req.body.note),
  );
  app.post(
    '/tasks/:id/checks',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: "Record today's check for the person (one a day; a second one replaces it)",
        params: Id,
        body: DailyCheckInput,
        response: { 200: FollowUpTaskDetail },
      },
    },
    async (req) => service.recordCheck(actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/alerts',
    {
      schema: {
        tags,
        summary: 'Missed or abnormal daily checks not yet acknowledged',
        querystring: Type.Object(PageQuery, strict),
        response: { 200: Page(CommunityAlert) },
      },
    },
    async (req) => service.alerts(actorOf(req), { limit: req.query.limit ?? 50, cursor: req.query.cursor }),
  );
  app.post(
    '/alerts/:id/acknowledge',
    { schema: { tags, summary: 'Acknowledge an alert', params: Id } },
    async (req, reply) => {
      await service.acknowledgeAlert(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/my-observation',
    { schema: { tags, summary: "The resident's own medical observation", response: { 200: MyObservation } } },
    async (req) => service.myObservation(actorOf(req)),
  );
  app.post(
    '/my-observation/checks',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: "The resident reports today's temperature and symptoms",
        body: DailyCheckInput,
        response: { 200: MyObservation },
      },
    },
    async (req) => service.recordMyCheck(actorOf(req), req.body),
  );
};

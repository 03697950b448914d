import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  CheckIn,
  CheckInPass,
  Page,
  PageQuery,
  Place,
  PlaceInput,
  PublicPlace,
  ScanAnswer,
} from '@zhengtong/contracts';
import { actorOf } from '../../platform/auth/request.ts';
import type { CheckInService } from './check-in.service.ts';

const strict = { additionalProperties: false } as const;
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const PlaceCode = Type.String({ pattern: '^\\s*[0-9A-Za-z]{10}\\s*$' });
const tags = ['check-in'];

export const checkInRoutes: FastifyPluginAsyncTypebox<{ service: CheckInService }> = async (app, opts) => {
  const { service } = opts;

  app.post(
    '/places',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Register a place and get its place code (场所码)',
        body: PlaceInput,
        response: { 201: Place },
      },
    },
    async (req, reply) => reply.code(201).send(await service.registerPlace(actorOf(req), req.body)),
  );

  app.get(
    '/places',
    {
      schema: {
        tags,
        summary: 'Places within the jurisdiction',
        querystring: Type.Object(PageQuery, strict),
        response: { 200: Page(Place) },
      },
    },
    async (req) => service.listPlaces(actorOf(req), { limit: req.query.limit ?? 50, cursor: req.query.cursor }),
  );

  app.post(
    '/my-places',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Public venue sign-up: a resident registers their own place and gets its code',
        body: PlaceInput,
        response: { 201: Place },
      },
    },
    async (req, reply) => reply.code(201).send(await service.registerOwnPlace(actorOf(req), req.body)),
  );

  app.get(
    '/my-places',
    {
      schema: {
        tags,
        summary: 'Places the resident registered',
        response: { 200: Type.Object({ items: Type.Array(Place) }) },
      },
    },
    async (req) => service.ownPlaces(actorOf(req)),
  );

  app.get(
    '/places/:id',
    { schema: { tags, summary: 'One place', params: Id, response: { 200: Place } } },
    async (req) => service.getPlace(actorOf(req), req.params.id),
  );

  app.patch(
    '/places/:id',
    {
      schema: {
        tags,
        summary: 'Close or reopen a place',
        params: Id,
        body: Type.Object({ active: Type.Boolean() }, strict),
        response: { 200: Place },
      },
    },
    async (req) => service.setPlaceActive(actorOf(req), req.params.id, req.body.active),
  );

  app.get(
    '/place-codes/:code',
    {
      schema: {
        tags,
        summary: 'The place behind a place code (public: shown before checking in)',
        params: Type.Object({ code: PlaceCode }),
        response: { 200: PublicPlace },
      },
    },
    async (req) => service.publicPlace(req.params.code),
  );

  app.post(
    '/check-ins',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Check in at a place by its code (resident)',
        body: Type.Object({ placeCode: PlaceCode }, strict),
        response: { 201: CheckInPass },
      },
    },
    async (req, reply) => reply.code(201).send(await service.checkInAtPlace(actorOf(req), req.body.placeCode)),
  );

  app.get(
    '/check-ins',
    {
      schema: {
        tags,
        summary: "The resident's own check-ins",
        querystring: Type.Object(PageQuery, strict),
        response: { 200: Page(CheckIn) },
      },
    },
    async (req) => service.myCheckIns(actorOf(req), { limit: req.query.limit ?? 50, cursor: req.query.cursor }),
  );

  app.post(
    '/scans',
    {
      schema: {
        tags,
        summary: "A checkpoint scanned a person's code: verify and record a check-in",
        body: Type.Object(
          {
            text: Type.String({ maxLength: 4096 }),
            placeId: Type.Optional(Type.String({ format: 'uuid' })),
            scannedAt: Type.Optional(Type.String({ format: 'date-time', description: 'when scanned offline' })),
          },
          strict,
        ),
        response: { 200: ScanAnswer },
      },
    },
    async (req) => service.scan(actorOf(req), req.body),
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  Campaign,
  AssistInput,
  AssistLookup,
  AssistLookupInput,
  CampaignInput,
  DrawInput,
  DrawRecord,
  Entry,
  EntryInput,
  Page,
  PageQuery,
  PickupCode,
  QueueState,
  RedeemAnswer,
  RedeemInput,
  RedeemSite,
  Reservation,
  ReserveInput,
} from '@zhengtong/contracts';
import { actorOf } from '../../platform/auth/request.ts';
import { sendPrivateSnapshot, sendSnapshot, Snapshots } from '../../platform/snapshots.ts';
import type { ReservationService } from './reservation.service.ts';

const strict = { additionalProperties: false } as const;
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const tags = ['reservation'];

export const reservationRoutes: FastifyPluginAsyncTypebox<{
  service: ReservationService;
  snapshotMs: number;
}> = async (app, opts) => {
  const { service } = opts;
  // Campaign pages are what a surge reloads: one load a second per process, cacheable by a CDN.
  const snapshots = new Snapshots(opts.snapshotMs);

  // ---------- officials ----------
  app.post(
    '/campaigns',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Create a campaign (masks, tests or clinic slots) as a draft, with its sites and slots',
        body: CampaignInput,
        response: { 201: Campaign },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createCampaign(actorOf(req), req.body)),
  );
  app.get(
    '/campaigns',
    {
      schema: {
        tags,
        summary: "Campaigns of the official's jurisdiction, newest first",
        querystring: Type.Object(PageQuery, strict),
        response: { 200: Page(Campaign) },
      },
    },
    async (req) => service.listManaged(actorOf(req), { limit: req.query.limit ?? 50, cursor: req.query.cursor }),
  );
  app.get(
    '/campaigns/:id',
    {
      schema: { tags, summary: 'One campaign with what is left in each slot', params: Id, response: { 200: Campaign } },
    },
    async (req) => service.campaignFor(actorOf(req), req.params.id),
  );
  app.post(
    '/campaigns/:id/status',
    {
      schema: {
        tags,
        summary: 'Open a draft for reservations, or close an open campaign',
        params: Id,
        body: Type.Object({ status: Type.Union([Type.Literal('open'), Type.Literal('closed')]) }, strict),
        response: { 200: Campaign },
      },
    },
    async (req) => {
      const campaign = await service.setStatus(actorOf(req), req.params.id, req.body.status);
      snapshots.forget(campaign.id);
      return campaign;
    },
  );

  app.post(
    '/campaigns/:id/draw',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Draw a lottery once its registration has closed, with the seed announced beforehand (once)',
        params: Id,
        body: DrawInput,
        response: { 200: DrawRecord },
      },
    },
    async (req) => {
      const record = await service.draw(actorOf(req), req.params.id, req.body.seed);
      snapshots.forget(req.params.id);
      return record;
    },
  );

  // ---------- public ----------
  app.get(
    '/public/campaigns/:id/draw',
    {
      schema: {
        tags,
        summary: 'The published draw of a lottery: seed, method and every ticket in order, for anyone to redo',
        params: Id,
        response: { 200: DrawRecord, 304: Type.Null() },
      },
    },
    async (req, reply) =>
      sendSnapshot(
        req,
        reply,
        await snapshots.get(`draw:${req.params.id}`, () => service.publicDraw(req.params.id)),
        60,
      ),
  );
  app.get(
    '/public/campaigns/:id',
    {
      schema: {
        tags,
        summary: 'A campaign as anyone sees it (no sign-in): a snapshot at most a second old, cacheable by a CDN',
        params: Id,
        response: { 200: Campaign, 304: Type.Null() },
      },
    },
    async (req, reply) =>
      sendSnapshot(req, reply, await snapshots.get(req.params.id, () => service.publicCampaign(req.params.id)), 2),
  );

  app.get(
    '/public/open',
    {
      schema: {
        tags,
        summary:
          'Open campaigns for people living in a region, with places left per site and slot (no sign-in): a snapshot, cacheable by a CDN',
        querystring: Type.Object({ region: Type.String({ pattern: '^\\d{2,12}$' }) }, strict),
        response: { 200: Type.Object({ items: Type.Array(Campaign) }), 304: Type.Null() },
      },
    },
    async (req, reply) =>
      sendSnapshot(
        req,
        reply,
        await snapshots.get(`open:${req.query.region}`, () => service.openIn(req.query.region)),
        2,
      ),
  );

  // ---------- residents ----------
  app.get(
    '/open',
    {
      schema: {
        tags,
        summary: 'Open campaigns the signed-in resident may join (the snapshot of where they live)',
        response: { 200: Type.Object({ items: Type.Array(Campaign) }) },
      },
    },
    async (req, reply) => {
      const region = await service.regionOf(actorOf(req));
      const snap = await snapshots.get(`open:${region}`, () => service.openIn(region));
      // The same snapshot as the public list; this answer says where the reader lives.
      return sendPrivateSnapshot(reply, snap);
    },
  );
  app.post(
    '/campaigns/:id/queue',
    {
      // A join is one script, as the limiter's own check would be; joining again keeps the place, so a
      // second is no gain to anyone, and under-pressure still sheds an overloaded process.
      config: { rateLimit: false },
      schema: {
        tags,
        summary: "Join the campaign's waiting room (again: keeps the place) and see where one stands",
        params: Id,
        response: { 200: QueueState },
      },
    },
    async (req) => service.joinQueue(actorOf(req), req.params.id),
  );
  app.get(
    '/campaigns/:id/queue',
    {
      schema: {
        tags,
        summary: "Where the signed-in resident stands in the campaign's waiting room",
        params: Id,
        response: { 200: QueueState },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return service.queueState(actorOf(req), req.params.id);
    },
  );
  app.get(
    '/public/queue',
    {
      // A ticket's answer costs less than the rate limit's own round trip, and a waiting crowd asks it.
      config: { rateLimit: false },
      schema: {
        tags,
        summary:
          'Where the holder of a waiting-room ticket stands (no session: the ticket is the place, signed); at most a quarter of a second old',
        headers: Type.Object({ 'x-queue-ticket': Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: QueueState },
      },
    },
    async (req, reply) => {
      const state = await service.ticketState(req.headers['x-queue-ticket']);
      reply.header('cache-control', 'no-store');
      return state;
    },
  );
  app.post(
    '/reservations',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Reserve a place in a slot (one per person and campaign; a double click is one reservation)',
        body: ReserveInput,
        response: { 201: Reservation },
      },
    },
    async (req, reply) => reply.code(201).send(await service.reserve(actorOf(req), req.body.slotId, req.body.proxyId)),
  );
  app.post(
    '/campaigns/:id/entries',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: "Register for the campaign's lottery, or on its waiting list (候补) when it is full",
        params: Id,
        body: EntryInput,
        response: { 201: Entry },
      },
    },
    async (req, reply) => reply.code(201).send(await service.register(actorOf(req), req.params.id, req.body.siteId)),
  );
  app.get(
    '/entries/mine',
    {
      schema: {
        tags,
        summary: "The signed-in resident's registrations (lottery, waiting list), newest first",
        response: { 200: Type.Object({ items: Type.Array(Entry) }) },
      },
    },
    async (req) => service.myEntries(actorOf(req)),
  );
  app.post(
    '/entries/:id/withdraw',
    {
      config: { idempotent: true },
      schema: { tags, summary: 'Withdraw a registration still waiting', params: Id, response: { 200: Entry } },
    },
    async (req) => service.withdrawEntry(actorOf(req), req.params.id),
  );
  app.get(
    '/reservations/mine',
    {
      schema: {
        tags,
        summary: "The signed-in resident's reservations, newest first",
        response: { 200: Type.Object({ items: Type.Array(Reservation) }) },
      },
    },
    async (req) => service.mine(actorOf(req)),
  );
  app.get(
    '/reservations/:id/pickup-code',
    {
      schema: {
        tags,
        summary: 'The pickup code (ZT1 credential, t "pickup") of a confirmed reservation',
        params: Id,
        response: { 200: PickupCode },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return service.pickupCode(actorOf(req), req.params.id);
    },
  );
  app.post(
    '/reservations/:id/cancel',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Cancel a confirmed reservation; its place is free at once',
        params: Id,
        response: { 200: Reservation },
      },
    },
    async (req) => service.cancel(actorOf(req), req.params.id),
  );

  // ---------- operators ----------
  app.post(
    '/assisted-reservations/lookup',
    {
      schema: {
        tags,
        summary: 'Find a person without a smartphone by ID number and name, with the campaigns open to them',
        body: AssistLookupInput,
        response: { 200: AssistLookup },
      },
    },
    async (req) => service.assistLookup(actorOf(req), req.body),
  );
  app.post(
    '/assisted-reservations',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary:
          'A hotline operator or grid worker reserves for a person without a smartphone (same waiting room, same places)',
        body: AssistInput,
        response: { 201: Reservation },
      },
    },
    async (req, reply) => reply.code(201).send(await service.assist(actorOf(req), req.body)),
  );

  // ---------- sites ----------
  app.get(
    '/sites',
    {
      schema: {
        tags,
        summary: "Sites where the staff member may redeem pickup codes (their jurisdiction's open campaigns first)",
        response: { 200: Type.Object({ items: Type.Array(RedeemSite) }) },
      },
    },
    async (req) => service.redeemSites(actorOf(req)),
  );
  app.post(
    '/redemptions',
    {
      // A scan resent after a lost answer gets the first answer, not "already picked up".
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Scan a pickup code at the site and hand out the items, once',
        body: RedeemInput,
        response: { 200: RedeemAnswer },
      },
    },
    async (req) => service.redeem(actorOf(req), req.body),
  );
};

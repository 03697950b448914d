import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  AdjustmentInput,
  AllocationInput,
  AllocationProposal,
  CorrectionInput,
  DeliveryInput,
  Donation,
  DonationInput,
  DonationReceiptInput,
  IssueInput,
  Item,
  ItemInput,
  LedgerEntry,
  LedgerVerification,
  literalUnion,
  Location,
  LocationInput,
  LocationThresholdsInput,
  locationKinds,
  Movement,
  Page,
  PageQuery,
  PublicDonation,
  ReceiptInput,
  RequestInput,
  requestStatuses,
  StockLine,
  SupplyRequest,
  Transfer,
  TransferCancelInput,
  transferStatuses,
} from '@zhengtong/contracts';
import { actorOf } from '../../platform/auth/request.ts';
import { sendSnapshot, Snapshots } from '../../platform/snapshots.ts';
import type { SuppliesService } from './supplies.service.ts';

const strict = { additionalProperties: false } as const;
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Uuid = Type.String({ format: 'uuid' });
const tags = ['supplies'];
const IssueAnswer = Type.Object({
  issued: Type.Boolean(),
  quantity: Type.Integer(),
  lots: Type.Array(Type.Object({ lotId: Type.String(), lotNumber: Type.String(), quantity: Type.Integer() })),
});

export const suppliesRoutes: FastifyPluginAsyncTypebox<{
  service: SuppliesService;
  snapshotMs: number;
}> = async (app, opts) => {
  const { service } = opts;

  // ---------- catalogue and locations ----------
  app.get(
    '/items',
    {
      schema: {
        tags,
        summary: 'The catalogue of supplies',
        response: { 200: Type.Object({ items: Type.Array(Item) }) },
      },
    },
    async (req) => service.items(actorOf(req)),
  );
  app.post(
    '/items',
    {
      config: { idempotent: true },
      schema: { tags, summary: 'Add an item to the catalogue', body: ItemInput, response: { 201: Item } },
    },
    async (req, reply) => reply.code(201).send(await service.createItem(actorOf(req), req.body)),
  );
  app.get(
    '/locations',
    {
      schema: {
        tags,
        summary: "Warehouses, hospitals and pharmacies of the staff member's jurisdiction",
        querystring: Type.Object({ kind: Type.Optional(literalUnion(locationKinds)) }, strict),
        response: { 200: Type.Object({ items: Type.Array(Location) }) },
      },
    },
    async (req) => service.locations(actorOf(req), req.query.kind),
  );
  app.post(
    '/locations',
    {
      config: { idempotent: true },
      schema: { tags, summary: 'Register a stock location', body: LocationInput, response: { 201: Location } },
    },
    async (req, reply) => reply.code(201).send(await service.createLocation(actorOf(req), req.body)),
  );
  app.post(
    '/locations/:id/thresholds',
    {
      schema: {
        tags,
        summary: "Set a location's own minimum and emergency order points in days of supply (null: each item's)",
        params: Id,
        body: LocationThresholdsInput,
        response: { 200: Location },
      },
    },
    async (req) => service.setThresholds(actorOf(req), req.params.id, req.body),
  );

  // ---------- stock ----------
  app.get(
    '/stock',
    {
      schema: {
        tags,
        summary: 'Stock per location and item: usable units, daily consumption, days of supply and alert',
        querystring: Type.Object({ locationId: Type.Optional(Uuid), itemId: Type.Optional(Uuid) }, strict),
        response: { 200: Type.Object({ items: Type.Array(StockLine) }) },
      },
    },
    async (req) => service.stock(actorOf(req), req.query),
  );
  app.get(
    '/stock-card',
    {
      schema: {
        tags,
        summary: 'The stock card of an item at a location: every movement and the balance after it',
        querystring: Type.Object({ locationId: Uuid, itemId: Uuid, ...PageQuery }, strict),
        response: { 200: Page(Movement) },
      },
    },
    async (req) =>
      service.stockCard(actorOf(req), {
        locationId: req.query.locationId,
        itemId: req.query.itemId,
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
      }),
  );
  app.post(
    '/receipts',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Receive stock into a location (lots with their expiry dates)',
        body: ReceiptInput,
        response: { 201: Type.Object({ items: Type.Array(StockLine) }) },
      },
    },
    async (req, reply) => reply.code(201).send(await service.receive(actorOf(req), req.body)),
  );
  app.post(
    '/issues',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Issue stock for use, first expiry first out; expired lots are refused',
        body: IssueInput,
        response: { 201: IssueAnswer },
      },
    },
    async (req, reply) => reply.code(201).send(await service.issue(actorOf(req), req.body)),
  );
  app.post(
    '/adjustments',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: "Correct a lot's count after a stock take (signed quantity)",
        body: AdjustmentInput,
        response: { 201: Movement },
      },
    },
    async (req, reply) => reply.code(201).send(await service.adjust(actorOf(req), req.body)),
  );

  // ---------- requests, allocation, transfers ----------
  app.post(
    '/requests',
    {
      config: { idempotent: true },
      schema: { tags, summary: 'A hospital requests supplies', body: RequestInput, response: { 201: SupplyRequest } },
    },
    async (req, reply) => reply.code(201).send(await service.createRequest(actorOf(req), req.body)),
  );
  app.get(
    '/requests',
    {
      schema: {
        tags,
        summary: 'Requests of hospitals in the jurisdiction, newest first',
        querystring: Type.Object({ status: Type.Optional(literalUnion(requestStatuses)), ...PageQuery }, strict),
        response: { 200: Page(SupplyRequest) },
      },
    },
    async (req) =>
      service.requests(actorOf(req), {
        status: req.query.status,
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
      }),
  );
  app.post(
    '/requests/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Withdraw an open request (what was approved of it already still travels)',
        params: Id,
        response: { 200: SupplyRequest },
      },
    },
    async (req) => service.cancelRequest(actorOf(req), req.params.id),
  );
  app.get(
    '/allocation-proposal',
    {
      schema: {
        tags,
        summary: "A warehouse's usable stock split across open requests, ranked by urgency and days of supply",
        querystring: Type.Object({ warehouseId: Uuid }, strict),
        response: { 200: AllocationProposal },
      },
    },
    async (req) => service.proposal(actorOf(req), req.query.warehouseId),
  );
  app.post(
    '/allocations',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Approve an allocation: reserve the lots and create one transfer per line',
        body: AllocationInput,
        response: { 201: Type.Object({ items: Type.Array(Transfer) }) },
      },
    },
    async (req, reply) => reply.code(201).send(await service.approve(actorOf(req), req.body)),
  );
  app.get(
    '/transfers',
    {
      schema: {
        tags,
        summary: 'Transfers from or to locations of the jurisdiction, newest first',
        querystring: Type.Object({ status: Type.Optional(literalUnion(transferStatuses)), ...PageQuery }, strict),
        response: { 200: Page(Transfer) },
      },
    },
    async (req) =>
      service.transfers(actorOf(req), {
        status: req.query.status,
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
      }),
  );
  app.post(
    '/transfers/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel an approved transfer before it leaves: its lots are free again, the request asks again',
        params: Id,
        body: TransferCancelInput,
        response: { 200: Transfer },
      },
    },
    async (req) => service.cancelTransfer(actorOf(req), req.params.id, req.body.reason),
  );
  app.post(
    '/transfers/:id/dispatch',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Dispatch a transfer: its lots leave the warehouse',
        params: Id,
        response: { 200: Transfer },
      },
    },
    async (req) => service.dispatch(actorOf(req), req.params.id),
  );
  app.post(
    '/transfers/:id/delivery',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Proof of delivery: what was received enters the destination, once',
        params: Id,
        body: DeliveryInput,
        response: { 200: Transfer },
      },
    },
    async (req) => service.deliver(actorOf(req), req.params.id, req.body),
  );

  // ---------- donations ----------
  app.post(
    '/donations',
    {
      config: { idempotent: true },
      schema: { tags, summary: 'Take in a donation (the pledge)', body: DonationInput, response: { 201: Donation } },
    },
    async (req, reply) => reply.code(201).send(await service.createDonation(actorOf(req), req.body)),
  );
  app.get(
    '/donations',
    {
      schema: {
        tags,
        summary: 'Donations taken in within the jurisdiction, newest first',
        querystring: Type.Object(PageQuery, strict),
        response: { 200: Page(Donation) },
      },
    },
    async (req) => service.donations(actorOf(req), { limit: req.query.limit ?? 50, cursor: req.query.cursor }),
  );
  app.post(
    '/donations/:id/receipts',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Receive donated goods into a location: lots tagged with the donation',
        params: Id,
        body: DonationReceiptInput,
        response: { 201: Donation },
      },
    },
    async (req, reply) => reply.code(201).send(await service.receiveDonation(actorOf(req), req.params.id, req.body)),
  );
  app.post(
    '/ledger/corrections',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Correct a ledger entry by appending a new one that names it',
        body: CorrectionInput,
        response: { 201: LedgerEntry },
      },
    },
    async (req, reply) => reply.code(201).send(await service.correct(actorOf(req), req.body)),
  );

  // ---------- public, no sign-in ----------
  // Served from snapshots a CDN may hold: a surge of readers costs one query per key a second per
  // process. The chain check reads the whole ledger, so it is recomputed at most every 10 s.
  const snapshots = new Snapshots(opts.snapshotMs);
  const checks = new Snapshots(opts.snapshotMs * 10);
  app.get(
    '/public/donations',
    {
      schema: {
        tags,
        summary: 'Donations as the public sees them (people and the anonymous are not named)',
        querystring: Type.Object(PageQuery, strict),
        response: { 200: Page(PublicDonation), 304: Type.Null() },
      },
    },
    async (req, reply) => {
      const q = { limit: req.query.limit ?? 50, cursor: req.query.cursor };
      const snap = await snapshots.get(`donations:${q.limit}:${q.cursor ?? ''}`, () => service.publicDonations(q));
      return sendSnapshot(req, reply, snap, 2);
    },
  );
  app.get(
    '/public/ledger',
    {
      schema: {
        tags,
        summary: 'The donation ledger in sequence order (cursor: the last sequence number seen)',
        querystring: Type.Object(
          {
            donationId: Type.Optional(Uuid),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
            cursor: Type.Optional(Type.String({ pattern: '^\\d{1,10}$' })),
          },
          strict,
        ),
        response: { 200: Page(LedgerEntry), 304: Type.Null() },
      },
    },
    async (req, reply) => {
      const q = {
        donationId: req.query.donationId,
        after: req.query.cursor ? Number(req.query.cursor) : undefined,
        limit: req.query.limit ?? 200,
      };
      const snap = await snapshots.get(`ledger:${q.donationId ?? ''}:${q.after ?? ''}:${q.limit}`, () =>
        service.ledger(q),
      );
      return sendSnapshot(req, reply, snap, 2);
    },
  );
  app.get(
    '/public/ledger/verify',
    {
      schema: {
        tags,
        summary: 'Recompute the hash chain and name the first entry that does not hold',
        response: { 200: LedgerVerification, 304: Type.Null() },
      },
    },
    async (req, reply) => sendSnapshot(req, reply, await checks.get('verify', () => service.verifyLedger()), 10),
  );
};

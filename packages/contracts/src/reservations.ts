import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './schemas.ts';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** 口罩 masks at pharmacies, 核酸 tests at sites, 分时段就诊 clinic and hospital time slots. */
export const campaignKinds = ['masks', 'tests', 'clinic'] as const;
export const campaignModes = ['first_come', 'lottery'] as const;
export const campaignStatuses = ['draft', 'open', 'closed'] as const;
export const reservationStatuses = ['confirmed', 'redeemed', 'cancelled', 'expired'] as const;
/** How the reservation was made: by the person, by a proxy they hold, by a phone-line operator. */
export const reservationChannels = ['self', 'proxy', 'operator'] as const;
/** 登记: waiting for the draw or for a freed place, then won (a reservation) or lost; or withdrawn. */
export const entryStatuses = ['waiting', 'won', 'lost', 'withdrawn'] as const;

export const SlotInput = Type.Object(
  {
    startsAt: DateTime,
    endsAt: DateTime,
    quota: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);

export const SiteInput = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 100 }),
    address: Type.String({ minLength: 2, maxLength: 200 }),
    regionCode: Type.String({ pattern: '^\\d{6,12}$', description: 'district, street or community of the site' }),
    stockLocationId: Type.Optional(
      Type.String({ format: 'uuid', description: "the pharmacy's stock (supplies) the campaign's item comes from" }),
    ),
    slots: Type.Array(SlotInput, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);

export const CampaignInput = Type.Object(
  {
    kind: literalUnion(campaignKinds),
    title: Type.String({ minLength: 2, maxLength: 100 }),
    regionCode: Type.String({ pattern: '^\\d{4,12}$', description: 'who may take part: residents of this region' }),
    mode: literalUnion(campaignModes),
    /** Once per this many days per person, across campaigns of the same kind (0: once per campaign). */
    oncePerDays: Type.Integer({ minimum: 0, maximum: 365 }),
    itemsPerPerson: Type.Integer({ minimum: 1, maximum: 100, description: 'e.g. 5 masks per reservation' }),
    supplyItemId: Type.Optional(
      Type.String({ format: 'uuid', description: 'the catalogue item handed out; redeeming issues it from stock' }),
    ),
    // Announced ahead: people may wait in the room before it, and are shuffled at the opening.
    opensAt: Type.Optional(DateTime),
    /** Lottery: people register until then; the draw follows (required for a lottery). */
    registrationEndsAt: Type.Optional(DateTime),
    sites: Type.Array(SiteInput, { minItems: 1, maxItems: 2000 }),
  },
  { additionalProperties: false },
);
export type CampaignInput = Static<typeof CampaignInput>;

export const Slot = Type.Object({
  id: Type.String(),
  startsAt: DateTime,
  endsAt: DateTime,
  quota: Type.Integer(),
  left: Type.Integer(),
});
export type Slot = Static<typeof Slot>;

export const Site = Type.Object({
  id: Type.String(),
  name: Type.String(),
  address: Type.String(),
  regionCode: Type.String(),
  stockLocationId: Nullable(Type.String()),
  slots: Type.Array(Slot),
});

export const Campaign = Type.Object({
  id: Type.String(),
  kind: literalUnion(campaignKinds),
  title: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  mode: literalUnion(campaignModes),
  status: literalUnion(campaignStatuses),
  oncePerDays: Type.Integer(),
  itemsPerPerson: Type.Integer(),
  supplyItemId: Nullable(Type.String()),
  quota: Type.Integer(),
  left: Type.Integer(),
  sites: Type.Array(Site),
  opensAt: Nullable(DateTime),
  registrationEndsAt: Nullable(DateTime),
  /** The published seed of the lottery's draw, once drawn. */
  drawSeed: Nullable(Type.String()),
  drawnAt: Nullable(DateTime),
  /** People registered and still waiting (for the draw, or for a freed place). */
  waiting: Type.Integer(),
  openedAt: Nullable(DateTime),
  closedAt: Nullable(DateTime),
  createdAt: DateTime,
});
export type Campaign = Static<typeof Campaign>;

/** A site where staff hand out reservations: of an open or closed campaign (late pick-ups). */
export const RedeemSite = Type.Object({
  id: Type.String(),
  name: Type.String(),
  address: Type.String(),
  campaignId: Type.String(),
  campaignTitle: Type.String(),
  campaignStatus: literalUnion(campaignStatuses),
});
export type RedeemSite = Static<typeof RedeemSite>;

export const ReserveInput = Type.Object(
  {
    slotId: Type.String({ format: 'uuid' }),
    proxyId: Type.Optional(
      Type.String({ format: 'uuid', description: 'reserve for the person the resident holds codes for (代预约)' }),
    ),
  },
  { additionalProperties: false },
);

export const AssistLookupInput = Type.Object(
  { idNumber: Type.String({ minLength: 15, maxLength: 20 }), name: Type.String({ minLength: 1, maxLength: 50 }) },
  { additionalProperties: false },
);

/** 代预约 by a hotline operator or grid worker for a person without a smartphone. */
export const AssistInput = Type.Object(
  {
    idNumber: Type.String({ minLength: 15, maxLength: 20 }),
    name: Type.String({ minLength: 1, maxLength: 50 }),
    slotId: Type.String({ format: 'uuid' }),
  },
  { additionalProperties: false },
);

export const Reservation = Type.Object({
  id: Type.String(),
  campaignId: Type.String(),
  campaignTitle: Type.String(),
  kind: literalUnion(campaignKinds),
  site: Type.Object({ id: Type.String(), name: Type.String(), address: Type.String() }),
  slot: Type.Object({ id: Type.String(), startsAt: DateTime, endsAt: DateTime }),
  items: Type.Integer(),
  status: literalUnion(reservationStatuses),
  channel: literalUnion(reservationChannels),
  createdAt: DateTime,
  redeemedAt: Nullable(DateTime),
  cancelledAt: Nullable(DateTime),
});
export type Reservation = Static<typeof Reservation>;

export const PickupCode = Type.Object({
  text: Type.String({ description: 'ZT1 credential, t "pickup": the QR the site scans' }),
  expiresAt: DateTime,
});
export type PickupCode = Static<typeof PickupCode>;

export const RedeemInput = Type.Object(
  {
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'the scanned pickup code' })),
    idNumber: Type.Optional(
      Type.String({
        minLength: 15,
        maxLength: 20,
        description: 'instead of a code: the ID card of a person who reserved without a phone',
      }),
    ),
    siteId: Type.String({ format: 'uuid', description: 'the site where it is scanned' }),
  },
  { additionalProperties: false },
);

export const RedeemAnswer = Type.Object({
  reservationId: Type.String(),
  name: Type.String({ description: 'masked, for a face check' }),
  items: Type.Integer(),
  slot: Type.Object({ startsAt: DateTime, endsAt: DateTime }),
});
export type RedeemAnswer = Static<typeof RedeemAnswer>;

/** 排队: where the person stands in the campaign's waiting room. */
export const QueueState = Type.Object({
  admitted: Type.Boolean({ description: 'may reserve now' }),
  position: Type.Integer({ description: 'place in the line of those not yet admitted (1 is next); 0 once admitted' }),
  etaSeconds: Type.Integer(),
  rate: Type.Integer({ description: 'people admitted per second now, following the backend health' }),
  opensAt: Nullable(DateTime),
  retryAfterSeconds: Type.Integer({
    description:
      'when to ask again: 0 once admitted, more often as the turn nears (the line is asked less the longer it is)',
  }),
  ticket: Nullable(
    Type.String({
      description:
        'the place, signed: ask GET /public/queue with it (header x-queue-ticket, no session) while waiting; null before the opening and once admitted',
    }),
  ),
});
export type QueueState = Static<typeof QueueState>;

export const EntryInput = Type.Object(
  { siteId: Type.Optional(Type.String({ format: 'uuid', description: 'the site the person prefers' })) },
  { additionalProperties: false },
);

/** 登记: a person's registration for a lottery's draw or a first-come campaign's waiting list (候补). */
export const Entry = Type.Object({
  id: Type.String(),
  campaignId: Type.String(),
  campaignTitle: Type.String(),
  mode: literalUnion(campaignModes),
  ticket: Type.String({ description: 'the published name of the entry in the draw' }),
  siteId: Nullable(Type.String()),
  status: literalUnion(entryStatuses),
  /** Waiting list: how many registered before, still waiting. */
  ahead: Type.Integer(),
  reservationId: Nullable(Type.String()),
  createdAt: DateTime,
});
export type Entry = Static<typeof Entry>;

export const DrawInput = Type.Object(
  {
    seed: Type.String({
      minLength: 4,
      maxLength: 200,
      description: 'announced before the draw (e.g. a public lottery result), so nobody can pick it afterwards',
    }),
  },
  { additionalProperties: false },
);

/** The published record of a draw: with it anyone can redo the draw and check the winners. */
export const DrawRecord = Type.Object({
  campaignId: Type.String(),
  seed: Type.String(),
  drawnAt: DateTime,
  method: Type.String({ description: 'how the order follows from the seed' }),
  entries: Type.Array(
    Type.Object({
      ticket: Type.String(),
      siteId: Nullable(Type.String()),
      won: Type.Boolean(),
    }),
  ),
  winners: Type.Integer(),
});
export type DrawRecord = Static<typeof DrawRecord>;

export const AssistLookup = Type.Object({
  maskedName: Type.String(),
  campaigns: Type.Array(Campaign),
});

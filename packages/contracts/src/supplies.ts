import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './schemas.ts';

const DateTime = Type.String({ format: 'date-time' });
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Uuid = Type.String({ format: 'uuid' });
const strict = { additionalProperties: false } as const;
/** A count of units: never negative, never a fraction (a box of 50 masks is 50 masks or 1 box). */
const Quantity = Type.Integer({ minimum: 1, maximum: 100_000_000 });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });

export const supplyCategories = [
  'mask',
  'protective_clothing',
  'goggles',
  'gloves',
  'test_kit',
  'drug',
  'disinfectant',
  'ventilator',
  'other',
] as const;
/** 仓库 warehouse, 医院 hospital, 药店 pharmacy. */
export const locationKinds = ['warehouse', 'hospital', 'pharmacy'] as const;
/** Stock card entries: every change of stock is one of these (OpenLMIS stock events). */
export const movementKinds = ['receipt', 'issue', 'transfer_out', 'transfer_in', 'transit_loss', 'adjustment'] as const;
export const requestUrgencies = ['routine', 'urgent', 'critical'] as const;
export const requestStatuses = ['open', 'allocated', 'cancelled'] as const;
export const transferStatuses = ['approved', 'dispatched', 'delivered', 'cancelled'] as const;
/** none: no consumption to judge by; ok; low: under the minimum; emergency: under the emergency order point. */
export const stockAlerts = ['none', 'ok', 'low', 'emergency'] as const;
export const donorKinds = ['organisation', 'person', 'anonymous'] as const;
export const ledgerEntryKinds = [
  'pledge',
  'receipt',
  'allocation',
  'dispatch',
  'delivery',
  /** Lost in transit (运输损耗): dispatched, not received, with the receiver's reason. */
  'loss',
  'distribution',
  'correction',
  'cancellation',
] as const;

export const ItemInput = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z0-9][A-Z0-9_-]{1,31}$', description: 'e.g. MASK-N95' }),
    nameZh: Text(100),
    nameEn: Text(100),
    category: literalUnion(supplyCategories),
    unit: Text(20),
    grade: Type.Optional(Nullable(Text(40))),
    /** Items that may be given instead, best first (KN95 for N95). */
    substituteIds: Type.Optional(Type.Array(Uuid, { maxItems: 10 })),
    /** 包装规格: a pack of `size` units (箱 = 400 只), so postings by the pack and by the unit match. */
    pack: Type.Optional(
      Nullable(Type.Object({ unit: Text(20), size: Type.Integer({ minimum: 2, maximum: 1_000_000 }) }, strict)),
    ),
    minDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: 7 })),
    emergencyDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, default: 3 })),
  },
  strict,
);
export type ItemInput = Static<typeof ItemInput>;

export const Item = Type.Object({
  id: Type.String(),
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  category: literalUnion(supplyCategories),
  unit: Type.String(),
  grade: Nullable(Type.String()),
  substituteIds: Type.Array(Type.String()),
  pack: Nullable(Type.Object({ unit: Type.String(), size: Type.Integer() })),
  minDays: Type.Integer(),
  emergencyDays: Type.Integer(),
});
export type Item = Static<typeof Item>;

export const LocationInput = Type.Object(
  {
    kind: literalUnion(locationKinds),
    name: Text(100),
    regionCode: Type.String({ pattern: '^\\d{4,12}$', description: 'GB/T 2260: who manages it' }),
    address: Type.Optional(Text(200)),
    minDays: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 365 }))),
    emergencyDays: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 365 }))),
  },
  strict,
);
export type LocationInput = Static<typeof LocationInput>;

/** A location's own order points, in days of supply; null follows each item's. */
export const LocationThresholdsInput = Type.Object(
  {
    minDays: Nullable(Type.Integer({ minimum: 1, maximum: 365 })),
    emergencyDays: Nullable(Type.Integer({ minimum: 0, maximum: 365 })),
  },
  strict,
);
export type LocationThresholdsInput = Static<typeof LocationThresholdsInput>;

export const Location = Type.Object({
  id: Type.String(),
  kind: literalUnion(locationKinds),
  name: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  address: Nullable(Type.String()),
  minDays: Nullable(Type.Integer()),
  emergencyDays: Nullable(Type.Integer()),
});
export type Location = Static<typeof Location>;

export const Lot = Type.Object({
  lotId: Type.String(),
  lotNumber: Type.String(),
  expiresOn: Nullable(Day),
  expired: Type.Boolean(),
  donationId: Nullable(Type.String()),
  quantity: Type.Integer(),
  reserved: Type.Integer({ description: 'held for approved transfers not yet dispatched' }),
});

/** One item at one location: what is there, how fast it goes, and how long it lasts. */
export const StockLine = Type.Object({
  location: Type.Object({ id: Type.String(), name: Type.String(), kind: literalUnion(locationKinds) }),
  item: Type.Object({
    id: Type.String(),
    code: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    unit: Type.String(),
  }),
  onHand: Type.Integer(),
  usable: Type.Integer({ description: 'on hand, less expired lots and what is reserved' }),
  expired: Type.Integer(),
  averageDailyConsumption: Type.Number({ description: 'issues over the last consumptionDays, per day' }),
  consumptionDays: Type.Integer(),
  daysOfSupply: Nullable(Type.Number()),
  minDays: Type.Integer(),
  emergencyDays: Type.Integer(),
  alert: literalUnion(stockAlerts),
  lots: Type.Array(Lot),
});
export type StockLine = Static<typeof StockLine>;

export const Movement = Type.Object({
  id: Type.String(),
  kind: literalUnion(movementKinds),
  lotNumber: Type.String(),
  expiresOn: Nullable(Day),
  quantity: Type.Integer({ description: 'signed: into stock positive, out of it negative' }),
  balanceAfter: Type.Integer({ description: "the item's stock at the location after this entry" }),
  referenceKind: Type.String(),
  referenceId: Type.String(),
  note: Nullable(Type.String()),
  actor: Type.String(),
  at: DateTime,
});
export type Movement = Static<typeof Movement>;

export const ReceiptLine = Type.Object(
  {
    itemId: Uuid,
    lotNumber: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$' }),
    expiresOn: Type.Optional(Nullable(Day)),
    quantity: Quantity,
  },
  strict,
);
export const ReceiptInput = Type.Object(
  {
    locationId: Uuid,
    lines: Type.Array(ReceiptLine, { minItems: 1, maxItems: 200 }),
    note: Type.Optional(Text(200)),
  },
  strict,
);
export type ReceiptInput = Static<typeof ReceiptInput>;

export const IssueInput = Type.Object(
  {
    locationId: Uuid,
    itemId: Uuid,
    quantity: Quantity,
    /** A named lot; without it lots go first-expiry-first-out. */
    lotId: Type.Optional(Uuid),
    note: Type.Optional(Text(200)),
  },
  strict,
);
export type IssueInput = Static<typeof IssueInput>;

export const AdjustmentInput = Type.Object(
  {
    locationId: Uuid,
    lotId: Uuid,
    quantity: Type.Integer({ minimum: -100_000_000, maximum: 100_000_000, description: 'signed; not 0' }),
    note: Text(200),
  },
  strict,
);
export type AdjustmentInput = Static<typeof AdjustmentInput>;

export const RequestInput = Type.Object(
  {
    locationId: Uuid,
    urgency: literalUnion(requestUrgencies),
    lines: Type.Array(Type.Object({ itemId: Uuid, quantity: Quantity }, strict), { minItems: 1, maxItems: 50 }),
    note: Type.Optional(Text(500)),
  },
  strict,
);
export type RequestInput = Static<typeof RequestInput>;

export const SupplyRequest = Type.Object({
  id: Type.String(),
  location: Type.Object({ id: Type.String(), name: Type.String(), regionCode: Type.String() }),
  urgency: literalUnion(requestUrgencies),
  status: literalUnion(requestStatuses),
  note: Nullable(Type.String()),
  lines: Type.Array(
    Type.Object({
      id: Type.String(),
      itemId: Type.String(),
      itemName: Type.String(),
      unit: Type.String(),
      quantity: Type.Integer(),
      allocated: Type.Integer(),
    }),
  ),
  createdBy: Type.String(),
  createdAt: DateTime,
});
export type SupplyRequest = Static<typeof SupplyRequest>;

/** One proposed line: stock of a warehouse for one open request line, maybe a substitute. */
export const ProposalLine = Type.Object({
  requestId: Type.String(),
  lineId: Type.String(),
  location: Type.Object({ id: Type.String(), name: Type.String() }),
  urgency: literalUnion(requestUrgencies),
  requestedItem: Type.Object({ id: Type.String(), nameZh: Type.String(), nameEn: Type.String() }),
  item: Type.Object({ id: Type.String(), nameZh: Type.String(), nameEn: Type.String(), unit: Type.String() }),
  substitute: Type.Boolean(),
  requested: Type.Integer({ description: 'still open on the line' }),
  quantity: Type.Integer(),
  requesterDaysOfSupply: Nullable(Type.Number()),
  rank: Type.Integer(),
});
export type ProposalLine = Static<typeof ProposalLine>;

export const AllocationProposal = Type.Object({
  warehouse: Type.Object({ id: Type.String(), name: Type.String() }),
  lines: Type.Array(ProposalLine),
  /** Open request lines nothing is left for. */
  unmet: Type.Array(Type.Object({ lineId: Type.String(), requestId: Type.String(), short: Type.Integer() })),
});
export type AllocationProposal = Static<typeof AllocationProposal>;

export const AllocationInput = Type.Object(
  {
    warehouseId: Uuid,
    lines: Type.Array(Type.Object({ lineId: Uuid, itemId: Uuid, quantity: Quantity }, strict), {
      minItems: 1,
      maxItems: 500,
    }),
  },
  strict,
);
export type AllocationInput = Static<typeof AllocationInput>;

export const Transfer = Type.Object({
  id: Type.String(),
  requestId: Nullable(Type.String()),
  from: Type.Object({ id: Type.String(), name: Type.String() }),
  to: Type.Object({ id: Type.String(), name: Type.String() }),
  item: Type.Object({ id: Type.String(), nameZh: Type.String(), nameEn: Type.String(), unit: Type.String() }),
  quantity: Type.Integer(),
  status: literalUnion(transferStatuses),
  lots: Type.Array(Type.Object({ lotNumber: Type.String(), expiresOn: Nullable(Day), quantity: Type.Integer() })),
  approvedBy: Type.String(),
  approvedAt: DateTime,
  dispatchedAt: Nullable(DateTime),
  deliveredAt: Nullable(DateTime),
  receivedQuantity: Nullable(Type.Integer()),
  receiverName: Nullable(Type.String({ description: 'masked' })),
  deliveryNote: Nullable(Type.String()),
  cancelledAt: Nullable(DateTime),
  cancelReason: Nullable(Type.String()),
});
export type Transfer = Static<typeof Transfer>;

export const TransferCancelInput = Type.Object({ reason: Text(200) }, strict);
export type TransferCancelInput = Static<typeof TransferCancelInput>;

export const DeliveryInput = Type.Object(
  {
    receivedQuantity: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
    receiverName: Text(50),
    receivedAt: Type.Optional(DateTime),
    /** Required when fewer arrived than were dispatched: why (on the public ledger for donated lots). */
    note: Type.Optional(Text(500)),
  },
  strict,
);
export type DeliveryInput = Static<typeof DeliveryInput>;

export const DonationInput = Type.Object(
  {
    donorKind: literalUnion(donorKinds),
    /** An organisation's name (public) or a person's (kept in the vault, shown masked). */
    donorName: Type.Optional(Text(100)),
    regionCode: Type.String({ pattern: '^\\d{4,12}$', description: 'the jurisdiction taking it in' }),
    items: Type.Array(Type.Object({ itemId: Uuid, quantity: Quantity }, strict), { minItems: 1, maxItems: 50 }),
    note: Type.Optional(Text(500)),
  },
  strict,
);
export type DonationInput = Static<typeof DonationInput>;

export const Donation = Type.Object({
  id: Type.String(),
  donorKind: literalUnion(donorKinds),
  donor: Type.String({ description: "an organisation's name, a masked person's name, or empty (anonymous)" }),
  regionCode: Type.String(),
  items: Type.Array(
    Type.Object({
      itemId: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      unit: Type.String(),
      pledged: Type.Integer(),
      received: Type.Integer(),
    }),
  ),
  note: Nullable(Type.String()),
  createdAt: DateTime,
});
export type Donation = Static<typeof Donation>;

export const DonationReceiptInput = Type.Object(
  { locationId: Uuid, lines: Type.Array(ReceiptLine, { minItems: 1, maxItems: 200 }) },
  strict,
);
export type DonationReceiptInput = Static<typeof DonationReceiptInput>;

/** The public part of a ledger entry: what is hashed, and all that anyone sees. No personal data. */
export const LedgerBody = Type.Object({
  donor: Type.Optional(Type.String({ description: "an organisation's name; people and the anonymous are not named" })),
  item: Type.Optional(Type.Object({ code: Type.String(), nameZh: Type.String(), unit: Type.String() })),
  items: Type.Optional(
    Type.Array(
      Type.Object({ code: Type.String(), nameZh: Type.String(), unit: Type.String(), quantity: Type.Integer() }),
    ),
  ),
  lotNumber: Type.Optional(Type.String()),
  expiresOn: Type.Optional(Nullable(Type.String())),
  quantity: Type.Optional(Type.Integer()),
  from: Type.Optional(Type.String()),
  to: Type.Optional(Type.String()),
  transferId: Type.Optional(Type.String()),
  /** A correction names the entry it corrects, by sequence number. */
  corrects: Type.Optional(Type.Integer()),
  note: Type.Optional(Type.String()),
});
export type LedgerBody = Static<typeof LedgerBody>;

export const LedgerEntry = Type.Object({
  seq: Type.Integer(),
  at: DateTime,
  kind: literalUnion(ledgerEntryKinds),
  donationId: Type.String(),
  body: LedgerBody,
  prevHash: Type.String(),
  hash: Type.String(),
});
export type LedgerEntry = Static<typeof LedgerEntry>;

export const LedgerVerification = Type.Object({
  ok: Type.Boolean(),
  entries: Type.Integer(),
  head: Nullable(Type.String({ description: 'hash of the last entry' })),
  firstBroken: Nullable(
    Type.Object({ seq: Type.Integer(), reason: literalUnion(['hash', 'link', 'sequence'] as const) }),
  ),
});
export type LedgerVerification = Static<typeof LedgerVerification>;

export const CorrectionInput = Type.Object({ corrects: Type.Integer({ minimum: 1 }), note: Text(500) }, strict);

export const PublicDonation = Type.Object({
  id: Type.String(),
  donorKind: literalUnion(donorKinds),
  donor: Type.String({ description: "an organisation's name; empty for people and the anonymous" }),
  items: Donation.properties.items,
  createdAt: DateTime,
});
export type PublicDonation = Static<typeof PublicDonation>;

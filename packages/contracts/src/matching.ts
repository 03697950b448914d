import { Type, type Static } from '@sinclair/typebox';
import { literalUnion, PersonName, Phone } from './schemas.ts';

/** 供需对接: producers' capacity and farmers' produce (offers) matched with hospitals' and enterprises' needs. */
const DateTime = Type.String({ format: 'date-time' });
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
/**
 * For inputs: null is tried first, because the server's validator coerces types and would otherwise
 * turn a null number into 0 (and a null text into "") in the first branch before trying null.
 */
const OrNull = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);
const Uuid = Type.String({ format: 'uuid' });
const strict = { additionalProperties: false } as const;
const Quantity = Type.Integer({ minimum: 1, maximum: 100_000_000 });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });

/** capacity: a producer's output (masks per day); produce: a farmer's unsold produce (滞销农产品); need: a buyer's need. */
export const postingKinds = ['capacity', 'produce', 'need'] as const;
export type PostingKind = (typeof postingKinds)[number];
export const postingSides = ['offer', 'need'] as const;
export type PostingSide = (typeof postingSides)[number];
/** matched: nothing left open after confirmed matches; expired: its last day has passed. */
export const postingStatuses = ['open', 'matched', 'closed', 'expired'] as const;
export const produceCategories = ['vegetables', 'fruit', 'eggs', 'meat', 'aquatic', 'grain', 'dairy', 'other'] as const;
export type ProduceCategory = (typeof produceCategories)[number];
export const quantityBases = ['per_day', 'total'] as const;
/** How far an offer delivers, by GB/T 2260 level: its own district, its city, or the whole province. */
export const deliveryScopes = ['district', 'city', 'province'] as const;
export const matchStatuses = ['proposed', 'confirmed', 'declined', 'withdrawn'] as const;
export type MatchStatus = (typeof matchStatuses)[number];

export const sideOfKind = (kind: PostingKind): PostingSide => (kind === 'need' ? 'need' : 'offer');

const postingFields = {
  /** A catalogue item (capacity, or a need for supplies); or else a free-text product. */
  itemId: Type.Optional(OrNull(Uuid)),
  product: Type.Optional(OrNull(Text(60))),
  produceCategory: Type.Optional(OrNull(literalUnion(produceCategories))),
  quantity: Quantity,
  /** per_day only for capacity; produce and needs are totals. */
  basis: Type.Optional(literalUnion(quantityBases)),
  unit: Type.Optional(Text(20)),
  /** Produce only: asking price per unit in yuan. */
  priceYuan: Type.Optional(OrNull(Type.Number({ minimum: 0.01, maximum: 1_000_000, multipleOf: 0.01 }))),
  /** Defaults to today. */
  availableFrom: Type.Optional(Day),
  /** An offer's last day (harvest sold by); a need's "needed by". */
  availableUntil: Day,
  regionCode: Type.String({ pattern: '^\\d{6}(\\d{3})?$', description: 'GB/T 2260 district or street' }),
  deliveryScope: Type.Optional(literalUnion(deliveryScopes)),
  deliveryRadiusKm: Type.Optional(OrNull(Type.Integer({ minimum: 1, maximum: 3000 }))),
  organisation: Text(100),
  contactName: PersonName,
  contactPhone: Phone,
  note: Type.Optional(OrNull(Text(500))),
};

export const PostingInput = Type.Object({ kind: literalUnion(postingKinds), ...postingFields }, strict);
export type PostingInput = Static<typeof PostingInput>;

/** A change of a posting: any field but its kind; what is left open follows the new quantity. */
export const PostingUpdate = Type.Partial(Type.Object(postingFields, strict), {
  ...strict,
  minProperties: 1,
});
export type PostingUpdate = Static<typeof PostingUpdate>;

export const PostingGoods = Type.Object({
  itemId: Nullable(Type.String()),
  itemCode: Nullable(Type.String()),
  nameZh: Type.String({ description: 'the item, else the product, else the produce category' }),
  nameEn: Type.String(),
  product: Nullable(Type.String()),
  produceCategory: Nullable(literalUnion(produceCategories)),
});

export const Posting = Type.Object({
  id: Type.String(),
  kind: literalUnion(postingKinds),
  side: literalUnion(postingSides),
  status: literalUnion(postingStatuses),
  goods: PostingGoods,
  quantity: Type.Integer(),
  openQuantity: Type.Integer({ description: 'what confirmed matches have not taken yet' }),
  basis: literalUnion(quantityBases),
  unit: Type.String(),
  priceYuan: Nullable(Type.Number()),
  availableFrom: Day,
  availableUntil: Day,
  region: Type.Object({ code: Type.String(), name: Type.String() }),
  deliveryScope: Nullable(literalUnion(deliveryScopes)),
  deliveryRadiusKm: Nullable(Type.Integer()),
  organisation: Type.String(),
  contactName: Type.String({ description: 'masked' }),
  contactPhone: Type.String({ description: 'masked' }),
  note: Nullable(Type.String()),
  mine: Type.Boolean({ description: 'posted by the one asking' }),
  postedBy: literalUnion(['staff', 'resident'] as const),
  matches: Type.Object({ proposed: Type.Integer(), confirmed: Type.Integer() }),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type Posting = Static<typeof Posting>;

export const PostingQuery = {
  side: Type.Optional(literalUnion(postingSides)),
  kind: Type.Optional(literalUnion(postingKinds)),
  status: Type.Optional(literalUnion(postingStatuses)),
  regionCode: Type.Optional(Type.String({ pattern: '^\\d{2,9}$' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
  mine: Type.Optional(Type.Boolean()),
};

export const matchReasonCodes = [
  'same_item',
  'substitute',
  'same_product',
  'same_category',
  'same_district',
  'same_city',
  'same_province',
  'supply',
  'demand',
  'needed_by',
] as const;
export type MatchReasonCode = (typeof matchReasonCodes)[number];

/** One part of why two postings match, with what a person needs to read it in any language. */
export const MatchReason = Type.Object({
  code: literalUnion(matchReasonCodes),
  nameZh: Type.Optional(Type.String()),
  nameEn: Type.Optional(Type.String()),
  /** substitute: the item asked for. */
  forZh: Type.Optional(Type.String()),
  forEn: Type.Optional(Type.String()),
  category: Type.Optional(literalUnion(produceCategories)),
  /** same_district, same_city, same_province: the GB/T 2260 code both lie in. */
  region: Type.Optional(Type.String()),
  quantity: Type.Optional(Type.Integer()),
  unit: Type.Optional(Type.String()),
  basis: Type.Optional(literalUnion(quantityBases)),
  date: Type.Optional(Day),
});
export type MatchReason = Static<typeof MatchReason>;

export const MatchSide = Type.Object({
  postingId: Type.String(),
  kind: literalUnion(postingKinds),
  organisation: Type.String(),
  region: Type.Object({ code: Type.String(), name: Type.String() }),
  goods: PostingGoods,
  openQuantity: Type.Integer(),
  basis: literalUnion(quantityBases),
  unit: Type.String(),
  availableUntil: Day,
  contactName: Type.String({ description: 'masked' }),
  contactPhone: Type.String({ description: 'masked' }),
  acceptedAt: Nullable(DateTime),
});

export const Match = Type.Object({
  id: Type.String(),
  status: literalUnion(matchStatuses),
  score: Type.Integer({ minimum: 0, maximum: 100 }),
  reasons: Type.Array(MatchReason),
  reason: Type.String({ description: "the reasons as a sentence in the request's language" }),
  quantity: Type.Integer({ description: 'units the offer would give the need' }),
  offer: MatchSide,
  need: MatchSide,
  /** The side the one asking stands for, or null for a coordinator who only oversees. */
  mySide: Nullable(literalUnion(postingSides)),
  declinedBy: Nullable(literalUnion(postingSides)),
  confirmedAt: Nullable(DateTime),
  createdAt: DateTime,
});
export type Match = Static<typeof Match>;

/** The counterpart's contact, answered only to a party of a confirmed match, and audited. */
export const MatchContact = Type.Object({
  organisation: Type.String(),
  contactName: Type.String(),
  contactPhone: Type.String(),
});
export type MatchContact = Static<typeof MatchContact>;

/** Open produce offers and needs as anyone sees them: no contact, no person. */
export const PublicPosting = Type.Object({
  id: Type.String(),
  kind: literalUnion(postingKinds),
  goods: PostingGoods,
  openQuantity: Type.Integer(),
  basis: literalUnion(quantityBases),
  unit: Type.String(),
  priceYuan: Nullable(Type.Number()),
  availableUntil: Day,
  organisation: Type.String(),
  region: Type.Object({ code: Type.String(), name: Type.String() }),
});
export type PublicPosting = Static<typeof PublicPosting>;

export const produceCategoryNames: Record<ProduceCategory, { 'zh-CN': string; en: string }> = {
  vegetables: { 'zh-CN': '蔬菜', en: 'vegetables' },
  fruit: { 'zh-CN': '水果', en: 'fruit' },
  eggs: { 'zh-CN': '禽蛋', en: 'eggs' },
  meat: { 'zh-CN': '肉类', en: 'meat' },
  aquatic: { 'zh-CN': '水产', en: 'aquatic products' },
  grain: { 'zh-CN': '粮油', en: 'grain and oil' },
  dairy: { 'zh-CN': '奶制品', en: 'dairy' },
  other: { 'zh-CN': '其他农产品', en: 'other produce' },
};

const count = (n: number) => n.toLocaleString('en-US');
const monthDay = (d: string) => d.slice(5);

/** A match's reasons as one sentence: "同为 KN95 口罩；同在武汉市；可供 5,000 只/天；需 20,000 只；需在 12-10 前". */
export function matchReasonText(reasons: readonly MatchReason[], locale: 'zh-CN' | 'en'): string {
  const zh = locale === 'zh-CN';
  const name = (r: MatchReason) => (zh ? r.nameZh : r.nameEn) ?? '';
  const parts = reasons.map((r) => {
    switch (r.code) {
      case 'same_item':
      case 'same_product':
        return zh ? `同为 ${name(r)}` : `both ${name(r)}`;
      case 'substitute':
        return zh ? `${name(r)} 可替代 ${r.forZh ?? ''}` : `${name(r)} may replace ${r.forEn ?? ''}`;
      case 'same_category':
        return zh
          ? `同为${produceCategoryNames[r.category ?? 'other']['zh-CN']}类`
          : `both ${produceCategoryNames[r.category ?? 'other'].en}`;
      case 'same_district':
      case 'same_city':
      case 'same_province':
        return zh ? `同在${name(r)}` : `both in ${name(r)}`;
      case 'supply': {
        const per = r.basis === 'per_day' ? (zh ? '/天' : ' a day') : '';
        return zh
          ? `可供 ${count(r.quantity ?? 0)} ${r.unit ?? ''}${per}`
          : `offers ${count(r.quantity ?? 0)} ${r.unit ?? ''}${per}`;
      }
      case 'demand':
        return zh ? `需 ${count(r.quantity ?? 0)} ${r.unit ?? ''}` : `needs ${count(r.quantity ?? 0)} ${r.unit ?? ''}`;
      case 'needed_by':
        return zh ? `需在 ${monthDay(r.date ?? '')} 前` : `needed by ${monthDay(r.date ?? '')}`;
    }
  });
  return parts.join(zh ? '；' : '; ');
}

import { PostingInput } from '@zhengtong/contracts';
import type { SupplyMatch, SupplyPosting } from '@zhengtong/web-core';

export type PostingKind = SupplyPosting['kind'];

/** The posting form as the official fills it in; `goods` says whether a catalogue item or a product is meant. */
export interface PostingForm {
  kind: PostingKind;
  goods: 'item' | 'product';
  itemId: string;
  product: string;
  produceCategory: string;
  quantity: number;
  basis: SupplyPosting['basis'];
  unit: string;
  priceYuan: number | null;
  availableFrom: string;
  availableUntil: string;
  regionCode: string;
  deliveryScope: NonNullable<SupplyPosting['deliveryScope']>;
  deliveryRadiusKm: number | null;
  organisation: string;
  contactName: string;
  contactPhone: string;
  note: string;
}

/** Where a posting is: a district or a street (GB/T 2260), by the API's own pattern. */
export const POSTING_REGION = new RegExp(PostingInput.properties.regionCode.pattern!);

/**
 * A new posting, in the official's own region when that is a district or street; a city or province
 * official picks the district (their jurisdiction is not a place to deliver to or from).
 */
export const emptyForm = (jurisdiction = ''): PostingForm => ({
  kind: 'need',
  goods: 'item',
  itemId: '',
  product: '',
  produceCategory: '',
  quantity: 1000,
  basis: 'total',
  unit: '',
  priceYuan: null,
  availableFrom: '',
  availableUntil: '',
  regionCode: POSTING_REGION.test(jurisdiction) ? jurisdiction : '',
  deliveryScope: 'city',
  deliveryRadiusKm: null,
  organisation: '',
  contactName: '',
  contactPhone: '',
  note: '',
});

/** A posting as the form shows it for editing; the contact stays empty (only a new one is sent). */
export function formOf(p: SupplyPosting): PostingForm {
  return {
    kind: p.kind,
    goods: p.goods.itemId ? 'item' : 'product',
    itemId: p.goods.itemId ?? '',
    product: p.goods.product ?? '',
    produceCategory: p.goods.produceCategory ?? '',
    quantity: p.quantity,
    basis: p.basis,
    unit: p.unit,
    priceYuan: p.priceYuan,
    availableFrom: p.availableFrom,
    availableUntil: p.availableUntil,
    regionCode: p.region.code,
    deliveryScope: p.deliveryScope ?? 'city',
    deliveryRadiusKm: p.deliveryRadiusKm,
    organisation: p.organisation,
    contactName: '',
    contactPhone: '',
    note: p.note ?? '',
  };
}

/**
 * The body to send: only the fields that apply to the kind (a need has no delivery scope, only
 * produce has a price, only capacity counts per day); an empty contact on an edit keeps the old one.
 */
export function postingBody(f: PostingForm, editing: boolean) {
  const offer = f.kind !== 'need';
  const byItem = f.kind !== 'produce' && f.goods === 'item';
  const text = (s: string) => (s.trim() ? s.trim() : undefined);
  const body = {
    itemId: byItem ? f.itemId || null : null,
    product: byItem ? null : (text(f.product) ?? null),
    produceCategory: byItem ? null : ((f.produceCategory || null) as SupplyPosting['goods']['produceCategory']),
    quantity: f.quantity,
    basis: f.kind === 'capacity' ? f.basis : ('total' as const),
    unit: text(f.unit),
    priceYuan: f.kind === 'produce' ? f.priceYuan : null,
    availableFrom: f.availableFrom || undefined,
    availableUntil: f.availableUntil,
    regionCode: f.regionCode,
    deliveryScope: offer ? f.deliveryScope : undefined,
    deliveryRadiusKm: offer ? f.deliveryRadiusKm : null,
    organisation: f.organisation.trim(),
    contactName: text(f.contactName),
    contactPhone: text(f.contactPhone),
    note: text(f.note) ?? null,
  };
  const defined = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  return editing ? defined : { kind: f.kind, ...defined };
}

/** What the signed-in side may do with a match now. */
export function matchActions(m: SupplyMatch) {
  const mine = m.mySide ? m[m.mySide] : null;
  const waiting = m.status === 'proposed' && mine !== null;
  return {
    accept: waiting && mine.acceptedAt === null,
    decline: waiting,
    reveal: m.status === 'confirmed' && mine !== null,
  };
}

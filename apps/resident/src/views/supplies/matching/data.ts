import type { SupplyMatch, SupplyPosting } from '@zhengtong/web-core';

/** What a resident may post: their produce (滞销农产品) or a need. */
export type ResidentKind = 'produce' | 'need';

export interface ResidentPostingForm {
  kind: ResidentKind;
  produceCategory: string;
  product: string;
  quantity: string;
  unit: string;
  priceYuan: string;
  availableUntil: string;
  regionCode: string;
  organisation: string;
  contactName: string;
  contactPhone: string;
  note: string;
}

export const emptyPosting = (kind: ResidentKind, regionCode = ''): ResidentPostingForm => ({
  kind,
  produceCategory: 'vegetables',
  product: '',
  quantity: '',
  unit: '斤',
  priceYuan: '',
  availableUntil: '',
  regionCode,
  organisation: '',
  contactName: '',
  contactPhone: '',
  note: '',
});

/** The form of one's own posting, to change it; the contact stays as it is unless typed anew (it is shown masked). */
export const formOf = (p: SupplyPosting): ResidentPostingForm => ({
  kind: p.kind === 'need' ? 'need' : 'produce',
  produceCategory: p.goods.produceCategory ?? '',
  product: p.goods.product ?? '',
  quantity: String(p.quantity),
  unit: p.unit,
  priceYuan: p.priceYuan === null ? '' : String(p.priceYuan),
  availableUntil: p.availableUntil,
  regionCode: p.region.code,
  organisation: p.organisation,
  contactName: '',
  contactPhone: '',
  note: p.note ?? '',
});

/**
 * Checks in the page what the server would refuse anyway, so an older person sees it next to the field.
 * A change may leave the contact empty: the one on record stays.
 */
export function validatePosting(f: ResidentPostingForm, today: string, editing = false): Record<string, string> {
  const out: Record<string, string> = {};
  const n = Number(f.quantity);
  if (!Number.isInteger(n) || n <= 0) out.quantity = 'supply.errors.quantity';
  if (!f.unit.trim()) out.unit = 'supply.errors.required';
  if (!f.availableUntil) out.availableUntil = 'supply.errors.required';
  else if (f.availableUntil < today) out.availableUntil = 'supply.errors.past';
  if (!f.regionCode) out.regionCode = 'supply.errors.required';
  if (!f.organisation.trim()) out.organisation = 'supply.errors.required';
  const keepContact = editing && !f.contactName.trim() && !f.contactPhone.trim();
  if (!keepContact && !f.contactName.trim()) out.contactName = 'supply.errors.required';
  if (!keepContact && !/^1[3-9]\d{9}$/.test(f.contactPhone.replace(/\s/g, '')))
    out.contactPhone = 'supply.errors.phone';
  if (f.priceYuan && !(Number(f.priceYuan) >= 0)) out.priceYuan = 'supply.errors.price';
  return out;
}

export function postingBody(f: ResidentPostingForm) {
  return {
    kind: f.kind,
    ...changeBody(f),
    contactName: f.contactName.trim(),
    contactPhone: f.contactPhone.replace(/\s/g, ''),
  };
}

/** A change of one's posting: every field but its kind, and the contact only when typed anew. */
export function changeBody(f: ResidentPostingForm) {
  const name = f.contactName.trim();
  const phone = f.contactPhone.replace(/\s/g, '');
  return {
    produceCategory: (f.produceCategory || null) as 'vegetables' | null,
    product: f.product.trim() || null,
    quantity: Number(f.quantity),
    unit: f.unit.trim(),
    priceYuan: f.kind === 'produce' && f.priceYuan ? Math.round(Number(f.priceYuan) * 100) / 100 : null,
    availableUntil: f.availableUntil,
    regionCode: f.regionCode,
    organisation: f.organisation.trim(),
    ...(name || phone ? { contactName: name, contactPhone: phone } : {}),
    note: f.note.trim() || null,
  };
}

/** The other side of a match, seen from the resident's side. */
export const counterpart = (m: SupplyMatch) => (m.mySide === 'need' ? m.offer : m.need);
export const mine = (m: SupplyMatch) => (m.mySide === 'need' ? m.need : m.offer);

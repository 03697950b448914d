import type { SupplyMatch } from '@zhengtong/web-core';

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

/** Checks in the page what the server would refuse anyway, so an older person sees it next to the field. */
export function validatePosting(f: ResidentPostingForm, today: string): Record<string, string> {
  const out: Record<string, string> = {};
  const n = Number(f.quantity);
  if (!Number.isInteger(n) || n <= 0) out.quantity = 'supply.errors.quantity';
  if (!f.unit.trim()) out.unit = 'supply.errors.required';
  if (!f.availableUntil) out.availableUntil = 'supply.errors.required';
  else if (f.availableUntil < today) out.availableUntil = 'supply.errors.past';
  if (!f.regionCode) out.regionCode = 'supply.errors.required';
  if (!f.organisation.trim()) out.organisation = 'supply.errors.required';
  if (!f.contactName.trim()) out.contactName = 'supply.errors.required';
  if (!/^1[3-9]\d{9}$/.test(f.contactPhone.replace(/\s/g, ''))) out.contactPhone = 'supply.errors.phone';
  if (f.priceYuan && !(Number(f.priceYuan) >= 0)) out.priceYuan = 'supply.errors.price';
  return out;
}

export function postingBody(f: ResidentPostingForm) {
  return {
    kind: f.kind,
    produceCategory: (f.produceCategory || null) as 'vegetables' | null,
    product: f.product.trim() || null,
    quantity: Number(f.quantity),
    unit: f.unit.trim(),
    priceYuan: f.kind === 'produce' && f.priceYuan ? Math.round(Number(f.priceYuan) * 100) / 100 : null,
    availableUntil: f.availableUntil,
    regionCode: f.regionCode,
    organisation: f.organisation.trim(),
    contactName: f.contactName.trim(),
    contactPhone: f.contactPhone.replace(/\s/g, ''),
    note: f.note.trim() || null,
  };
}

/** The other side of a match, seen from the resident's side. */
export const counterpart = (m: SupplyMatch) => (m.mySide === 'need' ? m.offer : m.need);
export const mine = (m: SupplyMatch) => (m.mySide === 'need' ? m.need : m.offer);

import type { Updateable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import {
  matchReasonText,
  produceCategoryNames,
  sideOfKind,
  type Locale,
  type Match,
  type MatchContact,
  type MatchReason,
  type Posting,
  type PostingInput,
  type PostingSide,
  type PostingUpdate,
  type PublicPosting,
  type RegionRef,
} from '@zhengtong/contracts';
import { can, regionWithin, type Actor } from '../../platform/auth/actor.ts';
import { AppError, forbidden, invalid, notFound, type FieldProblem } from '../../platform/errors.ts';
import { shanghaiDate } from '../../platform/time.ts';
import { maskName, maskPhone, parsePhone, type Vault } from '../../platform/vault/index.ts';
import type { RegionsService } from '../regions/index.ts';
import type { MatchingRepository } from './supplies.matching.repository.ts';
import type { Trx } from './supplies.repository.ts';
import type { MatchRow, PostingRow, SupplyPostingsTable } from './supplies.tables.ts';

const DAY_MS = 86_400_000;
const SCOPE_DIGITS = { district: 6, city: 4, province: 2 } as const;
const REGION_POINTS = { 6: 30, 4: 20, 2: 10 } as const;
const REGION_REASON = { 6: 'same_district', 4: 'same_city', 2: 'same_province' } as const;

type ItemLite = {
  id: string;
  code: string;
  name_zh: string;
  name_en: string;
  unit: string;
  substitute_ids: string[];
  pack_unit: string | null;
  pack_size: number | null;
};

/** Why and how much an offer fits a need; null when it does not. */
export interface Fit {
  score: number;
  reasons: MatchReason[];
  /** Units the need would get. */
  quantity: number;
  /** Units taken off the offer's open quantity (per day for a daily capacity). */
  offerTake: number;
  /** The need's units in one of the offer's. */
  factor: number;
  /** Days both are open, from today: a daily capacity gives over these. */
  days: number;
}

const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/** Units of mass in grams: a farm offers its produce by the 吨 or the 斤, a canteen needs it by the 公斤. */
const GRAMS = new Map([
  ['吨', 1_000_000],
  ['t', 1_000_000],
  ['公斤', 1000],
  ['千克', 1000],
  ['kg', 1000],
  ['斤', 500],
  ['市斤', 500],
  ['两', 50],
  ['克', 1],
  ['g', 1],
]);

/** A unit of a catalogue item in the item's own units: 1 for its unit, its pack size for its pack. */
function inItemUnits(unit: string, item: ItemLite): number | null {
  if (unit === norm(item.unit)) return 1;
  return item.pack_unit && item.pack_size && unit === norm(item.pack_unit) ? item.pack_size : null;
}

/** Whether a posting of the item may be counted in this unit. */
function countsItem(unit: string, item: ItemLite): boolean {
  const u = norm(unit);
  return inItemUnits(u, item) !== null || (GRAMS.has(u) && GRAMS.has(norm(item.unit)));
}

/**
 * How many of the need's units one of the offer's is, null when they do not convert: through the
 * items' packs when both sides are catalogue items counted in the same unit (a 箱 of KN95 is not
 * a 箱 of N95 when their packs differ), else 1 for the same unit, or between units of mass.
 */
function unitFactor(offerUnit: string, needUnit: string, offerItem?: ItemLite, needItem?: ItemLite): number | null {
  const a = norm(offerUnit);
  const b = norm(needUnit);
  if (offerItem && needItem && norm(offerItem.unit) === norm(needItem.unit)) {
    const x = inItemUnits(a, offerItem);
    const y = inItemUnits(b, needItem);
    if (x && y) return x / y;
  }
  if (a === b) return 1;
  const ga = GRAMS.get(a);
  const gb = GRAMS.get(b);
  return ga && gb ? ga / gb : null;
}

/** What the offer gives (in its unit, a day when it is a daily capacity) for a quantity in the need's unit. */
function offerTakeOf(quantity: number, fit: Pick<Fit, 'factor' | 'days'>, basis: PostingRow['basis']): number {
  // Rounded up: a need of 1,000 斤 takes one 吨 of an offer counted in 吨 (the epsilon absorbs float error).
  return Math.ceil(quantity / fit.factor / (basis === 'per_day' ? fit.days : 1) - 1e-9);
}
const days = (from: string, until: string) => Math.round((Date.parse(until) - Date.parse(from)) / DAY_MS) + 1;
const maxDay = (...d: string[]) => d.reduce((a, b) => (a > b ? a : b));
const minDay = (...d: string[]) => d.reduce((a, b) => (a < b ? a : b));

/**
 * Does this offer fit this need? Same catalogue item (or one the need's item may be replaced with),
 * or the same product or produce category; the same unit, units of mass, or an item's unit and its pack; days that
 * overlap from today; regions the offer delivers to. Score: goods up to 50, region up to 30, how much
 * of the need it covers up to 20.
 */
export function fitOf(offer: PostingRow, need: PostingRow, items: Map<string, ItemLite>, today: string): Fit | null {
  const reasons: MatchReason[] = [];
  let goods = 0;
  const offerItem = offer.item_id ? items.get(offer.item_id) : undefined;
  const needItem = need.item_id ? items.get(need.item_id) : undefined;
  if (needItem) {
    if (!offerItem) return null;
    if (offerItem.id === needItem.id) {
      goods = 50;
      reasons.push({ code: 'same_item', nameZh: offerItem.name_zh, nameEn: offerItem.name_en });
    } else if (needItem.substitute_ids.includes(offerItem.id)) {
      goods = 35;
      reasons.push({
        code: 'substitute',
        nameZh: offerItem.name_zh,
        nameEn: offerItem.name_en,
        forZh: needItem.name_zh,
        forEn: needItem.name_en,
      });
    } else return null;
  } else if (need.product) {
    const wanted = norm(need.product);
    const offered = offer.product ?? offerItem?.name_zh;
    if (!offered) return null;
    const have = norm(offered);
    if (!(have === wanted || have.includes(wanted) || wanted.includes(have))) return null;
    if (need.produce_category && offer.produce_category && need.produce_category !== offer.produce_category)
      return null;
    goods = have === wanted ? 45 : 40;
    reasons.push({ code: 'same_product', nameZh: offered, nameEn: offered });
  } else if (need.produce_category) {
    if (offer.produce_category !== need.produce_category) return null;
    goods = 30;
    reasons.push({ code: 'same_category', category: need.produce_category });
  } else return null;
  const factor = unitFactor(offer.unit, need.unit, offerItem, needItem);
  if (factor === null) return null;

  // Regions: the longest shared GB/T 2260 prefix, as far as the offer delivers.
  const shared = ([6, 4, 2] as const).find((n) => offer.region_code.slice(0, n) === need.region_code.slice(0, n));
  if (!shared || shared < SCOPE_DIGITS[offer.delivery_scope ?? 'city']) return null;
  // Named when shown: region names are the regions module's, read outside this transaction.
  reasons.push({ code: REGION_REASON[shared], region: need.region_code.slice(0, shared) });

  const start = maxDay(offer.available_from, need.available_from, today);
  const end = minDay(offer.available_until, need.available_until);
  if (start > end || offer.open_quantity <= 0 || need.open_quantity <= 0) return null;
  const perDay = offer.basis === 'per_day';
  const window = days(start, end);
  // In the need's unit, whole ones.
  const supply = Math.floor((perDay ? offer.open_quantity * window : offer.open_quantity) * factor + 1e-9);
  const quantity = Math.min(supply, need.open_quantity);
  if (quantity <= 0) return null;
  const offerTake = offerTakeOf(quantity, { factor, days: window }, offer.basis);
  reasons.push(
    { code: 'supply', quantity: offer.open_quantity, unit: offer.unit, basis: offer.basis },
    { code: 'demand', quantity: need.open_quantity, unit: need.unit },
    { code: 'needed_by', date: need.available_until },
  );
  const score = goods + REGION_POINTS[shared] + Math.round(20 * Math.min(1, supply / need.open_quantity));
  return { score, reasons, quantity, offerTake, factor, days: window };
}

/**
 * 供需对接: staff (with `supplies.match`) and signed-in residents post offers and needs; the platform
 * proposes matches whenever a posting is made or changed; either side accepts or declines; when both
 * accept, the quantities are taken off both postings and each side may read the other's contact
 * (audited). A posting belongs to the account that made it; coordinators see their jurisdiction's.
 */
export class MatchingService {
  constructor(
    private readonly repo: MatchingRepository,
    private readonly regions: RegionsService,
    private readonly vault: Vault,
  ) {}

  /** Posts an offer or a need and proposes its matches at once. */
  async create(actor: Actor, input: PostingInput): Promise<Posting> {
    const ownerKind = this.poster(actor);
    const today = shanghaiDate(new Date());
    const row = await this.validated(actor, input.kind, input, null, today);
    const phone = parsePhone(input.contactPhone)!;
    const id = uuidv7();
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.insertPosting(
        {
          id,
          kind: input.kind,
          side: sideOfKind(input.kind),
          ...row,
          open_quantity: row.quantity,
          organisation: input.organisation.trim(),
          contact_name_enc: this.vault.encrypt('contactName', input.contactName.trim()),
          contact_name_masked: maskName(input.contactName),
          contact_phone_enc: this.vault.encrypt('contactPhone', phone),
          contact_phone_masked: maskPhone(phone),
          status: 'open',
          owner_kind: ownerKind,
          owner_id: actor.id,
        },
        trx,
      );
      await this.propose(trx, id, today);
    });
    return this.posting(actor, id);
  }

  /** Changes an open posting of one's own; its proposals are made again. */
  async update(actor: Actor, id: string, change: PostingUpdate): Promise<Posting> {
    this.poster(actor);
    const today = shanghaiDate(new Date());
    const seen = await this.ownOpen(actor, await this.repo.posting(id));
    // Checked before the transaction: items and regions are read outside it.
    const merged = { ...inputOf(seen), ...change };
    const row = await this.validated(actor, seen.kind, merged, seen, today);
    const contact: Updateable<SupplyPostingsTable> = {};
    if (change.contactName) {
      contact.contact_name_enc = this.vault.encrypt('contactName', change.contactName.trim());
      contact.contact_name_masked = maskName(change.contactName);
    }
    if (change.contactPhone) {
      const phone = parsePhone(change.contactPhone)!;
      contact.contact_phone_enc = this.vault.encrypt('contactPhone', phone);
      contact.contact_phone_masked = maskPhone(phone);
    }
    await this.repo.db.transaction().execute(async (trx) => {
      const current = await this.ownOpen(actor, await this.repo.lockPosting(id, trx));
      const taken = current.quantity - current.open_quantity;
      if (row.quantity < taken)
        throw invalid('request.invalid', [{ path: 'quantity', code: 'supplies.quantity_below_matched' }]);
      await this.repo.updatePosting(
        id,
        {
          ...row,
          open_quantity: row.quantity - taken,
          status: row.quantity - taken === 0 ? 'matched' : 'open',
          organisation: merged.organisation.trim(),
          ...contact,
        },
        trx,
      );
      await this.propose(trx, id, today);
    });
    return this.posting(actor, id);
  }

  /** Closes a posting of one's own: what is still proposed is withdrawn; confirmed matches stand. */
  async close(actor: Actor, id: string): Promise<Posting> {
    this.poster(actor);
    await this.repo.db.transaction().execute(async (trx) => {
      await this.ownOpen(actor, await this.repo.lockPosting(id, trx));
      await this.repo.updatePosting(id, { status: 'closed' }, trx);
      await this.repo.withdrawProposals(id, [], trx);
    });
    return this.posting(actor, id);
  }

  /** Looks for matches of a posting again (on demand); answers its proposed matches. */
  async rematch(actor: Actor, id: string, locale: Locale): Promise<{ items: Match[] }> {
    this.poster(actor);
    const current = await this.repo.posting(id);
    if (!current || !this.maySee(actor, current)) throw notFound('supplies.posting_not_found');
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.lockPosting(id, trx);
      await this.propose(trx, id, shanghaiDate(new Date()));
    });
    const rows = await this.repo.matchesOf([id], { status: 'proposed', limit: 200 });
    return { items: await this.matchViews(actor, rows, locale) };
  }

  /** One posting: its poster's, or within a coordinator's jurisdiction. */
  async posting(actor: Actor, id: string): Promise<Posting> {
    this.poster(actor);
    const row = await this.repo.posting(id);
    if (!row || !this.maySee(actor, row)) throw notFound('supplies.posting_not_found');
    return (await this.postingViews(actor, [row]))[0]!;
  }

  /** Postings, newest first: a resident's own; a coordinator's jurisdiction (or own with `mine`). */
  async postings(
    actor: Actor,
    q: {
      side?: PostingRow['side'];
      kind?: PostingRow['kind'];
      status?: PostingRow['status'];
      regionCode?: string;
      q?: string;
      mine?: boolean;
      limit: number;
      cursor?: string;
    },
  ): Promise<{ items: Posting[]; nextCursor: string | null }> {
    this.poster(actor);
    const own = actor.kind === 'resident' || q.mine;
    const rows = await this.repo.postings({
      within: own ? undefined : (actor.jurisdiction ?? ''),
      ownerId: own ? actor.id : undefined,
      side: q.side,
      kind: q.kind,
      status: q.status,
      regionCode: q.regionCode,
      q: q.q?.trim() || undefined,
      limit: q.limit + 1,
      before: q.cursor,
    });
    const page = rows.slice(0, q.limit);
    return {
      items: await this.postingViews(actor, page),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }

  /** Matches, newest first: of one posting, of one's own postings, or of a coordinator's jurisdiction. */
  async matches(
    actor: Actor,
    q: { postingId?: string; status?: MatchRow['status']; mine?: boolean; limit: number; cursor?: string },
    locale: Locale,
  ): Promise<{ items: Match[]; nextCursor: string | null }> {
    this.poster(actor);
    let rows: MatchRow[];
    const page = { status: q.status, limit: q.limit + 1, before: q.cursor };
    if (q.postingId) {
      const p = await this.repo.posting(q.postingId);
      if (!p || !this.maySee(actor, p)) throw notFound('supplies.posting_not_found');
      rows = await this.repo.matchesOf([p.id], page);
    } else if (actor.kind === 'resident' || q.mine) {
      const own = await this.repo.postings({ ownerId: actor.id, limit: 1000 });
      rows = await this.repo.matchesOf(
        own.map((p) => p.id),
        page,
      );
    } else rows = await this.repo.matchesWithin(actor.jurisdiction ?? '', page);
    const shown = rows.slice(0, q.limit);
    return {
      items: await this.matchViews(actor, shown, locale),
      nextCursor: rows.length > q.limit ? shown[shown.length - 1]!.id : null,
    };
  }

  /** Accepts a proposed match for one's own side; the second acceptance confirms it. */
  async accept(actor: Actor, id: string, locale: Locale): Promise<Match> {
    this.poster(actor);
    await this.repo.db.transaction().execute(async (trx) => {
      const { match, offer, need, side } = await this.partyOf(actor, id, trx);
      if (match.status !== 'proposed') throw new AppError('conflict', 'supplies.match_closed');
      if ((side === 'offer' ? match.offer_accepted_at : match.need_accepted_at) !== null)
        throw new AppError('conflict', 'supplies.match_already_accepted');
      const today = shanghaiDate(new Date());
      if (!isOpen(offer, today) || !isOpen(need, today)) throw new AppError('conflict', 'supplies.posting_closed');
      const now = new Date();
      const other = side === 'offer' ? match.need_accepted_at : match.offer_accepted_at;
      if (other === null) {
        await this.repo.updateMatch(id, side === 'offer' ? { offer_accepted_at: now } : { need_accepted_at: now }, trx);
        return;
      }
      // Both have agreed: what they agreed is taken as it stands now.
      const fit = await this.fit(offer, need, today, trx);
      if (!fit) throw new AppError('conflict', 'supplies.match_quantity_gone');
      const quantity = Math.min(fit.quantity, match.quantity);
      // In the offer's unit; a daily capacity gives the agreed quantity spread over the days until the need is due.
      const offerTake = offerTakeOf(quantity, fit, offer.basis);
      if ((await this.repo.takeOpen(offer.id, offerTake, trx)) === null)
        throw new AppError('conflict', 'supplies.match_quantity_gone');
      if ((await this.repo.takeOpen(need.id, quantity, trx)) === null)
        throw new AppError('conflict', 'supplies.match_quantity_gone');
      await this.repo.updateMatch(
        id,
        {
          ...(side === 'offer' ? { offer_accepted_at: now } : { need_accepted_at: now }),
          status: 'confirmed',
          confirmed_at: now,
          quantity,
        },
        trx,
      );
      // The other proposals of both postings follow what is left open.
      await this.propose(trx, offer.id, today);
      await this.propose(trx, need.id, today);
    });
    return this.match(actor, id, locale);
  }

  /** Declines a proposed match for one's own side; it is not proposed again. */
  async decline(actor: Actor, id: string, locale: Locale): Promise<Match> {
    this.poster(actor);
    await this.repo.db.transaction().execute(async (trx) => {
      const { match, side } = await this.partyOf(actor, id, trx);
      if (match.status !== 'proposed') throw new AppError('conflict', 'supplies.match_closed');
      await this.repo.updateMatch(id, { status: 'declined', declined_by: side }, trx);
    });
    return this.match(actor, id, locale);
  }

  /** One match as the one asking sees it. */
  async match(actor: Actor, id: string, locale: Locale): Promise<Match> {
    this.poster(actor);
    const row = await this.repo.match(id);
    if (!row) throw notFound('supplies.match_not_found');
    const [view] = await this.matchViews(actor, [row], locale);
    if (!view) throw notFound('supplies.match_not_found');
    return view;
  }

  /** The counterpart's contact in full, for a side of a confirmed match only; every read is audited. */
  async contact(actor: Actor, id: string): Promise<MatchContact> {
    this.poster(actor);
    const { match, offer, need, side } = await this.partyOf(actor, id, this.repo.db);
    if (match.status !== 'confirmed') throw forbidden('supplies.match_not_confirmed');
    const other = side === 'offer' ? need : offer;
    const plain = await this.vault.reveal(
      actor,
      { subjectType: 'supply_posting', subjectId: other.id, regionCode: other.region_code, purpose: 'supply-match' },
      { contactName: other.contact_name_enc, contactPhone: other.contact_phone_enc },
    );
    return { organisation: other.organisation, ...plain };
  }

  /** Open produce offers and needs for the public portal: organisation and region, nobody's contact. */
  async publicPostings(): Promise<{ items: PublicPosting[] }> {
    const today = shanghaiDate(new Date());
    const rows = (await this.repo.publicPostings(200)).filter((r) => r.available_until >= today);
    const [items, regions] = await Promise.all([this.itemsOf(rows), this.regions.refs(rows.map((r) => r.region_code))]);
    return {
      items: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        goods: goodsOf(r, items),
        openQuantity: r.open_quantity,
        basis: r.basis,
        unit: r.unit,
        priceYuan: r.price_cents === null ? null : r.price_cents / 100,
        availableUntil: r.available_until,
        organisation: r.organisation,
        region: { code: r.region_code, name: regions.get(r.region_code)?.name ?? r.region_code },
      })),
    };
  }

  /** Postings past their last day expire and their proposals are withdrawn (a nightly job). */
  async expire(now = new Date()): Promise<number> {
    return this.repo.db.transaction().execute(async (trx) => {
      const ids = await this.repo.expirePostings(shanghaiDate(now), trx);
      for (const id of ids) await this.repo.withdrawProposals(id, [], trx);
      return ids.length;
    });
  }

  // ---------- internals ----------

  /** Staff with `supplies.match`, residents, and the platform itself may use 供需对接. */
  private poster(actor: Actor): 'staff' | 'resident' {
    if (actor.kind === 'resident') return 'resident';
    if (actor.kind === 'system') return 'staff';
    if (actor.kind === 'staff' && actor.permissions.includes('supplies.match') && actor.jurisdiction) return 'staff';
    throw forbidden();
  }

  /** The posting, if it is the actor's own and open. */
  private async ownOpen(actor: Actor, p: PostingRow | undefined): Promise<PostingRow> {
    if (!p || !this.maySee(actor, p)) throw notFound('supplies.posting_not_found');
    if (p.owner_id !== actor.id) throw forbidden('supplies.posting_not_yours');
    if (p.status !== 'open') throw new AppError('conflict', 'supplies.posting_closed');
    return p;
  }

  /** The poster sees their own; a coordinator sees what lies in their jurisdiction. */
  private maySee(actor: Actor, p: PostingRow): boolean {
    return p.owner_id === actor.id || (actor.kind !== 'resident' && can(actor, 'supplies.match', p.region_code));
  }

  /** The match, both postings locked, and the side the actor speaks for. */
  private async partyOf(actor: Actor, id: string, trx: Trx) {
    const match = trx === this.repo.db ? await this.repo.match(id) : await this.repo.lockMatch(id, trx);
    if (!match) throw notFound('supplies.match_not_found');
    // Locked in id order, so two acceptances of crossing matches cannot wait on each other.
    const ids = [match.offer_id, match.need_id].sort();
    const rows = [];
    for (const pid of ids)
      rows.push(trx === this.repo.db ? await this.repo.posting(pid) : await this.repo.lockPosting(pid, trx));
    const offer = rows.find((r) => r?.id === match.offer_id)!;
    const need = rows.find((r) => r?.id === match.need_id)!;
    if (!this.maySee(actor, offer) && !this.maySee(actor, need)) throw notFound('supplies.match_not_found');
    const side: PostingSide | null = offer.owner_id === actor.id ? 'offer' : need.owner_id === actor.id ? 'need' : null;
    if (!side) throw forbidden('supplies.match_not_party');
    return { match, offer, need, side };
  }

  /** Checks a posting (new, or a change merged onto the old) and answers its columns. */
  private async validated(
    actor: Actor,
    kind: PostingRow['kind'],
    input: Omit<PostingInput, 'kind' | 'contactName' | 'contactPhone'> & { contactPhone?: string },
    current: PostingRow | null,
    today: string,
  ) {
    const problems: FieldProblem[] = [];
    if (actor.kind === 'resident' && kind === 'capacity')
      problems.push({ path: 'kind', code: 'supplies.kind_not_allowed' });
    const itemId = input.itemId ?? null;
    const product = input.product?.trim() || null;
    const category = input.produceCategory ?? null;
    if (!itemId && !product && !category) problems.push({ path: 'itemId', code: 'supplies.goods_required' });
    if (itemId && category) problems.push({ path: 'produceCategory', code: 'supplies.goods_item_or_product' });
    if (kind === 'produce' && !category)
      problems.push({ path: 'produceCategory', code: 'supplies.produce_category_required' });
    const [item] = itemId ? await this.repo.items([itemId]) : [];
    if (itemId && !item) problems.push({ path: 'itemId', code: 'supplies.item_not_found' });
    const basis = input.basis ?? 'total';
    if (basis === 'per_day' && kind !== 'capacity')
      problems.push({ path: 'basis', code: 'supplies.per_day_capacity_only' });
    if (input.priceYuan != null && kind !== 'produce')
      problems.push({ path: 'priceYuan', code: 'supplies.price_produce_only' });
    const from = input.availableFrom ?? current?.available_from ?? today;
    if (input.availableUntil < from) problems.push({ path: 'availableUntil', code: 'supplies.until_before_from' });
    else if (input.availableUntil < today) problems.push({ path: 'availableUntil', code: 'supplies.until_past' });
    if (input.contactPhone !== undefined && !parsePhone(input.contactPhone))
      problems.push({ path: 'contactPhone', code: 'phone.format' });
    const unit = input.unit?.trim() || item?.unit;
    if (!unit) problems.push({ path: 'unit', code: 'field.required' });
    // A catalogue item is counted in its unit, its pack or (an item counted by weight) another unit of
    // mass: any other unit would never convert, and the posting would wait for a match that cannot come.
    else if (item && !countsItem(unit, item)) problems.push({ path: 'unit', code: 'supplies.unit_not_of_item' });
    if (!(await this.regions.refs([input.regionCode])).has(input.regionCode))
      problems.push({ path: 'regionCode', code: 'region.unknown' });
    else if (actor.kind === 'staff' && !regionWithin(input.regionCode, actor.jurisdiction ?? '\u0000'))
      problems.push({ path: 'regionCode', code: 'region.outside_jurisdiction' });
    if (problems.length) throw invalid('request.invalid', problems);
    const offer = kind !== 'need';
    return {
      item_id: itemId,
      product,
      produce_category: category,
      quantity: input.quantity,
      basis,
      unit: unit!,
      price_cents: input.priceYuan == null ? null : Math.round(input.priceYuan * 100),
      available_from: from,
      available_until: input.availableUntil,
      region_code: input.regionCode,
      delivery_scope: offer ? (input.deliveryScope ?? 'city') : null,
      delivery_radius_km: offer ? (input.deliveryRadiusKm ?? null) : null,
      note: input.note?.trim() || null,
    };
  }

  /** Proposes (or refreshes) the matches of a posting and withdraws those that no longer fit. */
  private async propose(trx: Trx, id: string, today: string): Promise<void> {
    const p = (await this.repo.posting(id, trx))!;
    if (!isOpen(p, today) || p.open_quantity === 0) return this.repo.withdrawProposals(id, [], trx);
    const others = (
      await this.repo.candidates(p.side === 'offer' ? 'need' : 'offer', p.region_code.slice(0, 2), today, trx)
    ).filter((o) => o.owner_id !== p.owner_id);
    const items = await this.itemsOf([p, ...others], trx);
    const keep: string[] = [];
    for (const o of others) {
      const [offer, need] = p.side === 'offer' ? [p, o] : [o, p];
      const fit = fitOf(offer, need, items, today);
      if (!fit) continue;
      keep.push(o.id);
      await this.repo.upsertProposal(
        {
          id: uuidv7(),
          offer_id: offer.id,
          need_id: need.id,
          score: fit.score,
          reasons: fit.reasons,
          quantity: fit.quantity,
        },
        trx,
      );
    }
    await this.repo.withdrawProposals(id, keep, trx);
  }

  private async fit(offer: PostingRow, need: PostingRow, today: string, trx: Trx): Promise<Fit | null> {
    return fitOf(offer, need, await this.itemsOf([offer, need], trx), today);
  }

  private async itemsOf(rows: PostingRow[], trx?: Trx): Promise<Map<string, ItemLite>> {
    const ids = [...new Set(rows.flatMap((r) => (r.item_id ? [r.item_id] : [])))];
    const found = await this.repo.items(ids, trx);
    // Substitutes are named by id; their names are needed for the reasons too.
    const more = [...new Set(found.flatMap((i) => i.substitute_ids))].filter((i) => !ids.includes(i));
    return new Map([...found, ...(await this.repo.items(more, trx))].map((i) => [i.id, i]));
  }

  private async postingViews(actor: Actor, rows: PostingRow[]): Promise<Posting[]> {
    const [items, regions, counts] = await Promise.all([
      this.itemsOf(rows),
      this.regions.refs(rows.map((r) => r.region_code)),
      this.repo.matchCounts(rows.map((r) => r.id)),
    ]);
    const today = shanghaiDate(new Date());
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      side: r.side,
      status: r.status === 'open' && r.available_until < today ? 'expired' : r.status,
      goods: goodsOf(r, items),
      quantity: r.quantity,
      openQuantity: r.open_quantity,
      basis: r.basis,
      unit: r.unit,
      priceYuan: r.price_cents === null ? null : r.price_cents / 100,
      availableFrom: r.available_from,
      availableUntil: r.available_until,
      region: regionOf(r.region_code, regions),
      deliveryScope: r.delivery_scope,
      deliveryRadiusKm: r.delivery_radius_km,
      organisation: r.organisation,
      contactName: r.contact_name_masked,
      contactPhone: r.contact_phone_masked,
      note: r.note,
      mine: r.owner_id === actor.id,
      postedBy: r.owner_kind,
      matches: counts.get(r.id) ?? { proposed: 0, confirmed: 0 },
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    }));
  }

  /** Views of the matches the actor may see (others are left out). */
  private async matchViews(actor: Actor, rows: MatchRow[], locale: Locale): Promise<Match[]> {
    const postings = new Map(
      (await this.repo.postingsByIds([...new Set(rows.flatMap((m) => [m.offer_id, m.need_id]))])).map((p) => [p.id, p]),
    );
    const all = [...postings.values()];
    const regionCodes = [
      ...all.map((p) => p.region_code),
      ...rows.flatMap((m) => m.reasons.flatMap((r) => (r.region ? [r.region] : []))),
    ];
    const [items, regions] = await Promise.all([this.itemsOf(all), this.regions.refs(regionCodes)]);
    const named = (reasons: MatchReason[]) =>
      reasons.map((r) => {
        if (!r.region) return r;
        const name = regions.get(r.region)?.name ?? r.region;
        return { ...r, nameZh: name, nameEn: name };
      });
    const sideView = (p: PostingRow, acceptedAt: Date | null) => ({
      postingId: p.id,
      kind: p.kind,
      organisation: p.organisation,
      region: regionOf(p.region_code, regions),
      goods: goodsOf(p, items),
      openQuantity: p.open_quantity,
      basis: p.basis,
      unit: p.unit,
      availableUntil: p.available_until,
      contactName: p.contact_name_masked,
      contactPhone: p.contact_phone_masked,
      acceptedAt: acceptedAt?.toISOString() ?? null,
    });
    return rows.flatMap((m) => {
      const offer = postings.get(m.offer_id)!;
      const need = postings.get(m.need_id)!;
      if (!this.maySee(actor, offer) && !this.maySee(actor, need)) return [];
      const reasons = named(m.reasons);
      return [
        {
          id: m.id,
          status: m.status,
          score: m.score,
          reasons,
          reason: matchReasonText(reasons, locale),
          quantity: m.quantity,
          offer: sideView(offer, m.offer_accepted_at),
          need: sideView(need, m.need_accepted_at),
          mySide: offer.owner_id === actor.id ? 'offer' : need.owner_id === actor.id ? 'need' : null,
          declinedBy: m.declined_by,
          confirmedAt: m.confirmed_at?.toISOString() ?? null,
          createdAt: m.created_at.toISOString(),
        } satisfies Match,
      ];
    });
  }
}

function isOpen(p: PostingRow, today: string): boolean {
  return p.status === 'open' && p.available_until >= today;
}

function regionOf(code: string, regions: Map<string, RegionRef>) {
  return { code, name: regions.get(code)?.name ?? code };
}

function goodsOf(r: PostingRow, items: Map<string, ItemLite>): Posting['goods'] {
  const item = r.item_id ? items.get(r.item_id) : undefined;
  const category = r.produce_category ? produceCategoryNames[r.produce_category] : undefined;
  return {
    itemId: r.item_id,
    itemCode: item?.code ?? null,
    nameZh: item?.name_zh ?? r.product ?? category?.['zh-CN'] ?? '',
    nameEn: item?.name_en ?? r.product ?? category?.en ?? '',
    product: r.product,
    produceCategory: r.produce_category,
  };
}

/** A stored posting as input (without its contact), so a change can be merged onto it and checked whole. */
function inputOf(r: PostingRow): Omit<PostingInput, 'kind' | 'contactName' | 'contactPhone'> {
  return {
    itemId: r.item_id,
    product: r.product,
    produceCategory: r.produce_category,
    quantity: r.quantity,
    basis: r.basis,
    unit: r.unit,
    priceYuan: r.price_cents === null ? null : r.price_cents / 100,
    availableFrom: r.available_from,
    availableUntil: r.available_until,
    regionCode: r.region_code,
    deliveryScope: r.delivery_scope ?? undefined,
    deliveryRadiusKm: r.delivery_radius_km,
    organisation: r.organisation,
    note: r.note,
  };
}

import { v7 as uuidv7 } from 'uuid';
import {
  LEDGER_GENESIS,
  ledgerHash,
  verifyLedgerRun,
  type AdjustmentInput,
  type AllocationInput,
  type AllocationProposal,
  type DeliveryInput,
  type Donation,
  type DonationInput,
  type DonationReceiptInput,
  type IssueInput,
  type Item,
  type ItemInput,
  type LedgerBody,
  type LedgerEntry,
  type LedgerVerification,
  type Location,
  type LocationInput,
  type LocationThresholdsInput,
  type Movement,
  type ProposalLine,
  type PublicDonation,
  type ReceiptInput,
  type RequestInput,
  type StockLine,
  type SupplyRequest,
  type Transfer,
} from '@zhengtong/contracts';
import { can, type Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import { groupBy } from '../../platform/collections.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError, forbidden, invalid, notFound, type FieldProblem } from '../../platform/errors.ts';
import { shanghaiDate } from '../../platform/time.ts';
import { maskName, type Vault } from '../../platform/vault/index.ts';
import type { RegionsService } from '../regions/index.ts';
import type { LotBalance, SuppliesRepository, Trx } from './supplies.repository.ts';
import type { DonationRow, ItemRow, LedgerRow, LocationRow, RequestRow, TransferRow } from './supplies.tables.ts';

const DAY_MS = 86_400_000;
/** Average daily consumption is taken over this many days (OpenLMIS uses months; an epidemic moves faster). */
const CONSUMPTION_DAYS = 7;
const URGENCY_RANK = { critical: 3, urgent: 2, routine: 1 } as const;
const LEDGER_PAGE = 1000;

/** What an issue took: the lots, first expiry first. */
export interface IssueResult {
  /** False when the reference was issued before: nothing moved this time. */
  issued: boolean;
  quantity: number;
  lots: { lotId: string; lotNumber: string; quantity: number }[];
}

export interface IssueRequest {
  locationId: string;
  itemId: string;
  quantity: number;
  /** Who asked for it, e.g. 'reservation' and the reservation's id: a repeat issues nothing. */
  referenceKind: string;
  referenceId: string;
  actor?: Actor;
  lotId?: string;
  note?: string;
}

interface LedgerDraft {
  kind: LedgerEntry['kind'];
  donationId: string;
  body: LedgerBody;
}

/**
 * 物资: the catalogue, stock kept as stock cards per location and lot, hospital requests, allocation
 * ranked by need, transfers with proof of delivery, donations and their public hash-chained ledger.
 * Every change of stock locks the item's stock row at the location and moves balances with checked,
 * conditional updates, so no number of simultaneous issues takes more than is there.
 */
export class SuppliesService {
  constructor(
    private readonly repo: SuppliesRepository,
    private readonly regions: RegionsService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
  ) {}

  // ---------- service API for other modules ----------

  /**
   * Issues stock first-expiry-first-out inside the caller's transaction, once per reference; refuses
   * expired lots and throws conflict `supplies.insufficient_stock` when short. Donated lots get a
   * 'distribution' ledger entry.
   */
  async issueWithin(trx: Db, req: IssueRequest): Promise<IssueResult> {
    const t = trx as Trx;
    const location = await this.repo.location(req.locationId, t);
    if (!location) throw invalid('request.invalid', [{ path: 'locationId', code: 'supplies.location_not_found' }]);
    const item = await this.repo.item(req.itemId, t);
    if (!item) throw invalid('request.invalid', [{ path: 'itemId', code: 'supplies.item_not_found' }]);
    if (!Number.isInteger(req.quantity) || req.quantity <= 0)
      throw invalid('request.invalid', [{ path: 'quantity', code: 'field.out_of_range' }]);
    const claimed = await this.repo.claimIssue(
      {
        reference_kind: req.referenceKind,
        reference_id: req.referenceId,
        location_id: location.id,
        item_id: item.id,
        quantity: req.quantity,
      },
      t,
    );
    if (!claimed) {
      const first = (await this.repo.issue(req.referenceKind, req.referenceId, t))!;
      return { issued: false, quantity: first.quantity, lots: [] };
    }
    const taken = await this.takeOut(t, {
      location,
      item,
      quantity: req.quantity,
      lotId: req.lotId,
      kind: 'issue',
      referenceKind: req.referenceKind,
      referenceId: req.referenceId,
      actor: req.actor?.label ?? 'system',
      note: req.note ?? null,
    });
    await this.appendLedger(
      t,
      taken
        .filter((p) => p.lot.donation_id)
        .map((p) => ({
          kind: 'distribution' as const,
          donationId: p.lot.donation_id!,
          body: { ...this.lotBody(item, p.lot), quantity: p.quantity, from: location.name, note: req.referenceKind },
        })),
    );
    return {
      issued: true,
      quantity: req.quantity,
      lots: taken.map((p) => ({ lotId: p.lot.lot_id, lotNumber: p.lot.lot_number, quantity: p.quantity })),
    };
  }

  /** A stock location by id, or undefined. */
  async location(id: string): Promise<Location | undefined> {
    const row = await this.repo.location(id);
    return row ? (await this.locationViews([row]))[0] : undefined;
  }

  /** A catalogue item by id, or undefined. */
  async item(id: string): Promise<Item | undefined> {
    const row = await this.repo.item(id);
    return row ? itemView(row) : undefined;
  }

  // ---------- catalogue ----------

  /** The whole catalogue, by category and code (供需对接 posters pick from it too). */
  async items(actor: Actor): Promise<{ items: Item[] }> {
    if (!can(actor, 'supplies.match', null)) this.requireAny(actor);
    return { items: (await this.repo.items()).map(itemView) };
  }

  /** Adds an item to the catalogue. */
  async createItem(actor: Actor, input: ItemInput): Promise<Item> {
    if (!can(actor, 'supplies.manage', null)) throw forbidden();
    const minDays = input.minDays ?? 7;
    const emergencyDays = input.emergencyDays ?? 3;
    const problems: FieldProblem[] = [];
    if (emergencyDays >= minDays) problems.push({ path: 'emergencyDays', code: 'supplies.thresholds' });
    const substitutes = [...new Set(input.substituteIds ?? [])];
    const known = await this.repo.itemsByIds(substitutes);
    if (known.length !== substitutes.length)
      problems.push({ path: 'substituteIds', code: 'supplies.substitute_unknown' });
    const pack = input.pack ? { unit: input.pack.unit.trim(), size: input.pack.size } : null;
    if (pack && pack.unit === input.unit.trim()) problems.push({ path: 'pack.unit', code: 'supplies.pack_unit_same' });
    if (problems.length) throw invalid('request.invalid', problems);
    const id = uuidv7();
    try {
      await this.repo.insertItem({
        id,
        code: input.code,
        name_zh: input.nameZh.trim(),
        name_en: input.nameEn.trim(),
        category: input.category,
        unit: input.unit.trim(),
        grade: input.grade?.trim() || null,
        substitute_ids: substitutes,
        pack_unit: pack?.unit ?? null,
        pack_size: pack?.size ?? null,
        min_days: minDays,
        emergency_days: emergencyDays,
      });
    } catch (e) {
      if ((e as { code?: string }).code === '23505')
        throw new AppError('conflict', 'supplies.item_code_taken', {
          fields: [{ path: 'code', code: 'supplies.item_code_taken' }],
        });
      throw e;
    }
    return itemView((await this.repo.item(id))!);
  }

  // ---------- locations ----------

  /** Stock locations within the actor's jurisdiction. */
  async locations(actor: Actor, kind?: LocationRow['kind']): Promise<{ items: Location[] }> {
    const scope = this.requireAny(actor);
    return { items: await this.locationViews(await this.repo.locationsWithin(scope, kind)) };
  }

  /** Registers a warehouse, hospital or pharmacy in the actor's jurisdiction. */
  async createLocation(actor: Actor, input: LocationInput): Promise<Location> {
    if (!actor.permissions.includes('supplies.manage')) throw forbidden();
    if (!can(actor, 'supplies.manage', input.regionCode))
      throw invalid('request.invalid', [{ path: 'regionCode', code: 'region.outside_jurisdiction' }]);
    if (!(await this.regions.refs([input.regionCode])).has(input.regionCode))
      throw invalid('request.invalid', [{ path: 'regionCode', code: 'region.unknown' }]);
    if (input.minDays != null && input.emergencyDays != null && input.emergencyDays >= input.minDays)
      throw invalid('request.invalid', [{ path: 'emergencyDays', code: 'supplies.thresholds' }]);
    const id = uuidv7();
    await this.repo.insertLocation({
      id,
      kind: input.kind,
      name: input.name.trim(),
      region_code: input.regionCode,
      address: input.address?.trim() ?? null,
      min_days: input.minDays ?? null,
      emergency_days: input.emergencyDays ?? null,
    });
    return (await this.location(id))!;
  }

  /**
   * A location's own minimum and emergency order points (a fever hospital keeps more days than a
   * pharmacy); null follows each item's. The alerts of its stock follow at once.
   */
  async setThresholds(actor: Actor, id: string, input: LocationThresholdsInput): Promise<Location> {
    if (!actor.permissions.includes('supplies.manage')) throw forbidden();
    const row = await this.repo.location(id);
    if (!row || !can(actor, 'supplies.manage', row.region_code)) throw notFound('supplies.location_not_found');
    if (input.minDays != null && input.emergencyDays != null && input.emergencyDays >= input.minDays)
      throw invalid('request.invalid', [{ path: 'emergencyDays', code: 'supplies.thresholds' }]);
    await this.repo.setThresholds(id, input.minDays, input.emergencyDays);
    return (await this.location(id))!;
  }

  // ---------- stock ----------

  /** Receives stock (a purchase, a government allocation) into a location, creating its lots. */
  async receive(actor: Actor, input: ReceiptInput): Promise<{ items: StockLine[] }> {
    const location = await this.managedLocation(actor, input.locationId);
    await this.repo.db
      .transaction()
      .execute((trx) => this.receiveWithin(trx, actor, location, input.lines, null, input.note));
    return this.stock(actor, { locationId: location.id });
  }

  /** Issues stock for use at a location (a ward's consumption), lots first-expiry-first-out. */
  async issue(actor: Actor, input: IssueInput): Promise<IssueResult> {
    const location = await this.repo.location(input.locationId);
    if (!location || !this.mayWork(actor, location))
      throw invalid('request.invalid', [{ path: 'locationId', code: 'supplies.location_not_found' }]);
    return this.repo.db
      .transaction()
      .execute((trx) => this.issueWithin(trx, { ...input, referenceKind: 'manual', referenceId: uuidv7(), actor }));
  }

  /** Corrects a lot's count at a location after a stock take (signed; never below what is reserved). */
  async adjust(actor: Actor, input: AdjustmentInput): Promise<Movement> {
    const location = await this.managedLocation(actor, input.locationId);
    if (input.quantity === 0)
      throw invalid('request.invalid', [{ path: 'quantity', code: 'supplies.adjustment_zero' }]);
    const [lot] = await this.repo.lotsByIds([input.lotId]);
    if (!lot) throw invalid('request.invalid', [{ path: 'lotId', code: 'supplies.lot_not_found' }]);
    const id = uuidv7();
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.lockStock(location.id, lot.item_id, trx);
      const left = await this.repo.addToLot(
        { location_id: location.id, lot_id: lot.id, item_id: lot.item_id },
        input.quantity,
        trx,
      );
      if (left === null) throw new AppError('conflict', 'supplies.insufficient_stock');
      const after = await this.repo.moveStock(location.id, lot.item_id, input.quantity, trx);
      await this.repo.insertMovements(
        [
          {
            id,
            location_id: location.id,
            item_id: lot.item_id,
            lot_id: lot.id,
            kind: 'adjustment',
            quantity: input.quantity,
            balance_after: after,
            reference_kind: 'adjustment',
            reference_id: id,
            note: input.note.trim(),
            actor: actor.label,
          },
        ],
        trx,
      );
    });
    return (await this.stockCard(actor, { locationId: location.id, itemId: lot.item_id, limit: 1 })).items[0]!;
  }

  /** Stock per item and location in the jurisdiction: usable units, consumption, days of supply, alert. */
  async stock(actor: Actor, q: { locationId?: string; itemId?: string } = {}): Promise<{ items: StockLine[] }> {
    const scope = this.requireAny(actor);
    let locations = await this.repo.locationsWithin(scope);
    if (q.locationId) locations = locations.filter((l) => l.id === q.locationId);
    let lines = await this.stockLines(locations);
    if (q.itemId) lines = lines.filter((l) => l.item.id === q.itemId);
    return { items: lines };
  }

  /** The stock card of an item at a location: every movement with the balance after it, newest first. */
  async stockCard(
    actor: Actor,
    q: { locationId: string; itemId: string; limit: number; cursor?: string },
  ): Promise<{ items: Movement[]; nextCursor: string | null }> {
    const location = await this.repo.location(q.locationId);
    if (!location || !this.mayRead(actor, location.region_code)) throw notFound();
    const rows = await this.repo.movements(location.id, q.itemId, q.limit + 1, q.cursor);
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((m) => ({
        id: m.id,
        kind: m.kind,
        lotNumber: m.lot_number,
        expiresOn: m.expires_on,
        quantity: m.quantity,
        balanceAfter: m.balance_after,
        referenceKind: m.reference_kind,
        referenceId: m.reference_id,
        note: m.note,
        actor: m.actor,
        at: m.at.toISOString(),
      })),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }

  // ---------- requests and allocation ----------

  /** A hospital asks for items, with an urgency. */
  async createRequest(actor: Actor, input: RequestInput): Promise<SupplyRequest> {
    const location = await this.repo.location(input.locationId);
    if (!location || !can(actor, 'supplies.request', location.region_code))
      throw invalid('request.invalid', [{ path: 'locationId', code: 'supplies.location_not_found' }]);
    if (location.kind !== 'hospital')
      throw invalid('request.invalid', [{ path: 'locationId', code: 'supplies.location_kind' }]);
    const problems: FieldProblem[] = [];
    const ids = input.lines.map((l) => l.itemId);
    const known = new Set((await this.repo.itemsByIds(ids)).map((i) => i.id));
    input.lines.forEach((l, i) => {
      if (!known.has(l.itemId)) problems.push({ path: `lines/${i}/itemId`, code: 'supplies.item_not_found' });
      else if (ids.indexOf(l.itemId) !== i)
        problems.push({ path: `lines/${i}/itemId`, code: 'supplies.duplicate_line' });
    });
    if (problems.length) throw invalid('request.invalid', problems);
    const id = uuidv7();
    await this.repo.db.transaction().execute((trx) =>
      this.repo.insertRequest(
        {
          id,
          location_id: location.id,
          region_code: location.region_code,
          urgency: input.urgency,
          status: 'open',
          note: input.note?.trim() ?? null,
          created_by: actor.label,
        },
        input.lines.map((l) => ({ id: uuidv7(), request_id: id, item_id: l.itemId, quantity: l.quantity })),
        trx,
      ),
    );
    return (await this.requestViews([(await this.repo.request(id))!]))[0]!;
  }

  /**
   * 撤销: the hospital no longer needs what it asked for (or the official withdraws it). Only an open
   * request: what was approved already travels as its transfers; the rest is asked for no more and
   * leaves the allocation proposal.
   */
  async cancelRequest(actor: Actor, id: string): Promise<SupplyRequest> {
    const request = await this.repo.request(id);
    if (
      !request ||
      !(can(actor, 'supplies.request', request.region_code) || can(actor, 'supplies.manage', request.region_code))
    )
      throw notFound('supplies.request_not_found');
    if (!(await this.repo.cancelRequest(id))) throw new AppError('conflict', 'supplies.request_closed');
    return (await this.requestViews([(await this.repo.request(id))!]))[0]!;
  }

  /** Requests of hospitals in the jurisdiction, newest first. */
  async requests(actor: Actor, q: { status?: RequestRow['status']; limit: number; cursor?: string }) {
    const scope = this.requireAny(actor);
    const rows = await this.repo.requestsWithin(scope, { status: q.status, limit: q.limit + 1, before: q.cursor });
    const page = rows.slice(0, q.limit);
    return {
      items: await this.requestViews(page),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }

  /**
   * How a warehouse's usable stock would go to the open requests of the jurisdiction: by urgency, then
   * the requester's days of supply of the item (fewest first), then age; a substitute where the item runs out.
   */
  async proposal(actor: Actor, warehouseId: string): Promise<AllocationProposal> {
    const warehouse = await this.managedLocation(actor, warehouseId, 'warehouse');
    const requests = (await this.repo.requestsWithin(actor.jurisdiction ?? '', { status: 'open', limit: 1000 })).filter(
      (r) => can(actor, 'supplies.manage', r.region_code) && r.location_id !== warehouse.id,
    );
    const lines = (await this.repo.linesOf(requests.map((r) => r.id))).filter((l) => l.allocated < l.quantity);
    const requestOf = new Map(requests.map((r) => [r.id, r]));
    const items = new Map((await this.repo.items()).map((i) => [i.id, i]));
    const requesters = await this.repo.locationsByIds([...new Set(requests.map((r) => r.location_id))]);
    const requesterName = new Map(requesters.map((l) => [l.id, l.name]));
    const needs = new Map(
      (await this.stockLines(requesters)).map((s) => [`${s.location.id}:${s.item.id}`, s] as const),
    );
    const dosOf = (locationId: string, itemId: string): number | null => {
      const s = needs.get(`${locationId}:${itemId}`);
      if (!s || s.usable === 0) return 0;
      return s.daysOfSupply;
    };
    const ranked = lines
      .map((l) => {
        const r = requestOf.get(l.request_id)!;
        return { line: l, request: r, dos: dosOf(r.location_id, l.item_id) };
      })
      .sort(
        (a, b) =>
          URGENCY_RANK[b.request.urgency] - URGENCY_RANK[a.request.urgency] ||
          (a.dos ?? Infinity) - (b.dos ?? Infinity) ||
          a.request.created_at.getTime() - b.request.created_at.getTime() ||
          a.line.id.localeCompare(b.line.id),
      );
    const today = shanghaiDate(new Date());
    const available = new Map<string, number>();
    for (const s of await this.repo.stockAt([warehouse.id])) {
      const lots = await this.repo.lotsAt(warehouse.id, s.item_id);
      available.set(s.item_id, usableOf(lots, today));
    }
    const out: ProposalLine[] = [];
    const unmet: AllocationProposal['unmet'] = [];
    ranked.forEach(({ line, request, dos }, i) => {
      const requested = items.get(line.item_id)!;
      let open = line.quantity - line.allocated;
      for (const itemId of [line.item_id, ...requested.substitute_ids]) {
        const give = Math.min(open, available.get(itemId) ?? 0);
        if (give <= 0) continue;
        const item = items.get(itemId)!;
        available.set(itemId, available.get(itemId)! - give);
        out.push({
          requestId: request.id,
          lineId: line.id,
          location: { id: request.location_id, name: requesterName.get(request.location_id) ?? '' },
          urgency: request.urgency,
          requestedItem: { id: requested.id, nameZh: requested.name_zh, nameEn: requested.name_en },
          item: { id: item.id, nameZh: item.name_zh, nameEn: item.name_en, unit: item.unit },
          substitute: itemId !== line.item_id,
          requested: line.quantity - line.allocated,
          quantity: give,
          requesterDaysOfSupply: dos,
          rank: i + 1,
        });
        open -= give;
        if (open === 0) break;
      }
      if (open > 0) unmet.push({ lineId: line.id, requestId: request.id, short: open });
    });
    return { warehouse: { id: warehouse.id, name: warehouse.name }, lines: out, unmet };
  }

  /** Approves an allocation (the proposal, perhaps edited): reserves the warehouse's lots, one transfer a line. */
  async approve(actor: Actor, input: AllocationInput): Promise<{ items: Transfer[] }> {
    const warehouse = await this.managedLocation(actor, input.warehouseId, 'warehouse');
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    input.lines.forEach((l, i) => {
      const key = `${l.lineId}:${l.itemId}`;
      if (seen.has(key)) problems.push({ path: `lines/${i}/itemId`, code: 'supplies.duplicate_line' });
      seen.add(key);
    });
    if (problems.length) throw invalid('request.invalid', problems);
    const ids: string[] = [];
    await this.repo.db.transaction().execute(async (trx) => {
      const lines = new Map(
        (await this.repo.linesByIds([...new Set(input.lines.map((l) => l.lineId))], trx)).map((l) => [l.id, l]),
      );
      const requests = new Map<string, RequestRow>();
      for (const l of lines.values())
        if (!requests.has(l.request_id)) requests.set(l.request_id, (await this.repo.request(l.request_id, trx))!);
      const items = new Map(
        (
          await this.repo.itemsByIds(
            [...new Set([...input.lines.map((l) => l.itemId), ...[...lines.values()].map((l) => l.item_id)])],
            trx,
          )
        ).map((i) => [i.id, i]),
      );
      input.lines.forEach((l, i) => {
        const line = lines.get(l.lineId);
        const request = line && requests.get(line.request_id);
        if (!line || !request || !can(actor, 'supplies.manage', request.region_code))
          problems.push({ path: `lines/${i}/lineId`, code: 'supplies.request_not_found' });
        else if (request.status !== 'open')
          problems.push({ path: `lines/${i}/lineId`, code: 'supplies.request_closed' });
        else if (l.itemId !== line.item_id && !items.get(line.item_id)!.substitute_ids.includes(l.itemId))
          problems.push({ path: `lines/${i}/itemId`, code: 'supplies.not_substitute' });
      });
      if (problems.length) throw invalid('request.invalid', problems);
      const destinations = new Map(
        (
          await this.repo.locationsByIds(
            [...requests.values()].map((r) => r.location_id),
            trx,
          )
        ).map((l) => [l.id, l]),
      );
      const today = shanghaiDate(new Date());
      // Stock rows are locked in item order, so two approvals never wait on each other in a circle.
      for (const itemId of [...new Set(input.lines.map((l) => l.itemId))].sort())
        await this.repo.lockStock(warehouse.id, itemId, trx);
      const ledger: LedgerDraft[] = [];
      for (const l of input.lines) {
        const line = lines.get(l.lineId)!;
        const request = requests.get(line.request_id)!;
        if (!(await this.repo.allocate(line.id, l.quantity, trx)))
          throw new AppError('conflict', 'supplies.over_allocated');
        const picks = pickFefo(await this.repo.lotsAt(warehouse.id, l.itemId, trx), l.quantity, today);
        for (const p of picks)
          if (!(await this.repo.reserve(warehouse.id, p.lot.lot_id, p.quantity, trx)))
            throw new AppError('conflict', 'supplies.insufficient_stock');
        const id = uuidv7();
        ids.push(id);
        await this.repo.insertTransfer(
          {
            id,
            request_line_id: line.id,
            request_id: request.id,
            from_location_id: warehouse.id,
            to_location_id: request.location_id,
            item_id: l.itemId,
            quantity: l.quantity,
            status: 'approved',
            approved_by: actor.label,
            dispatched_by: null,
            dispatched_at: null,
            delivered_by: null,
            delivered_at: null,
            received_quantity: null,
            receiver_name_enc: null,
            receiver_name_masked: null,
            delivery_note: null,
          },
          picks.map((p) => ({ transfer_id: id, lot_id: p.lot.lot_id, quantity: p.quantity })),
          trx,
        );
        const item = items.get(l.itemId)!;
        for (const p of picks)
          if (p.lot.donation_id)
            ledger.push({
              kind: 'allocation',
              donationId: p.lot.donation_id,
              body: {
                ...this.lotBody(item, p.lot),
                quantity: p.quantity,
                from: warehouse.name,
                to: destinations.get(request.location_id)!.name,
                transferId: id,
              },
            });
      }
      await this.repo.closeAllocated([...requests.keys()], trx);
      await this.appendLedger(trx, ledger);
    });
    return {
      items: await this.transferViews(await Promise.all(ids.map(async (id) => (await this.repo.transfer(id))!))),
    };
  }

  /** Transfers from or to locations in the jurisdiction, newest first. */
  async transfers(actor: Actor, q: { status?: TransferRow['status']; limit: number; cursor?: string }) {
    const scope = this.requireAny(actor);
    const locations = await this.repo.locationsWithin(scope);
    const rows = await this.repo.transfersOf(
      locations.map((l) => l.id),
      { status: q.status, limit: q.limit + 1, before: q.cursor },
    );
    const page = rows.slice(0, q.limit);
    return {
      items: await this.transferViews(page),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }

  /** 发运: the reserved lots leave the warehouse (transfer_out on its stock card). */
  async dispatch(actor: Actor, id: string): Promise<Transfer> {
    const { transfer, from, to, item } = await this.sentTransfer(actor, id);
    await this.repo.db.transaction().execute(async (trx) => {
      if (
        !(await this.repo.transition(
          id,
          'approved',
          { status: 'dispatched', dispatched_at: new Date(), dispatched_by: actor.label },
          trx,
        ))
      ) {
        throw await this.refusal(id, trx);
      }
      const today = shanghaiDate(new Date());
      const lots = await this.repo.transferLots([id], trx);
      if (lots.some((l) => isExpired(l.expires_on, today))) throw new AppError('conflict', 'supplies.lot_expired');
      await this.repo.lockStock(from.id, transfer.item_id, trx);
      const movements = [];
      for (const l of lots) {
        if (!(await this.repo.takeReserved(from.id, l.lot_id, l.quantity, trx)))
          throw new AppError('conflict', 'supplies.insufficient_stock');
        movements.push({
          id: uuidv7(),
          location_id: from.id,
          item_id: transfer.item_id,
          lot_id: l.lot_id,
          kind: 'transfer_out' as const,
          quantity: -l.quantity,
          balance_after: await this.repo.moveStock(from.id, transfer.item_id, -l.quantity, trx),
          reference_kind: 'transfer',
          reference_id: id,
          note: to.name,
          actor: actor.label,
        });
      }
      await this.repo.insertMovements(movements, trx);
      await this.appendLedger(
        trx,
        lots
          .filter((l) => l.donation_id)
          .map((l) => ({
            kind: 'dispatch' as const,
            donationId: l.donation_id!,
            body: { ...this.lotBody(item, l), quantity: l.quantity, from: from.name, to: to.name, transferId: id },
          })),
      );
    });
    return (await this.transferViews([(await this.repo.transfer(id))!]))[0]!;
  }

  /**
   * 撤销调拨: an approved transfer that has not left is cancelled (the wrong hospital, a lot found
   * damaged): its lots are free at the warehouse again, the request line asks for them again (an
   * allocated request is open again), and for donated lots the public ledger says so and why.
   */
  async cancelTransfer(actor: Actor, id: string, reason: string): Promise<Transfer> {
    const { transfer, from, to, item } = await this.sentTransfer(actor, id);
    const why = reason.trim();
    await this.repo.db.transaction().execute(async (trx) => {
      const done = await this.repo.transition(
        id,
        'approved',
        { status: 'cancelled', cancelled_at: new Date(), cancelled_by: actor.label, cancel_reason: why },
        trx,
      );
      if (!done) {
        throw await this.refusal(id, trx);
      }
      await this.repo.lockStock(from.id, transfer.item_id, trx);
      const lots = await this.repo.transferLots([id], trx);
      for (const l of lots) await this.repo.unreserve(from.id, l.lot_id, l.quantity, trx);
      if (transfer.request_line_id) await this.repo.deallocate(transfer.request_line_id, transfer.quantity, trx);
      if (transfer.request_id) await this.repo.reopenRequest(transfer.request_id, trx);
      await this.appendLedger(
        trx,
        lots
          .filter((l) => l.donation_id)
          .map((l) => ({
            kind: 'cancellation' as const,
            donationId: l.donation_id!,
            body: {
              ...this.lotBody(item, l),
              quantity: l.quantity,
              from: from.name,
              to: to.name,
              transferId: id,
              note: why,
            },
          })),
      );
    });
    return (await this.transferViews([(await this.repo.transfer(id))!]))[0]!;
  }

  /** A transfer an official of the sending side works on (dispatch, cancel), with its places and item. */
  private async sentTransfer(actor: Actor, id: string) {
    if (!actor.permissions.includes('supplies.manage')) throw forbidden();
    const transfer = await this.repo.transfer(id);
    const from = transfer && (await this.repo.location(transfer.from_location_id));
    if (!transfer || !from || !can(actor, 'supplies.manage', from.region_code))
      throw notFound('supplies.transfer_not_found');
    const to = (await this.repo.location(transfer.to_location_id))!;
    const item = (await this.repo.item(transfer.item_id))!;
    return { transfer, from, to, item };
  }

  /** Why a transfer could not take its next step: the step it is at now. */
  private async refusal(id: string, trx: Trx): Promise<AppError> {
    const codes = {
      approved: 'supplies.not_dispatched',
      dispatched: 'supplies.already_dispatched',
      delivered: 'supplies.already_delivered',
      cancelled: 'supplies.transfer_cancelled',
    } as const;
    return new AppError('conflict', codes[(await this.repo.transfer(id, trx))!.status]);
  }

  /** 签收: proof of delivery; what was received enters the destination's stock (transfer_in), once. */
  async deliver(actor: Actor, id: string, input: DeliveryInput): Promise<Transfer> {
    const transfer = await this.repo.transfer(id);
    const to = transfer && (await this.repo.location(transfer.to_location_id));
    if (!transfer || !to || !this.mayWork(actor, to)) throw notFound('supplies.transfer_not_found');
    if (input.receivedQuantity > transfer.quantity)
      throw invalid('request.invalid', [{ path: 'receivedQuantity', code: 'supplies.received_too_many' }]);
    // A shortfall is a loss in transit: it is not taken without a reason, which the public ledger shows.
    const note = input.note?.trim() || null;
    if (input.receivedQuantity < transfer.quantity && !note)
      throw invalid('request.invalid', [{ path: 'note', code: 'supplies.shortfall_note' }]);
    const from = (await this.repo.location(transfer.from_location_id))!;
    const item = (await this.repo.item(transfer.item_id))!;
    const name = input.receiverName.trim();
    await this.repo.db.transaction().execute(async (trx) => {
      const done = await this.repo.transition(
        id,
        'dispatched',
        {
          status: 'delivered',
          delivered_at: input.receivedAt ? new Date(input.receivedAt) : new Date(),
          delivered_by: actor.label,
          received_quantity: input.receivedQuantity,
          receiver_name_enc: this.vault.encrypt('receiverName', name),
          receiver_name_masked: maskName(name),
          delivery_note: note,
        },
        trx,
      );
      if (!done) {
        throw await this.refusal(id, trx);
      }
      await this.repo.lockStock(to.id, transfer.item_id, trx);
      let left = input.receivedQuantity;
      const route = { from: from.name, to: to.name, transferId: id };
      const movements = [];
      const ledger: LedgerDraft[] = [];
      for (const l of await this.repo.transferLots([id], trx)) {
        const got = Math.min(left, l.quantity);
        left -= got;
        if (l.donation_id) {
          ledger.push({
            kind: 'delivery',
            donationId: l.donation_id,
            body: { ...this.lotBody(item, l), quantity: got, ...route },
          });
          // What was sent of the lot and did not arrive, so its trail still adds up.
          if (got < l.quantity)
            ledger.push({
              kind: 'loss',
              donationId: l.donation_id,
              body: { ...this.lotBody(item, l), quantity: l.quantity - got, ...route, ...(note ? { note } : {}) },
            });
        }
        if (got > 0)
          await this.repo.addToLot({ location_id: to.id, lot_id: l.lot_id, item_id: transfer.item_id }, got, trx);
        // The card takes in what was sent, as the sender's card gave it out, then what did not arrive.
        const line = { location_id: to.id, item_id: transfer.item_id, lot_id: l.lot_id, reference_kind: 'transfer' };
        movements.push({
          ...line,
          id: uuidv7(),
          kind: 'transfer_in' as const,
          quantity: l.quantity,
          balance_after: await this.repo.moveStock(to.id, transfer.item_id, l.quantity, trx),
          reference_id: id,
          note: from.name,
          actor: actor.label,
        });
        if (got < l.quantity)
          movements.push({
            ...line,
            id: uuidv7(),
            kind: 'transit_loss' as const,
            quantity: got - l.quantity,
            balance_after: await this.repo.moveStock(to.id, transfer.item_id, got - l.quantity, trx),
            reference_id: id,
            note,
            actor: actor.label,
          });
      }
      await this.repo.insertMovements(movements, trx);
      await this.audit.record(
        actor,
        {
          action: 'create',
          subjectType: 'supply_transfer',
          subjectId: id,
          purpose: 'proof_of_delivery',
          fields: ['receiverName'],
          regionCode: to.region_code,
        },
        trx as unknown as Db,
      );
      await this.appendLedger(trx, ledger);
    });
    return (await this.transferViews([(await this.repo.transfer(id))!]))[0]!;
  }

  // ---------- donations ----------

  /** Takes in a donation (pledge): an organisation (named in public), a person (vault) or anonymous. */
  async createDonation(actor: Actor, input: DonationInput): Promise<Donation> {
    if (!actor.permissions.includes('supplies.manage')) throw forbidden();
    if (!can(actor, 'supplies.manage', input.regionCode))
      throw invalid('request.invalid', [{ path: 'regionCode', code: 'region.outside_jurisdiction' }]);
    const name = input.donorName?.trim() ?? '';
    if (input.donorKind !== 'anonymous' && !name)
      throw invalid('request.invalid', [{ path: 'donorName', code: 'supplies.donor_name_required' }]);
    if (input.donorKind === 'anonymous' && name)
      throw invalid('request.invalid', [{ path: 'donorName', code: 'field.not_allowed' }]);
    const ids = input.items.map((i) => i.itemId);
    const items = new Map((await this.repo.itemsByIds(ids)).map((i) => [i.id, i]));
    const problems: FieldProblem[] = [];
    input.items.forEach((l, i) => {
      if (!items.has(l.itemId)) problems.push({ path: `items/${i}/itemId`, code: 'supplies.item_not_found' });
      else if (ids.indexOf(l.itemId) !== i)
        problems.push({ path: `items/${i}/itemId`, code: 'supplies.duplicate_line' });
    });
    if (problems.length) throw invalid('request.invalid', problems);
    const id = uuidv7();
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.insertDonation(
        {
          id,
          donor_kind: input.donorKind,
          org_name: input.donorKind === 'organisation' ? name : null,
          person_name_enc: input.donorKind === 'person' ? this.vault.encrypt('donorName', name) : null,
          person_name_masked: input.donorKind === 'person' ? maskName(name) : null,
          region_code: input.regionCode,
          note: input.note?.trim() ?? null,
          created_by: actor.label,
        },
        input.items.map((l) => ({ donation_id: id, item_id: l.itemId, pledged: l.quantity })),
        trx,
      );
      if (input.donorKind === 'person')
        await this.audit.record(
          actor,
          {
            action: 'create',
            subjectType: 'supply_donation',
            subjectId: id,
            purpose: 'donation',
            fields: ['donorName'],
            regionCode: input.regionCode,
          },
          trx as unknown as Db,
        );
      await this.appendLedger(trx, [
        {
          kind: 'pledge',
          donationId: id,
          body: {
            ...(input.donorKind === 'organisation' ? { donor: name } : {}),
            items: input.items.map((l) => {
              const item = items.get(l.itemId)!;
              return { code: item.code, nameZh: item.name_zh, unit: item.unit, quantity: l.quantity };
            }),
          },
        },
      ]);
    });
    return (await this.donationViews([(await this.repo.donation(id))!]))[0]!;
  }

  /** Receives donated goods into a location: lots tagged with the donation, a receipt entry each. */
  async receiveDonation(actor: Actor, donationId: string, input: DonationReceiptInput): Promise<Donation> {
    const donation = await this.repo.donation(donationId);
    if (!donation || !can(actor, 'supplies.manage', donation.region_code))
      throw notFound('supplies.donation_not_found');
    const location = await this.managedLocation(actor, input.locationId);
    await this.repo.db
      .transaction()
      .execute((trx) => this.receiveWithin(trx, actor, location, input.lines, donation, null));
    return (await this.donationViews([donation]))[0]!;
  }

  /** Donations taken in within the jurisdiction, newest first, donors masked. */
  async donations(actor: Actor, q: { limit: number; cursor?: string }) {
    if (!actor.permissions.includes('supplies.manage') || !actor.jurisdiction) throw forbidden();
    const rows = await this.repo.donations({ within: actor.jurisdiction, limit: q.limit + 1, before: q.cursor });
    const page = rows.slice(0, q.limit);
    return {
      items: await this.donationViews(page),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }

  /** Every donation as the public sees it: organisations named, people and the anonymous not. */
  async publicDonations(q: {
    limit: number;
    cursor?: string;
  }): Promise<{ items: PublicDonation[]; nextCursor: string | null }> {
    const rows = await this.repo.donations({ limit: q.limit + 1, before: q.cursor });
    const page = rows.slice(0, q.limit);
    const views = await this.donationViews(page);
    return {
      items: views.map((d) => ({
        id: d.id,
        donorKind: d.donorKind,
        donor: d.donorKind === 'organisation' ? d.donor : '',
        items: d.items,
        createdAt: d.createdAt,
      })),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }

  /** The public ledger in sequence order, after a sequence number; for one donation or all. */
  async ledger(q: { donationId?: string; after?: number; limit: number }) {
    const rows = await this.repo.ledger({ donationId: q.donationId, afterSeq: q.after, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(ledgerView),
      nextCursor: rows.length > q.limit ? String(page[page.length - 1]!.seq) : null,
    };
  }

  /** Recomputes the whole chain and names the first entry that does not hold. */
  async verifyLedger(): Promise<LedgerVerification> {
    let before: { seq: number; hash: string } | null = null;
    let entries = 0;
    for (;;) {
      const rows = await this.repo.ledger({ afterSeq: before?.seq, limit: LEDGER_PAGE });
      const run = await verifyLedgerRun(rows.map(ledgerView), before);
      if (!run.ok)
        return { ok: false, entries: entries + rows.length, head: before?.hash ?? null, firstBroken: run.firstBroken };
      entries += rows.length;
      before = run.last;
      if (rows.length < LEDGER_PAGE) return { ok: true, entries, head: before?.hash ?? null, firstBroken: null };
    }
  }

  /** A correction is a new entry naming the one it corrects; nothing is ever rewritten. */
  async correct(actor: Actor, input: { corrects: number; note: string }): Promise<LedgerEntry> {
    if (!actor.permissions.includes('supplies.manage')) throw forbidden();
    const entry = await this.repo.ledgerEntry(input.corrects);
    const donation = entry && (await this.repo.donation(entry.donation_id));
    if (!entry || !donation || !can(actor, 'supplies.manage', donation.region_code))
      throw invalid('request.invalid', [{ path: 'corrects', code: 'supplies.ledger_entry_not_found' }]);
    let seq = 0;
    await this.repo.db.transaction().execute(async (trx) => {
      seq = await this.appendLedger(trx, [
        { kind: 'correction', donationId: donation.id, body: { corrects: entry.seq, note: input.note.trim() } },
      ]);
    });
    return ledgerView((await this.repo.ledgerEntry(seq))!);
  }

  // ---------- internals ----------

  /** Receipts into a location inside a transaction: lots found or created, balances, stock card, ledger. */
  private async receiveWithin(
    trx: Trx,
    actor: Actor,
    location: LocationRow,
    lines: ReceiptInput['lines'],
    donation: DonationRow | null,
    note: string | null | undefined,
  ): Promise<void> {
    const today = shanghaiDate(new Date());
    const problems: FieldProblem[] = [];
    const items = new Map(
      (
        await this.repo.itemsByIds(
          lines.map((l) => l.itemId),
          trx,
        )
      ).map((i) => [i.id, i]),
    );
    const keys = lines.map((l) => `${l.itemId}:${l.lotNumber}`);
    lines.forEach((l, i) => {
      if (!items.has(l.itemId)) problems.push({ path: `lines/${i}/itemId`, code: 'supplies.item_not_found' });
      if (keys.indexOf(keys[i]!) !== i)
        problems.push({ path: `lines/${i}/lotNumber`, code: 'supplies.duplicate_line' });
      if (l.expiresOn && isExpired(l.expiresOn, today))
        problems.push({ path: `lines/${i}/expiresOn`, code: 'supplies.expired_on_receipt' });
    });
    if (problems.length) throw invalid('request.invalid', problems);
    const ledger: LedgerDraft[] = [];
    const receiptId = uuidv7();
    const order = lines.map((l, i) => ({ l, i })).sort((a, b) => a.l.itemId.localeCompare(b.l.itemId));
    for (const { l, i } of order) {
      const lot = await this.repo.lot(
        {
          id: uuidv7(),
          item_id: l.itemId,
          lot_number: l.lotNumber,
          expires_on: l.expiresOn ?? null,
          donation_id: donation?.id ?? null,
        },
        trx,
      );
      if (lot.expires_on !== (l.expiresOn ?? null))
        throw invalid('request.invalid', [{ path: `lines/${i}/lotNumber`, code: 'supplies.lot_item' }]);
      await this.repo.lockStock(location.id, l.itemId, trx);
      await this.repo.addToLot({ location_id: location.id, lot_id: lot.id, item_id: l.itemId }, l.quantity, trx);
      await this.repo.insertMovements(
        [
          {
            id: uuidv7(),
            location_id: location.id,
            item_id: l.itemId,
            lot_id: lot.id,
            kind: 'receipt',
            quantity: l.quantity,
            balance_after: await this.repo.moveStock(location.id, l.itemId, l.quantity, trx),
            reference_kind: donation ? 'donation' : 'receipt',
            reference_id: donation?.id ?? receiptId,
            note: note?.trim() || null,
            actor: actor.label,
          },
        ],
        trx,
      );
      if (donation)
        ledger.push({
          kind: 'receipt',
          donationId: donation.id,
          body: {
            ...this.lotBody(items.get(l.itemId)!, { lot_number: lot.lot_number, expires_on: lot.expires_on }),
            quantity: l.quantity,
            to: location.name,
          },
        });
    }
    await this.appendLedger(trx, ledger);
  }

  /** Takes units out of a location's stock (issue), lots first-expiry-first-out or the one named. */
  private async takeOut(
    trx: Trx,
    o: {
      location: LocationRow;
      item: ItemRow;
      quantity: number;
      lotId?: string;
      kind: 'issue';
      referenceKind: string;
      referenceId: string;
      actor: string;
      note: string | null;
    },
  ): Promise<{ lot: LotBalance; quantity: number }[]> {
    await this.repo.lockStock(o.location.id, o.item.id, trx);
    const today = shanghaiDate(new Date());
    const lots = await this.repo.lotsAt(o.location.id, o.item.id, trx);
    let picks: { lot: LotBalance; quantity: number }[];
    if (o.lotId) {
      const lot = lots.find((l) => l.lot_id === o.lotId);
      if (!lot) throw invalid('request.invalid', [{ path: 'lotId', code: 'supplies.lot_not_found' }]);
      if (isExpired(lot.expires_on, today)) throw new AppError('conflict', 'supplies.lot_expired');
      if (lot.quantity - lot.reserved < o.quantity) throw new AppError('conflict', 'supplies.insufficient_stock');
      picks = [{ lot, quantity: o.quantity }];
    } else picks = pickFefo(lots, o.quantity, today);
    const movements = [];
    for (const p of picks) {
      if (
        (await this.repo.addToLot(
          { location_id: o.location.id, lot_id: p.lot.lot_id, item_id: o.item.id },
          -p.quantity,
          trx,
        )) === null
      )
        throw new AppError('conflict', 'supplies.insufficient_stock');
      movements.push({
        id: uuidv7(),
        location_id: o.location.id,
        item_id: o.item.id,
        lot_id: p.lot.lot_id,
        kind: o.kind,
        quantity: -p.quantity,
        balance_after: await this.repo.moveStock(o.location.id, o.item.id, -p.quantity, trx),
        reference_kind: o.referenceKind,
        reference_id: o.referenceId,
        note: o.note,
        actor: o.actor,
      });
    }
    await this.repo.insertMovements(movements, trx);
    return picks;
  }

  /** Appends entries to the ledger in order, chained to the head; answers the last sequence number. */
  private async appendLedger(trx: Trx, drafts: LedgerDraft[]): Promise<number> {
    if (!drafts.length) return 0;
    const head = await this.repo.lockLedger(trx);
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? LEDGER_GENESIS;
    const at = new Date();
    const rows = [];
    for (const d of drafts) {
      seq += 1;
      // What is hashed is what JSON keeps: no undefined fields.
      const body = JSON.parse(JSON.stringify(d.body)) as LedgerBody;
      const hash = await ledgerHash({
        seq,
        at: at.toISOString(),
        kind: d.kind,
        donationId: d.donationId,
        body,
        prevHash,
      });
      rows.push({ seq, at, kind: d.kind, donation_id: d.donationId, body, prev_hash: prevHash, hash });
      prevHash = hash;
    }
    await this.repo.insertLedger(rows, trx);
    return seq;
  }

  private lotBody(item: ItemRow, lot: { lot_number: string; expires_on: string | null }): LedgerBody {
    return {
      item: { code: item.code, nameZh: item.name_zh, unit: item.unit },
      lotNumber: lot.lot_number,
      expiresOn: lot.expires_on,
    };
  }

  /** Stock lines of the given locations: one per item held there (or held before). */
  private async stockLines(locations: LocationRow[]): Promise<StockLine[]> {
    const ids = locations.map((l) => l.id);
    const since = new Date(Date.now() - CONSUMPTION_DAYS * DAY_MS);
    const [stock, balances, consumed] = await Promise.all([
      this.repo.stockAt(ids),
      this.repo.balancesAt(ids),
      this.repo.consumedSince(ids, since),
    ]);
    const items = new Map(
      (await this.repo.itemsByIds([...new Set(stock.map((s) => s.item_id))])).map((i) => [i.id, i]),
    );
    const byLocation = new Map(locations.map((l) => [l.id, l]));
    const lotsOf = groupBy(balances, (b) => `${b.location_id}:${b.item_id}`);
    const used = new Map(consumed.map((c) => [`${c.location_id}:${c.item_id}`, c.used]));
    const today = shanghaiDate(new Date());
    return stock
      .map((s) => {
        const location = byLocation.get(s.location_id)!;
        const item = items.get(s.item_id)!;
        const lots = lotsOf.get(`${s.location_id}:${s.item_id}`) ?? [];
        const usable = usableOf(lots, today);
        const adc = (used.get(`${s.location_id}:${s.item_id}`) ?? 0) / CONSUMPTION_DAYS;
        const dos = adc > 0 ? Math.round((usable / adc) * 10) / 10 : null;
        const minDays = location.min_days ?? item.min_days;
        const emergencyDays = location.emergency_days ?? item.emergency_days;
        const alert: StockLine['alert'] =
          dos === null ? 'none' : dos < emergencyDays ? 'emergency' : dos < minDays ? 'low' : 'ok';
        return {
          location: { id: location.id, name: location.name, kind: location.kind },
          item: { id: item.id, code: item.code, nameZh: item.name_zh, nameEn: item.name_en, unit: item.unit },
          onHand: s.on_hand,
          usable,
          expired: lots.filter((l) => isExpired(l.expires_on, today)).reduce((n, l) => n + l.quantity, 0),
          averageDailyConsumption: Math.round(adc * 10) / 10,
          consumptionDays: CONSUMPTION_DAYS,
          daysOfSupply: dos,
          minDays,
          emergencyDays,
          alert,
          lots: lots.map((l) => ({
            lotId: l.lot_id,
            lotNumber: l.lot_number,
            expiresOn: l.expires_on,
            expired: isExpired(l.expires_on, today),
            donationId: l.donation_id,
            quantity: l.quantity,
            reserved: l.reserved,
          })),
        };
      })
      .sort(
        (a, b) => a.location.name.localeCompare(b.location.name, 'zh-CN') || a.item.code.localeCompare(b.item.code),
      );
  }

  /** The actor may read supplies somewhere: answers the region prefix of what they see. */
  private requireAny(actor: Actor): string {
    if (actor.kind === 'system') return '';
    if (!actor.permissions.includes('supplies.manage') && !actor.permissions.includes('supplies.request'))
      throw forbidden();
    if (!actor.jurisdiction) throw forbidden();
    return actor.jurisdiction;
  }

  /** Who sees a location's stock: its managers, and the staff of hospitals in the region. */
  private mayRead(actor: Actor, region: string): boolean {
    return can(actor, 'supplies.manage', region) || can(actor, 'supplies.request', region);
  }

  /** Who moves a location's stock: its managers anywhere, hospital staff at hospitals only. */
  private mayWork(actor: Actor, location: LocationRow): boolean {
    return (
      can(actor, 'supplies.manage', location.region_code) ||
      (location.kind === 'hospital' && can(actor, 'supplies.request', location.region_code))
    );
  }

  private async managedLocation(actor: Actor, id: string, kind?: LocationRow['kind']): Promise<LocationRow> {
    if (!actor.permissions.includes('supplies.manage') && actor.kind !== 'system') throw forbidden();
    const row = await this.repo.location(id);
    const path = kind === 'warehouse' ? 'warehouseId' : 'locationId';
    if (!row || !can(actor, 'supplies.manage', row.region_code))
      throw invalid('request.invalid', [{ path, code: 'supplies.location_not_found' }]);
    if (kind && row.kind !== kind) throw invalid('request.invalid', [{ path, code: 'supplies.location_kind' }]);
    return row;
  }

  private async locationViews(rows: LocationRow[]): Promise<Location[]> {
    const regions = await this.regions.refs(rows.map((r) => r.region_code));
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      regionCode: r.region_code,
      regionName: regions.get(r.region_code)?.name ?? r.region_code,
      address: r.address,
      minDays: r.min_days,
      emergencyDays: r.emergency_days,
    }));
  }

  private async requestViews(rows: RequestRow[]): Promise<SupplyRequest[]> {
    const [lines, locations] = await Promise.all([
      this.repo.linesOf(rows.map((r) => r.id)),
      this.repo.locationsByIds([...new Set(rows.map((r) => r.location_id))]),
    ]);
    const items = new Map(
      (await this.repo.itemsByIds([...new Set(lines.map((l) => l.item_id))])).map((i) => [i.id, i]),
    );
    const linesOf = groupBy(lines, (l) => l.request_id);
    const location = new Map(locations.map((l) => [l.id, l]));
    return rows.map((r) => ({
      id: r.id,
      location: { id: r.location_id, name: location.get(r.location_id)!.name, regionCode: r.region_code },
      urgency: r.urgency,
      status: r.status,
      note: r.note,
      lines: (linesOf.get(r.id) ?? []).map((l) => ({
        id: l.id,
        itemId: l.item_id,
        itemName: items.get(l.item_id)!.name_zh,
        unit: items.get(l.item_id)!.unit,
        quantity: l.quantity,
        allocated: l.allocated,
      })),
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
    }));
  }

  private async transferViews(rows: TransferRow[]): Promise<Transfer[]> {
    const [locations, items, lots] = await Promise.all([
      this.repo.locationsByIds([...new Set(rows.flatMap((r) => [r.from_location_id, r.to_location_id]))]),
      this.repo.itemsByIds([...new Set(rows.map((r) => r.item_id))]),
      this.repo.transferLots(rows.map((r) => r.id)),
    ]);
    const location = new Map(locations.map((l) => [l.id, l]));
    const item = new Map(items.map((i) => [i.id, i]));
    const lotsOf = groupBy(lots, (l) => l.transfer_id);
    return rows.map((r) => {
      const i = item.get(r.item_id)!;
      return {
        id: r.id,
        requestId: r.request_id,
        from: { id: r.from_location_id, name: location.get(r.from_location_id)!.name },
        to: { id: r.to_location_id, name: location.get(r.to_location_id)!.name },
        item: { id: i.id, nameZh: i.name_zh, nameEn: i.name_en, unit: i.unit },
        quantity: r.quantity,
        status: r.status,
        lots: (lotsOf.get(r.id) ?? []).map((l) => ({
          lotNumber: l.lot_number,
          expiresOn: l.expires_on,
          quantity: l.quantity,
        })),
        approvedBy: r.approved_by,
        approvedAt: r.approved_at.toISOString(),
        dispatchedAt: r.dispatched_at?.toISOString() ?? null,
        deliveredAt: r.delivered_at?.toISOString() ?? null,
        receivedQuantity: r.received_quantity,
        receiverName: r.receiver_name_masked,
        deliveryNote: r.delivery_note,
        cancelledAt: r.cancelled_at?.toISOString() ?? null,
        cancelReason: r.cancel_reason,
      };
    });
  }

  private async donationViews(rows: DonationRow[]): Promise<Donation[]> {
    const ids = rows.map((r) => r.id);
    const [lines, received] = await Promise.all([this.repo.donationItems(ids), this.repo.receivedOf(ids)]);
    const got = new Map(received.map((r) => [`${r.donation_id}:${r.item_id}`, r.received]));
    const itemIds = [...new Set([...lines.map((l) => l.item_id), ...received.map((r) => r.item_id)])];
    const items = new Map((await this.repo.itemsByIds(itemIds)).map((i) => [i.id, i]));
    const linesOf = groupBy(lines, (l) => l.donation_id);
    const receivedOf = groupBy(received, (r) => r.donation_id);
    return rows.map((d) => {
      const pledged = linesOf.get(d.id) ?? [];
      // Goods received that were not pledged are listed too, with nothing pledged.
      const extra = (receivedOf.get(d.id) ?? []).filter((r) => !pledged.some((p) => p.item_id === r.item_id));
      return {
        id: d.id,
        donorKind: d.donor_kind,
        donor: d.org_name ?? d.person_name_masked ?? '',
        regionCode: d.region_code,
        items: [
          ...pledged.map((p) => ({ itemId: p.item_id, pledged: p.pledged })),
          ...extra.map((r) => ({ itemId: r.item_id, pledged: 0 })),
        ].map((x) => {
          const item = items.get(x.itemId)!;
          return {
            itemId: x.itemId,
            nameZh: item.name_zh,
            nameEn: item.name_en,
            unit: item.unit,
            pledged: x.pledged,
            received: got.get(`${d.id}:${x.itemId}`) ?? 0,
          };
        }),
        note: d.note,
        createdAt: d.created_at.toISOString(),
      };
    });
  }
}

function itemView(r: ItemRow): Item {
  return {
    id: r.id,
    code: r.code,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    category: r.category,
    unit: r.unit,
    grade: r.grade,
    substituteIds: r.substitute_ids,
    pack: r.pack_unit && r.pack_size ? { unit: r.pack_unit, size: r.pack_size } : null,
    minDays: r.min_days,
    emergencyDays: r.emergency_days,
  };
}

function ledgerView(r: LedgerRow): LedgerEntry {
  return {
    seq: r.seq,
    at: r.at.toISOString(),
    kind: r.kind,
    donationId: r.donation_id,
    body: r.body,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** A lot dated the 31st may still be used on the 31st. */
function isExpired(expiresOn: string | null, today: string): boolean {
  return expiresOn !== null && expiresOn < today;
}

function usableOf(lots: LotBalance[], today: string): number {
  return lots.filter((l) => !isExpired(l.expires_on, today)).reduce((n, l) => n + l.quantity - l.reserved, 0);
}

/**
 * First expiry first out over the free units of unexpired lots. Short of stock: `lot_expired` when
 * only expired lots would make up the difference (so the user knows why), else `insufficient_stock`.
 */
function pickFefo(lots: LotBalance[], quantity: number, today: string): { lot: LotBalance; quantity: number }[] {
  const picks: { lot: LotBalance; quantity: number }[] = [];
  let left = quantity;
  for (const lot of lots) {
    if (left === 0) break;
    if (isExpired(lot.expires_on, today)) continue;
    const take = Math.min(left, lot.quantity - lot.reserved);
    if (take <= 0) continue;
    picks.push({ lot, quantity: take });
    left -= take;
  }
  if (left > 0) {
    const expired = lots.filter((l) => isExpired(l.expires_on, today)).reduce((n, l) => n + l.quantity - l.reserved, 0);
    throw new AppError('conflict', expired >= left ? 'supplies.lot_expired' : 'supplies.insufficient_stock');
  }
  return picks;
}

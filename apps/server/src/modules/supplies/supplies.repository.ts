import { sql, type Insertable, type Kysely } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type {
  DonationLedgerTable,
  SuppliesTables,
  SupplyDonationsTable,
  SupplyItemsTable,
  SupplyLocationsTable,
  SupplyMovementsTable,
  SupplyRequestLinesTable,
  SupplyRequestsTable,
  SupplyTransfersTable,
} from './supplies.tables.ts';

export type Trx = Kysely<SuppliesTables>;

/** A lot's balance at one location, with what the lot is. */
export interface LotBalance {
  lot_id: string;
  item_id: string;
  lot_number: string;
  expires_on: string | null;
  donation_id: string | null;
  quantity: number;
  reserved: number;
}

const NO_DONATION = '00000000-0000-0000-0000-000000000000';

export class SuppliesRepository {
  readonly db: Trx;
  constructor(db: Db) {
    this.db = db as Trx;
  }

  // ---------- catalogue and locations ----------

  async insertItem(row: Insertable<SupplyItemsTable>): Promise<void> {
    await this.db.insertInto('supply_items').values(row).execute();
  }
  items() {
    return this.db.selectFrom('supply_items').selectAll().orderBy('category').orderBy('code').execute();
  }
  itemsByIds(ids: string[], trx: Trx = this.db) {
    if (!ids.length) return Promise.resolve([]);
    return trx
      .selectFrom('supply_items')
      .selectAll()
      .where(sql<boolean>`id = any(${ids}::uuid[])`)
      .execute();
  }
  item(id: string, trx: Trx = this.db) {
    return trx.selectFrom('supply_items').selectAll().where('id', '=', id).executeTakeFirst();
  }
  async insertLocation(row: Insertable<SupplyLocationsTable>): Promise<void> {
    await this.db.insertInto('supply_locations').values(row).execute();
  }
  async setThresholds(id: string, minDays: number | null, emergencyDays: number | null): Promise<void> {
    await this.db
      .updateTable('supply_locations')
      .set({ min_days: minDays, emergency_days: emergencyDays })
      .where('id', '=', id)
      .execute();
  }
  location(id: string, trx: Trx = this.db) {
    return trx.selectFrom('supply_locations').selectAll().where('id', '=', id).executeTakeFirst();
  }
  locationsWithin(regionPrefix: string, kind?: SupplyLocationsTable['kind']) {
    let q = this.db
      .selectFrom('supply_locations')
      .selectAll()
      .where('region_code', 'like', `${regionPrefix}%`)
      .orderBy('kind')
      .orderBy('name');
    if (kind) q = q.where('kind', '=', kind);
    return q.limit(1000).execute();
  }
  locationsByIds(ids: string[], trx: Trx = this.db) {
    if (!ids.length) return Promise.resolve([]);
    return trx
      .selectFrom('supply_locations')
      .selectAll()
      .where(sql<boolean>`id = any(${ids}::uuid[])`)
      .execute();
  }

  // ---------- stock ----------

  /** Locks the item's stock at the location for the rest of the transaction; answers what is on hand. */
  async lockStock(locationId: string, itemId: string, trx: Trx): Promise<number> {
    await trx
      .insertInto('supply_stock')
      .values({ location_id: locationId, item_id: itemId })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const row = await trx
      .selectFrom('supply_stock')
      .select('on_hand')
      .where('location_id', '=', locationId)
      .where('item_id', '=', itemId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    return row.on_hand;
  }
  /** Moves the item's total at the location; the row's check refuses a negative total. */
  async moveStock(locationId: string, itemId: string, delta: number, trx: Trx): Promise<number> {
    const row = await trx
      .updateTable('supply_stock')
      .set({ on_hand: sql`on_hand + ${delta}` })
      .where('location_id', '=', locationId)
      .where('item_id', '=', itemId)
      .returning('on_hand')
      .executeTakeFirstOrThrow();
    return row.on_hand;
  }
  /** Lots of the item at the location that hold anything, first expiry first (no expiry last). */
  lotsAt(locationId: string, itemId: string, trx: Trx = this.db): Promise<LotBalance[]> {
    return trx
      .selectFrom('supply_balances as b')
      .innerJoin('supply_lots as l', 'l.id', 'b.lot_id')
      .select(['b.lot_id', 'b.item_id', 'l.lot_number', 'l.expires_on', 'l.donation_id', 'b.quantity', 'b.reserved'])
      .where('b.location_id', '=', locationId)
      .where('b.item_id', '=', itemId)
      .where('b.quantity', '>', 0)
      .orderBy(sql`l.expires_on asc nulls last`)
      .orderBy('l.id')
      .execute();
  }
  /** Balances of many locations at once, for the stock list. */
  balancesAt(locationIds: string[]): Promise<(LotBalance & { location_id: string })[]> {
    if (!locationIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('supply_balances as b')
      .innerJoin('supply_lots as l', 'l.id', 'b.lot_id')
      .select([
        'b.location_id',
        'b.lot_id',
        'b.item_id',
        'l.lot_number',
        'l.expires_on',
        'l.donation_id',
        'b.quantity',
        'b.reserved',
      ])
      .where(sql<boolean>`b.location_id = any(${locationIds}::uuid[])`)
      .where('b.quantity', '>', 0)
      .orderBy(sql`l.expires_on asc nulls last`)
      .orderBy('l.id')
      .execute();
  }
  stockAt(locationIds: string[]) {
    if (!locationIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('supply_stock')
      .selectAll()
      .where(sql<boolean>`location_id = any(${locationIds}::uuid[])`)
      .execute();
  }
  /** Units that left each location (issues and transfers out) since `since`, per item. */
  async consumedSince(locationIds: string[], since: Date) {
    if (!locationIds.length) return [];
    const r = await sql<{ location_id: string; item_id: string; used: number }>`
      select location_id, item_id, -sum(quantity)::int as used from supply_movements
      where location_id = any(${locationIds}::uuid[]) and kind in ('issue', 'transfer_out') and at >= ${since}
      group by location_id, item_id`.execute(this.db);
    return r.rows;
  }
  /** Adds to (or takes from) a lot's balance, creating it; answers the new quantity or null when refused. */
  async addToLot(
    row: { location_id: string; lot_id: string; item_id: string },
    delta: number,
    trx: Trx,
  ): Promise<number | null> {
    if (delta > 0) {
      const r = await trx
        .insertInto('supply_balances')
        .values({ ...row, quantity: delta })
        .onConflict((oc) =>
          oc.columns(['location_id', 'lot_id']).doUpdateSet({ quantity: sql`supply_balances.quantity + ${delta}` }),
        )
        .returning('quantity')
        .executeTakeFirstOrThrow();
      return r.quantity;
    }
    // Out of stock only from what is free: reserved units belong to an approved transfer.
    const r = await trx
      .updateTable('supply_balances')
      .set({ quantity: sql`quantity + ${delta}` })
      .where('location_id', '=', row.location_id)
      .where('lot_id', '=', row.lot_id)
      .where(sql<boolean>`quantity - reserved >= ${-delta}`)
      .returning('quantity')
      .executeTakeFirst();
    return r?.quantity ?? null;
  }
  /** Holds units of a lot for a transfer; false when not that many are free. */
  async reserve(locationId: string, lotId: string, quantity: number, trx: Trx): Promise<boolean> {
    const r = await trx
      .updateTable('supply_balances')
      .set({ reserved: sql`reserved + ${quantity}` })
      .where('location_id', '=', locationId)
      .where('lot_id', '=', lotId)
      .where(sql<boolean>`quantity - reserved >= ${quantity}`)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  /** Frees units reserved for a transfer that was cancelled. */
  async unreserve(locationId: string, lotId: string, quantity: number, trx: Trx): Promise<void> {
    await trx
      .updateTable('supply_balances')
      .set({ reserved: sql`reserved - ${quantity}` })
      .where('location_id', '=', locationId)
      .where('lot_id', '=', lotId)
      .where('reserved', '>=', quantity)
      .execute();
  }
  /** Takes reserved units out of stock (dispatch). */
  async takeReserved(locationId: string, lotId: string, quantity: number, trx: Trx): Promise<boolean> {
    const r = await trx
      .updateTable('supply_balances')
      .set({ quantity: sql`quantity - ${quantity}`, reserved: sql`reserved - ${quantity}` })
      .where('location_id', '=', locationId)
      .where('lot_id', '=', lotId)
      .where('reserved', '>=', quantity)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  async insertMovements(rows: Insertable<SupplyMovementsTable>[], trx: Trx): Promise<void> {
    if (rows.length) await trx.insertInto('supply_movements').values(rows).execute();
  }
  /** The stock card of an item at a location, newest first. */
  movements(locationId: string, itemId: string, limit: number, before?: string) {
    let q = this.db
      .selectFrom('supply_movements as m')
      .innerJoin('supply_lots as l', 'l.id', 'm.lot_id')
      .select([
        'm.id',
        'm.kind',
        'm.quantity',
        'm.balance_after',
        'm.reference_kind',
        'm.reference_id',
        'm.note',
        'm.actor',
        'm.at',
        'l.lot_number',
        'l.expires_on',
      ])
      .where('m.location_id', '=', locationId)
      .where('m.item_id', '=', itemId)
      .orderBy('m.id', 'desc')
      .limit(limit);
    if (before) q = q.where('m.id', '<', before);
    return q.execute();
  }

  /** The lot of (item, number, donation), created if new. */
  async lot(
    row: { id: string; item_id: string; lot_number: string; expires_on: string | null; donation_id: string | null },
    trx: Trx,
  ) {
    await sql`insert into supply_lots (id, item_id, lot_number, expires_on, donation_id)
      values (${row.id}, ${row.item_id}, ${row.lot_number}, ${row.expires_on}, ${row.donation_id})
      on conflict (item_id, lot_number, coalesce(donation_id, ${NO_DONATION}::uuid)) do nothing`.execute(trx);
    return trx
      .selectFrom('supply_lots')
      .selectAll()
      .where('item_id', '=', row.item_id)
      .where('lot_number', '=', row.lot_number)
      .where(sql<boolean>`coalesce(donation_id, ${NO_DONATION}::uuid) = ${row.donation_id ?? NO_DONATION}::uuid`)
      .executeTakeFirstOrThrow();
  }
  lotsByIds(ids: string[], trx: Trx = this.db) {
    if (!ids.length) return Promise.resolve([]);
    return trx
      .selectFrom('supply_lots')
      .selectAll()
      .where(sql<boolean>`id = any(${ids}::uuid[])`)
      .execute();
  }

  /** Claims an issue's reference; false when it was issued before. */
  async claimIssue(
    row: { reference_kind: string; reference_id: string; location_id: string; item_id: string; quantity: number },
    trx: Trx,
  ): Promise<boolean> {
    const r = await trx
      .insertInto('supply_issues')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .returning('reference_id')
      .executeTakeFirst();
    return r !== undefined;
  }
  issue(referenceKind: string, referenceId: string, trx: Trx = this.db) {
    return trx
      .selectFrom('supply_issues')
      .selectAll()
      .where('reference_kind', '=', referenceKind)
      .where('reference_id', '=', referenceId)
      .executeTakeFirst();
  }

  // ---------- requests and transfers ----------

  async insertRequest(
    row: Insertable<SupplyRequestsTable>,
    lines: Insertable<SupplyRequestLinesTable>[],
    trx: Trx,
  ): Promise<void> {
    await trx.insertInto('supply_requests').values(row).execute();
    await trx.insertInto('supply_request_lines').values(lines).execute();
  }
  request(id: string, trx: Trx = this.db) {
    return trx.selectFrom('supply_requests').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** Open → cancelled; false when the request was not open. */
  async cancelRequest(id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('supply_requests')
      .set({ status: 'cancelled' })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  requestsWithin(regionPrefix: string, q: { status?: SupplyRequestsTable['status']; limit: number; before?: string }) {
    let query = this.db
      .selectFrom('supply_requests')
      .selectAll()
      .where('region_code', 'like', `${regionPrefix}%`)
      .orderBy('id', 'desc')
      .limit(q.limit);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.before) query = query.where('id', '<', q.before);
    return query.execute();
  }
  linesOf(requestIds: string[], trx: Trx = this.db) {
    if (!requestIds.length) return Promise.resolve([]);
    return trx
      .selectFrom('supply_request_lines')
      .selectAll()
      .where(sql<boolean>`request_id = any(${requestIds}::uuid[])`)
      .orderBy('id')
      .execute();
  }
  linesByIds(ids: string[], trx: Trx) {
    if (!ids.length) return Promise.resolve([]);
    return trx
      .selectFrom('supply_request_lines')
      .selectAll()
      .where(sql<boolean>`id = any(${ids}::uuid[])`)
      .forUpdate()
      .execute();
  }
  /** Gives a line more; the row's check refuses more than was asked. */
  async allocate(lineId: string, quantity: number, trx: Trx): Promise<boolean> {
    const r = await trx
      .updateTable('supply_request_lines')
      .set({ allocated: sql`allocated + ${quantity}` })
      .where('id', '=', lineId)
      .where(sql<boolean>`allocated + ${quantity} <= quantity`)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  /** A cancelled transfer's quantity is asked for again. */
  async deallocate(lineId: string, quantity: number, trx: Trx): Promise<void> {
    await trx
      .updateTable('supply_request_lines')
      .set({ allocated: sql`allocated - ${quantity}` })
      .where('id', '=', lineId)
      .where('allocated', '>=', quantity)
      .execute();
  }
  /** An allocated request with a line asked for again is open again (a withdrawn one stays withdrawn). */
  async reopenRequest(id: string, trx: Trx): Promise<void> {
    await trx
      .updateTable('supply_requests')
      .set({ status: 'open' })
      .where('id', '=', id)
      .where('status', '=', 'allocated')
      .execute();
  }
  /** Requests all of whose lines are fully given become allocated. */
  async closeAllocated(requestIds: string[], trx: Trx): Promise<void> {
    if (!requestIds.length) return;
    await sql`update supply_requests r set status = 'allocated'
      where r.id = any(${requestIds}::uuid[]) and r.status = 'open'
        and not exists (select 1 from supply_request_lines l where l.request_id = r.id and l.allocated < l.quantity)`.execute(
      trx,
    );
  }
  async insertTransfer(
    row: Insertable<SupplyTransfersTable>,
    lots: { transfer_id: string; lot_id: string; quantity: number }[],
    trx: Trx,
  ): Promise<void> {
    await trx.insertInto('supply_transfers').values(row).execute();
    await trx.insertInto('supply_transfer_lots').values(lots).execute();
  }
  transfer(id: string, trx: Trx = this.db) {
    return trx.selectFrom('supply_transfers').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** Transfers from or to the given locations, newest first. */
  transfersOf(locationIds: string[], q: { status?: SupplyTransfersTable['status']; limit: number; before?: string }) {
    if (!locationIds.length) return Promise.resolve([]);
    let query = this.db
      .selectFrom('supply_transfers')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb(sql`from_location_id`, '=', sql`any(${locationIds}::uuid[])`),
          eb(sql`to_location_id`, '=', sql`any(${locationIds}::uuid[])`),
        ]),
      )
      .orderBy('id', 'desc')
      .limit(q.limit);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.before) query = query.where('id', '<', q.before);
    return query.execute();
  }
  transferLots(transferIds: string[], trx: Trx = this.db) {
    if (!transferIds.length) return Promise.resolve([]);
    return trx
      .selectFrom('supply_transfer_lots as t')
      .innerJoin('supply_lots as l', 'l.id', 't.lot_id')
      .select(['t.transfer_id', 't.lot_id', 't.quantity', 'l.lot_number', 'l.expires_on', 'l.donation_id', 'l.item_id'])
      .where(sql<boolean>`t.transfer_id = any(${transferIds}::uuid[])`)
      .orderBy(sql`l.expires_on asc nulls last`)
      .orderBy('l.id')
      .execute();
  }
  /** Moves a transfer on from `from` only: of two simultaneous clicks, one wins. */
  async transition(
    id: string,
    from: SupplyTransfersTable['status'],
    patch: Partial<Insertable<SupplyTransfersTable>>,
    trx: Trx,
  ): Promise<boolean> {
    const r = await trx
      .updateTable('supply_transfers')
      .set(patch)
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  // ---------- donations and the ledger ----------

  async insertDonation(
    row: Insertable<SupplyDonationsTable>,
    items: { donation_id: string; item_id: string; pledged: number }[],
    trx: Trx,
  ): Promise<void> {
    await trx.insertInto('supply_donations').values(row).execute();
    await trx.insertInto('supply_donation_items').values(items).execute();
  }
  donation(id: string, trx: Trx = this.db) {
    return trx.selectFrom('supply_donations').selectAll().where('id', '=', id).executeTakeFirst();
  }
  donations(q: { within?: string; limit: number; before?: string }) {
    let query = this.db.selectFrom('supply_donations').selectAll().orderBy('id', 'desc').limit(q.limit);
    if (q.within) query = query.where('region_code', 'like', `${q.within}%`);
    if (q.before) query = query.where('id', '<', q.before);
    return query.execute();
  }
  donationItems(donationIds: string[]) {
    if (!donationIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('supply_donation_items')
      .selectAll()
      .where(sql<boolean>`donation_id = any(${donationIds}::uuid[])`)
      .execute();
  }
  /** Units received per donation and item (receipts into stock of the donation's lots). */
  async receivedOf(donationIds: string[]) {
    if (!donationIds.length) return [];
    const r = await sql<{ donation_id: string; item_id: string; received: number }>`
      select l.donation_id, m.item_id, sum(m.quantity)::int as received
      from supply_movements m join supply_lots l on l.id = m.lot_id
      where l.donation_id = any(${donationIds}::uuid[]) and m.kind = 'receipt'
      group by l.donation_id, m.item_id`.execute(this.db);
    return r.rows;
  }

  /** Serialises ledger appends across processes for the rest of the transaction; answers the head. */
  async lockLedger(trx: Trx) {
    await sql`select pg_advisory_xact_lock(hashtextextended('donation_ledger', 0))`.execute(trx);
    return trx.selectFrom('donation_ledger').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  }
  async insertLedger(rows: DonationLedgerTable[], trx: Trx): Promise<void> {
    if (rows.length)
      await trx
        .insertInto('donation_ledger')
        .values(rows.map((r) => ({ ...r, body: JSON.stringify(r.body) as never })))
        .execute();
  }
  ledger(q: { donationId?: string; afterSeq?: number; limit: number }) {
    let query = this.db.selectFrom('donation_ledger').selectAll().orderBy('seq').limit(q.limit);
    if (q.donationId) query = query.where('donation_id', '=', q.donationId);
    if (q.afterSeq) query = query.where('seq', '>', q.afterSeq);
    return query.execute();
  }
  ledgerEntry(seq: number) {
    return this.db.selectFrom('donation_ledger').selectAll().where('seq', '=', seq).executeTakeFirst();
  }
}

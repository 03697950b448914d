import { sql, type Insertable, type Kysely } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type {
  ReservationCampaignsTable,
  ReservationEntriesTable,
  ReservationSitesTable,
  ReservationSlotsTable,
  ReservationsTable,
  ReservationTables,
} from './reservation.tables.ts';

type Trx = Kysely<ReservationTables>;
export type SlotToReserve = NonNullable<Awaited<ReturnType<ReservationRepository['slotToReserve']>>>;

export class ReservationRepository {
  readonly db: Trx;
  constructor(db: Db) {
    this.db = db as Trx;
  }

  async insertCampaign(
    campaign: Insertable<ReservationCampaignsTable>,
    sites: Insertable<ReservationSitesTable>[],
    slots: Insertable<ReservationSlotsTable>[],
    trx: Trx,
  ): Promise<void> {
    await trx.insertInto('reservation_campaigns').values(campaign).execute();
    for (let i = 0; i < sites.length; i += 1000)
      await trx
        .insertInto('reservation_sites')
        .values(sites.slice(i, i + 1000))
        .execute();
    for (let i = 0; i < slots.length; i += 2000)
      await trx
        .insertInto('reservation_slots')
        .values(slots.slice(i, i + 2000))
        .execute();
  }
  campaign(id: string, trx: Trx = this.db) {
    return trx.selectFrom('reservation_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** Campaigns of regions within `within`, or enclosing `containing` (what a resident may join). */
  campaigns(q: { within?: string; containing?: string; status?: string[]; limit: number; before?: string }) {
    let query = this.db.selectFrom('reservation_campaigns').selectAll().orderBy('id', 'desc').limit(q.limit);
    if (q.within) query = query.where('region_code', 'like', `${q.within}%`);
    if (q.containing) query = query.where(sql<boolean>`${q.containing} like region_code || '%'`);
    if (q.status) query = query.where('status', 'in', q.status as ReservationCampaignsTable['status'][]);
    if (q.before) query = query.where('id', '<', q.before);
    return query.execute();
  }
  async setCampaign(id: string, patch: Partial<Insertable<ReservationCampaignsTable>>): Promise<void> {
    await this.db.updateTable('reservation_campaigns').set(patch).where('id', '=', id).execute();
  }
  sitesOf(campaignIds: string[]) {
    if (!campaignIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('reservation_sites')
      .selectAll()
      .where(sql<boolean>`campaign_id = any(${campaignIds}::uuid[])`)
      .orderBy('id')
      .execute();
  }
  slotsOf(campaignIds: string[], trx: Trx = this.db) {
    if (!campaignIds.length) return Promise.resolve([]);
    return trx
      .selectFrom('reservation_slots')
      .selectAll()
      .where(sql<boolean>`campaign_id = any(${campaignIds}::uuid[])`)
      .orderBy('starts_at')
      .orderBy('id')
      .execute();
  }
  campaignsByIds(ids: string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db
      .selectFrom('reservation_campaigns')
      .selectAll()
      .where(sql<boolean>`id = any(${ids}::uuid[])`)
      .execute();
  }
  sitesByIds(ids: string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db
      .selectFrom('reservation_sites')
      .selectAll()
      .where(sql<boolean>`id = any(${ids}::uuid[])`)
      .execute();
  }
  slotsByIds(ids: string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db
      .selectFrom('reservation_slots')
      .selectAll()
      .where(sql<boolean>`id = any(${ids}::uuid[])`)
      .execute();
  }
  slot(id: string, trx: Trx = this.db) {
    return trx.selectFrom('reservation_slots').selectAll().where('id', '=', id).executeTakeFirst();
  }
  site(id: string, trx: Trx = this.db) {
    return trx.selectFrom('reservation_sites').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A slot with what reserving it needs of its campaign and site, in one query. */
  slotToReserve(slotId: string) {
    return this.db
      .selectFrom('reservation_slots as s')
      .innerJoin('reservation_campaigns as c', 'c.id', 's.campaign_id')
      .innerJoin('reservation_sites as st', 'st.id', 's.site_id')
      .select([
        's.id',
        's.site_id',
        's.campaign_id',
        's.quota',
        's.taken',
        's.starts_at',
        's.ends_at',
        'c.title',
        'c.status',
        'c.kind',
        'c.region_code',
        'c.once_per_days',
        'c.items_per_person',
        'c.opens_at',
        'c.mode',
        'st.name as site_name',
        'st.address as site_address',
      ])
      .where('s.id', '=', slotId)
      .executeTakeFirst();
  }

  /** Sites within a region of campaigns that are open or closed, open ones first. */
  sitesWithin(regionPrefix: string, limit: number) {
    return this.db
      .selectFrom('reservation_sites as s')
      .innerJoin('reservation_campaigns as c', 'c.id', 's.campaign_id')
      .select(['s.id', 's.name', 's.address', 'c.id as campaign_id', 'c.title', 'c.status'])
      .where('s.region_code', 'like', `${regionPrefix}%`)
      .where('c.status', 'in', ['open', 'closed'])
      .orderBy(sql`c.status = 'open'`, 'desc')
      .orderBy('c.id', 'desc')
      .orderBy('s.name')
      .limit(limit)
      .execute();
  }

  /**
   * Serialises these people's reservations across processes for the rest of the transaction, taking
   * the locks in one order so that two batches holding the same people wait instead of deadlocking.
   */
  async lockPeople(residentIds: string[], trx: Trx): Promise<void> {
    if (!residentIds.length) return;
    await sql`select pg_advisory_xact_lock(k) from (
        select distinct hashtextextended(r, 0) as k from unnest(${residentIds}::text[]) as r order by 1
      ) as keys`.execute(trx);
  }
  /**
   * For each ask, the campaign of a live reservation of the person: of that campaign, or of its kind
   * since `since` (null: the campaign only). Asks without one are not in the answer.
   */
  async liveReservations(
    asks: { key: number; residentId: string; campaignId: string; kind: string; since: Date | null }[],
    trx: Trx,
  ): Promise<Map<number, string>> {
    if (!asks.length) return new Map();
    const r = await sql<{ key: number; campaign_id: string }>`select q.key, l.campaign_id
      from unnest(${asks.map((a) => a.key)}::int[], ${asks.map((a) => a.residentId)}::uuid[],
        ${asks.map((a) => a.campaignId)}::uuid[], ${asks.map((a) => a.kind)}::text[],
        ${asks.map((a) => a.since)}::timestamptz[]) as q(key, resident_id, campaign_id, kind, since)
      cross join lateral (
        select r.campaign_id from reservations r
        where r.resident_id = q.resident_id and r.status in ('confirmed', 'redeemed')
          and (r.campaign_id = q.campaign_id or (q.since is not null and r.kind = q.kind and r.created_at > q.since))
        order by r.created_at desc limit 1
      ) as l`.execute(trx);
    return new Map(r.rows.map((x) => [x.key, x.campaign_id]));
  }
  /** Takes up to `wanted` places of the slot, as many as are left; answers how many it took. */
  async takePlaces(slotId: string, wanted: number, trx: Trx): Promise<number> {
    const r = await sql<{ took: number }>`update reservation_slots s
      set taken = s.taken + least(${wanted}::int, s.quota - s.taken)
      from (select id, quota - taken as left_ from reservation_slots where id = ${slotId} for update) as cur
      where s.id = cur.id and cur.left_ > 0
      returning least(${wanted}::int, cur.left_) as took`.execute(trx);
    return r.rows[0]?.took ?? 0;
  }
  /**
   * Writes reservations whose places were taken; answers the ids written. A person who already holds
   * one of the campaign (the unique index) is skipped, and the caller gives that place back.
   */
  async insertReservations(rows: Insertable<ReservationsTable>[], trx: Trx): Promise<Set<string>> {
    if (!rows.length) return new Set();
    const r = await trx
      .insertInto('reservations')
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    return new Set(r.map((x) => x.id));
  }
  /**
   * Takes one place of the slot if one is left and writes the reservation, in one statement: the
   * slot row's own check keeps `taken` within the quota. False when none was left.
   */
  async takePlaceAndInsert(row: Insertable<ReservationsTable>, trx: Trx): Promise<boolean> {
    const r = await sql<{ id: string }>`with place as (
        update reservation_slots set taken = taken + 1 where id = ${row.slot_id} and taken < quota returning id
      )
      insert into reservations (id, campaign_id, kind, slot_id, site_id, resident_id, items, status, channel,
        made_by, created_at)
      select ${row.id}, ${row.campaign_id}, ${row.kind}, place.id, ${row.site_id}, ${row.resident_id}, ${row.items},
        ${row.status}, ${row.channel}, ${row.made_by}, ${row.created_at as Date} from place
      returning id`.execute(trx);
    return r.rows.length === 1;
  }
  async releasePlace(slotId: string, trx: Trx, places = 1): Promise<void> {
    await sql`update reservation_slots set taken = greatest(0, taken - ${places}::int) where id = ${slotId}`.execute(
      trx,
    );
  }
  reservation(id: string, trx: Trx = this.db) {
    return trx.selectFrom('reservations').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** The person's reservations and those their proxy made from `madeBy` for others, newest first. */
  reservationsOf(residentId: string, madeBy: string, limit: number) {
    return this.db
      .selectFrom('reservations')
      .selectAll()
      .where((eb) =>
        eb.or([eb('resident_id', '=', residentId), eb.and([eb('channel', '=', 'proxy'), eb('made_by', '=', madeBy)])]),
      )
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
  /** The person's live reservation at a site (a confirmed one before one already picked up). */
  liveAtSite(residentId: string, siteId: string) {
    return this.db
      .selectFrom('reservations')
      .selectAll()
      .where('resident_id', '=', residentId)
      .where('site_id', '=', siteId)
      .where('status', 'in', ['confirmed', 'redeemed'])
      .orderBy(sql`status = 'confirmed'`, 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
  }

  /** Moves a reservation on from `from` only: of two simultaneous scans, one wins. */
  async transition(
    id: string,
    from: ReservationsTable['status'],
    patch: Partial<Insertable<ReservationsTable>>,
    trx: Trx = this.db,
  ): Promise<boolean> {
    const r = await trx
      .updateTable('reservations')
      .set(patch)
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  /** Confirmed reservations whose slot has ended become no-shows; answers how many. */
  async expireNoShows(now: Date): Promise<number> {
    const r = await sql`update reservations r set status = 'expired'
      from reservation_slots s where s.id = r.slot_id and r.status = 'confirmed' and s.ends_at < ${now}`.execute(
      this.db,
    );
    return Number(r.numAffectedRows ?? 0);
  }

  // ---------- entries (lottery registrations, waiting lists) ----------

  async insertEntry(row: Insertable<ReservationEntriesTable>): Promise<void> {
    await this.db.insertInto('reservation_entries').values(row).execute();
  }
  entry(id: string) {
    return this.db.selectFrom('reservation_entries').selectAll().where('id', '=', id).executeTakeFirst();
  }
  entriesOf(residentId: string, limit: number) {
    return this.db
      .selectFrom('reservation_entries')
      .selectAll()
      .where('resident_id', '=', residentId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
  /** Waiting entries per campaign. */
  async waitingCounts(campaignIds: string[]): Promise<Map<string, number>> {
    if (!campaignIds.length) return new Map();
    const rows = await this.db
      .selectFrom('reservation_entries')
      .select(['campaign_id', sql<number>`count(*)::int`.as('n')])
      .where(sql<boolean>`campaign_id = any(${campaignIds}::uuid[])`)
      .where('status', '=', 'waiting')
      .groupBy('campaign_id')
      .execute();
    return new Map(rows.map((r) => [r.campaign_id, r.n]));
  }
  /** How many of the campaign's waiting entries came before this one. */
  async waitingBefore(campaignId: string, entryId: string): Promise<number> {
    const r = await this.db
      .selectFrom('reservation_entries')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('campaign_id', '=', campaignId)
      .where('status', '=', 'waiting')
      .where('id', '<', entryId)
      .executeTakeFirstOrThrow();
    return r.n;
  }
  waitingEntries(campaignId: string, trx: Trx) {
    return trx
      .selectFrom('reservation_entries')
      .selectAll()
      .where('campaign_id', '=', campaignId)
      .where('status', '=', 'waiting')
      .execute();
  }
  decidedEntries(campaignId: string) {
    return this.db
      .selectFrom('reservation_entries')
      .select(['ticket', 'site_id', 'status'])
      .where('campaign_id', '=', campaignId)
      .where('status', 'in', ['won', 'lost'])
      .execute();
  }
  /**
   * Claims the won entries of a campaign not yet told, with where and when their place is: an entry
   * is claimed once, so two workers never send the same notice.
   */
  async claimNotices(campaignId: string, limit: number) {
    const r = await sql<{
      id: string;
      resident_id: string;
      campaign_name: string;
      site_name: string;
      starts_at: Date;
      ends_at: Date;
    }>`
      with claimed as (
        update reservation_entries set notified_at = now()
        where id in (select id from reservation_entries
                     where campaign_id = ${campaignId} and status = 'won' and notified_at is null
                     order by id limit ${limit} for update skip locked)
        returning id, resident_id, reservation_id, campaign_id)
      select c.id, c.resident_id, k.title as campaign_name, s.name as site_name, l.starts_at, l.ends_at
      from claimed c
      join reservations r on r.id = c.reservation_id
      join reservation_campaigns k on k.id = c.campaign_id
      join reservation_sites s on s.id = r.site_id
      join reservation_slots l on l.id = r.slot_id
      order by c.id`.execute(this.db);
    return r.rows;
  }
  /** Gives claims back after a failed send, for the retry. */
  async unclaimNotices(ids: string[]): Promise<void> {
    if (ids.length)
      await this.db.updateTable('reservation_entries').set({ notified_at: null }).where('id', 'in', ids).execute();
  }
  /** The oldest waiting entry, locked for this transaction (another process serving the list skips it). */
  nextWaiting(campaignId: string, trx: Trx) {
    return trx
      .selectFrom('reservation_entries')
      .selectAll()
      .where('campaign_id', '=', campaignId)
      .where('status', '=', 'waiting')
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
  }
  async decideEntries(
    decisions: { id: string; status: 'won' | 'lost'; reservationId: string | null }[],
    trx: Trx,
  ): Promise<void> {
    for (let i = 0; i < decisions.length; i += 2000) {
      const part = decisions.slice(i, i + 2000);
      await sql`update reservation_entries e set status = d.status, reservation_id = d.reservation_id,
          decided_at = now()
        from unnest(${part.map((d) => d.id)}::uuid[], ${part.map((d) => d.status)}::text[],
          ${part.map((d) => d.reservationId)}::uuid[]) as d(id, status, reservation_id)
        where e.id = d.id and e.status = 'waiting'`.execute(trx);
    }
  }
  async withdrawEntry(id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('reservation_entries')
      .set({ status: 'withdrawn', decided_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'waiting')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  /** Marks the lottery drawn with its seed, once: false when it was drawn already. */
  async markDrawn(campaignId: string, seed: string, trx: Trx): Promise<boolean> {
    const r = await trx
      .updateTable('reservation_campaigns')
      .set({ draw_seed: seed, drawn_at: new Date() })
      .where('id', '=', campaignId)
      .where('drawn_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  /** Writes the draw's reservations and the places they take, in a few statements. */
  async insertDrawn(rows: Insertable<ReservationsTable>[], trx: Trx): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000)
      await trx
        .insertInto('reservations')
        .values(rows.slice(i, i + 1000))
        .execute();
    const taken = new Map<string, number>();
    for (const r of rows) taken.set(r.slot_id, (taken.get(r.slot_id) ?? 0) + 1);
    if (taken.size)
      await sql`update reservation_slots s set taken = s.taken + t.n
        from unnest(${[...taken.keys()]}::uuid[], ${[...taken.values()]}::int[]) as t(id, n)
        where s.id = t.id`.execute(trx);
  }
}

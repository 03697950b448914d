import type { TripMode } from '@zhengtong/contracts';
import { sql, type Insertable, type Kysely } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type {
  ContactRow,
  ContactTracingTables,
  TracingCaseLinksTable,
  TracingContactsTable,
  TracingHouseholdTable,
  TracingManifestRowsTable,
  TracingRunsTable,
  TracingTripsTable,
  TracingVisitsTable,
} from './contact-tracing.tables.ts';

export type Trx = Kysely<ContactTracingTables>;

/** A manifest row (under the given alias) counts once its file import is done: never half a manifest. */
const finishedImport = (m: 't' | 'm') =>
  sql.raw(`(${m}.import_id is null
    or exists (select 1 from tracing_imports i where i.id = ${m}.import_id and i.status = 'done'))`);

export class ContactTracingRepository {
  readonly db: Trx;
  constructor(db: Db) {
    this.db = db as Trx;
  }

  // ---------- investigation ----------

  /** Of a case and the duplicate reports merged into it. */
  visits(caseIds: string[]) {
    return this.db
      .selectFrom('tracing_visits')
      .selectAll()
      .where('case_id', 'in', caseIds)
      .orderBy('from_at')
      .orderBy('id')
      .execute();
  }
  /** Inserts visits; a check-in already taken over for the case is skipped. */
  async insertVisits(rows: Insertable<TracingVisitsTable>[], trx: Trx = this.db): Promise<void> {
    if (!rows.length) return;
    await trx
      .insertInto('tracing_visits')
      .values(rows)
      .onConflict((oc) => oc.columns(['case_id', 'check_in_id']).doNothing())
      .execute();
  }
  async deleteVisit(caseId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('tracing_visits')
      .where('case_id', '=', caseId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Of a case and the duplicate reports merged into it. */
  trips(caseIds: string[]) {
    return this.db
      .selectFrom('tracing_trips')
      .selectAll()
      .where('case_id', 'in', caseIds)
      .orderBy('travel_date')
      .orderBy('id')
      .execute();
  }
  trip(caseId: string, id: string) {
    return this.db
      .selectFrom('tracing_trips')
      .selectAll()
      .where('case_id', '=', caseId)
      .where('id', '=', id)
      .executeTakeFirst();
  }
  async insertTrip(row: Insertable<TracingTripsTable>): Promise<void> {
    await this.db.insertInto('tracing_trips').values(row).execute();
  }
  async setTripPublished(id: string, at: Date | null): Promise<void> {
    await this.db.updateTable('tracing_trips').set({ published_at: at }).where('id', '=', id).execute();
  }
  async deleteTrip(caseId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('tracing_trips')
      .where('case_id', '=', caseId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  /** Trips the CDC published, by number and date (the public co-traveller query). */
  publishedTrips(number: string, date: string) {
    return this.db
      .selectFrom('tracing_trips')
      .select(['mode', 'number', 'travel_date', 'carriage', 'from_station', 'to_station', 'published_at'])
      .where('number', '=', number)
      .where('travel_date', '=', date)
      .where('published_at', 'is not', null)
      .orderBy('carriage')
      .execute();
  }

  /** Of a case and the duplicate reports merged into it. */
  household(caseIds: string[]) {
    return this.db
      .selectFrom('tracing_household')
      .selectAll()
      .where('case_id', 'in', caseIds)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }
  async insertHousehold(row: Insertable<TracingHouseholdTable>): Promise<void> {
    await this.db.insertInto('tracing_household').values(row).execute();
  }
  async deleteHousehold(caseId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('tracing_household')
      .where('case_id', '=', caseId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  linksOf(caseId: string) {
    return this.db
      .selectFrom('tracing_case_links')
      .selectAll()
      .where((eb) => eb.or([eb('source_case_id', '=', caseId), eb('target_case_id', '=', caseId)]))
      .orderBy('created_at')
      .execute();
  }
  /** Inserts a link unless the pair is linked already (either way round); answers whether it did. */
  async insertLink(row: Insertable<TracingCaseLinksTable>, trx: Trx = this.db): Promise<boolean> {
    const existing = await trx
      .selectFrom('tracing_case_links')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('source_case_id', '=', row.source_case_id), eb('target_case_id', '=', row.target_case_id)]),
          eb.and([eb('source_case_id', '=', row.target_case_id), eb('target_case_id', '=', row.source_case_id)]),
        ]),
      )
      .executeTakeFirst();
    if (existing) return false;
    await trx.insertInto('tracing_case_links').values(row).execute();
    return true;
  }
  async deleteLink(caseId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('tracing_case_links')
      .where('id', '=', id)
      .where((eb) => eb.or([eb('source_case_id', '=', caseId), eb('target_case_id', '=', caseId)]))
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  investigation(caseId: string) {
    return this.db.selectFrom('tracing_investigations').selectAll().where('case_id', '=', caseId).executeTakeFirst();
  }
  async saveInvestigation(caseId: string, at: Date, ms: number, trx: Trx): Promise<void> {
    await trx
      .insertInto('tracing_investigations')
      .values({ case_id: caseId, last_discovery_at: at, discovery_ms: ms })
      .onConflict((oc) => oc.column('case_id').doUpdateSet({ last_discovery_at: at, discovery_ms: ms }))
      .execute();
  }

  // ---------- transmission chains ----------

  /** Every link between cases (one row per known transmission; a small table). */
  allLinks() {
    return this.db.selectFrom('tracing_case_links').select(['source_case_id', 'target_case_id']).execute();
  }
  /** Contacts per case found by the end of `until`, not cleared and not cases themselves. */
  contactCounts(until: Date) {
    return this.db
      .selectFrom('tracing_contacts')
      .select(['case_id', sql<number>`count(*)::int`.as('n')])
      .where('status', 'in', ['pending', 'active'])
      .where('identified_at', '<=', until)
      .groupBy('case_id')
      .execute();
  }
  contactsOfCases(caseIds: string[], until: Date) {
    if (!caseIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('tracing_contacts')
      .select(['id', 'case_id', 'level', 'name_masked', 'resident_id', 'region_code', 'identified_at'])
      .where('case_id', 'in', caseIds)
      .where('status', 'in', ['pending', 'active'])
      .where('identified_at', '<=', until)
      .orderBy('id')
      .execute();
  }

  // ---------- exports ----------

  /** Contacts of these cases in id order, a page after `after` (cleared ones are left out). */
  exportPage(caseIds: string[], after: string | null, limit: number) {
    let q = this.db
      .selectFrom('tracing_contacts')
      .selectAll()
      .where(sql<boolean>`case_id = any(${caseIds}::uuid[])`)
      .where('status', '<>', 'cleared')
      .orderBy('id')
      .limit(limit);
    if (after) q = q.where('id', '>', after);
    return q.execute();
  }
  async countForExport(caseIds: string[]): Promise<number> {
    const r = await this.db
      .selectFrom('tracing_contacts')
      .select(sql<number>`count(*)::int`.as('n'))
      .where(sql<boolean>`case_id = any(${caseIds}::uuid[])`)
      .where('status', '<>', 'cleared')
      .executeTakeFirstOrThrow();
    return r.n;
  }
  manifestPersons(ids: number[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db.selectFrom('tracing_manifest_rows').select(['id', 'person_enc']).where('id', 'in', ids).execute();
  }
  householdByIds(ids: string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db.selectFrom('tracing_household').selectAll().where('id', 'in', ids).execute();
  }

  // ---------- batch runs ----------

  run(id: string) {
    return this.db.selectFrom('tracing_runs').selectAll().where('id', '=', id).executeTakeFirst();
  }
  runsWithin(regionPrefix: string, limit: number) {
    return this.db
      .selectFrom('tracing_runs')
      .selectAll()
      .where('region_code', 'like', `${regionPrefix}%`)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }
  async updateRun(id: string, patch: Partial<Omit<Insertable<TracingRunsTable>, 'id'>>): Promise<void> {
    await this.db.updateTable('tracing_runs').set(patch).where('id', '=', id).execute();
  }

  // ---------- manifests ----------

  async insertManifestRows(rows: Insertable<TracingManifestRowsTable>[], trx: Trx = this.db): Promise<void> {
    // 11 parameters a row: statements stay well below what the embedded database accepts.
    for (let i = 0; i < rows.length; i += 2000)
      await trx
        .insertInto('tracing_manifest_rows')
        .values(rows.slice(i, i + 2000))
        .execute();
  }
  async countManifestRows(): Promise<number> {
    const r = await sql<{ n: number }>`select count(*)::int as n from tracing_manifest_rows`.execute(this.db);
    return r.rows[0]!.n;
  }
  /** Passengers of trips, one query for all of a case's trips. */
  async passengers(trips: { key: number; mode: string; number: string; date: string; carriage: number | null }[]) {
    if (!trips.length) return [];
    const values = sql.join(
      trips.map((t) => sql`(${t.key}::int, ${t.mode}::text, ${t.number}::text, ${t.date}::date, ${t.carriage}::int)`),
    );
    const r = await sql<{
      key: number;
      id: number;
      carriage: number | null;
      seat_row: number | null;
      name_masked: string;
      id_number_bidx: string;
      id_number_masked: string;
    }>`
      select t.key, m.id, m.carriage, m.seat_row, m.name_masked, m.id_number_bidx, m.id_number_masked
      from (values ${values}) as t(key, mode, number, travel_date, carriage)
      join tracing_manifest_rows m
        on m.number = t.number and m.travel_date = t.travel_date and m.mode = t.mode
       and (t.carriage is null or m.carriage = t.carriage)
       and ${finishedImport('m')}`.execute(this.db);
    return r.rows;
  }

  /**
   * Passengers seated within `trainRows` rows in the same carriage, or `flightRows` rows on the same
   * flight, of these people (by ID-number blind index) on trips they took on or after a date each, from
   * finished manifests: the neighbours are found by the database, not whole carriages read and sifted.
   */
  async neighboursOnTrips(
    people: { key: number; bidx: string; since: string }[],
    rows: { trainRows: number; flightRows: number },
  ) {
    if (!people.length) return [];
    const values = sql.join(people.map((p) => sql`(${p.key}::int, ${p.bidx}::text, ${p.since}::date)`));
    const r = await sql<{
      key: number;
      mode: TripMode;
      number: string;
      travel_date: string;
      carriage: number | null;
      seat: string | null;
      seat_row: number | null;
      id: number;
      other_carriage: number | null;
      other_seat_row: number | null;
      name_masked: string;
      id_number_bidx: string;
      id_number_masked: string;
    }>`
      with q(key, bidx, since) as (values ${values}),
      t as (
        select q.key, t.mode, t.number, t.travel_date, t.carriage, t.seat, t.seat_row, t.id_number_bidx
        from q join tracing_manifest_rows t on t.id_number_bidx = q.bidx and t.travel_date >= q.since
          and t.mode in ('train', 'flight') and t.seat_row is not null and ${finishedImport('t')}
      )
      -- A train's neighbours are in its carriage: the trip index finds the carriage, not the whole train.
      select t.key, t.mode, t.number, t.travel_date, t.carriage, t.seat, t.seat_row,
        m.id, m.carriage as other_carriage, m.seat_row as other_seat_row, m.name_masked, m.id_number_bidx,
        m.id_number_masked
      from t join tracing_manifest_rows m on m.number = t.number and m.travel_date = t.travel_date
        and m.carriage = t.carriage and m.mode = 'train' and m.id_number_bidx <> t.id_number_bidx
        and m.seat_row between t.seat_row - ${rows.trainRows}::int and t.seat_row + ${rows.trainRows}::int
        and ${finishedImport('m')}
      where t.mode = 'train'
      union all
      select t.key, t.mode, t.number, t.travel_date, t.carriage, t.seat, t.seat_row,
        m.id, m.carriage as other_carriage, m.seat_row as other_seat_row, m.name_masked, m.id_number_bidx,
        m.id_number_masked
      from t join tracing_manifest_rows m on m.number = t.number and m.travel_date = t.travel_date
        and m.mode = 'flight' and m.id_number_bidx <> t.id_number_bidx
        and m.seat_row between t.seat_row - ${rows.flightRows}::int and t.seat_row + ${rows.flightRows}::int
        and ${finishedImport('m')}
      where t.mode = 'flight'`.execute(this.db);
    return r.rows;
  }

  /** Cases that took any of these trips. */
  async casesOnTrips(trips: { number: string; date: string }[]): Promise<string[]> {
    if (!trips.length) return [];
    const values = sql.join(trips.map((t) => sql`(${t.number}::text, ${t.date}::date)`));
    const r = await sql<{ case_id: string }>`
      select distinct t.case_id from tracing_trips t
      join (values ${values}) as q(number, travel_date) on q.number = t.number and q.travel_date = t.travel_date`.execute(
      this.db,
    );
    return r.rows.map((x) => x.case_id);
  }

  // ---------- contacts ----------

  /**
   * One discovery of a case at a time: two at once (two processes, a lab result and an import) each
   * read no contacts yet and both inserted them, and the second broke the one-row-per-person index.
   */
  async lockCase(caseId: string, trx: Trx): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`tracing:${caseId}`}, 0))`.execute(trx);
  }
  contactsOfCase(caseId: string, trx: Trx = this.db) {
    return trx.selectFrom('tracing_contacts').selectAll().where('case_id', '=', caseId).execute();
  }
  async insertContacts(rows: Insertable<TracingContactsTable>[], trx: Trx): Promise<void> {
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto('tracing_contacts')
        .values(rows.slice(i, i + 500))
        .execute();
  }
  async updateContact(
    id: string,
    patch: Partial<Omit<Insertable<TracingContactsTable>, 'id' | 'case_id' | 'person_key'>>,
    trx: Trx,
  ): Promise<void> {
    await trx
      .updateTable('tracing_contacts')
      .set({ ...patch, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }
  contact(id: string) {
    return this.db.selectFrom('tracing_contacts').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** Contacts of a case, strongest first. */
  contactsPage(q: { caseId?: string; regionPrefix?: string; level?: string; limit: number; after?: string }) {
    let query = this.db
      .selectFrom('tracing_contacts')
      .selectAll()
      .where('status', '<>', 'cleared')
      .orderBy('id', 'desc')
      .limit(q.limit);
    if (q.caseId) query = query.where('case_id', '=', q.caseId);
    if (q.regionPrefix) {
      const like = `${q.regionPrefix}%`;
      query = query.where((eb) =>
        eb.or([
          eb('region_code', 'like', like),
          eb.and([eb('region_code', 'is', null), eb('case_region_code', 'like', like)]),
        ]),
      );
    }
    if (q.level) query = query.where('level', '=', q.level as ContactRow['level']);
    if (q.after) query = query.where('id', '<', q.after);
    return query.execute();
  }
  async countContacts(caseId: string): Promise<{ close: number; secondary: number }> {
    const rows = await this.db
      .selectFrom('tracing_contacts')
      .select(['level', sql<number>`count(*)::int`.as('n')])
      .where('case_id', '=', caseId)
      .where('status', '<>', 'cleared')
      .groupBy('level')
      .execute();
    const by = new Map(rows.map((r) => [r.level, r.n]));
    return { close: by.get('close') ?? 0, secondary: by.get('secondary') ?? 0 };
  }
  /** Every contact record of these residents that is still in force (across cases). */
  activeContactsOf(residentIds: string[], trx: Trx = this.db) {
    if (!residentIds.length) return Promise.resolve([]);
    return trx
      .selectFrom('tracing_contacts')
      .selectAll()
      .where(sql<boolean>`resident_id = any(${residentIds}::uuid[])`)
      .where('status', '=', 'active')
      .execute();
  }
  /** Contacts, not yet cases, that match a newly reported person. */
  openContactsOfPerson(keys: string[], trx: Trx = this.db) {
    if (!keys.length) return Promise.resolve([]);
    return trx
      .selectFrom('tracing_contacts')
      .selectAll()
      .where('person_key', 'in', keys)
      .where('status', 'in', ['pending', 'active'])
      .execute();
  }
}

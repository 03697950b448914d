import { sql, type Insertable, type Kysely } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { CheckInsTable, CheckInTables, PlacesTable } from './check-in.tables.ts';

export class CheckInRepository {
  readonly db: Kysely<CheckInTables>;
  constructor(db: Db) {
    this.db = db as Kysely<CheckInTables>;
  }

  async insertPlace(row: Insertable<PlacesTable>): Promise<void> {
    await this.db.insertInto('places').values(row).execute();
  }
  async insertPlaces(rows: Insertable<PlacesTable>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 5000)
      await this.db
        .insertInto('places')
        .values(rows.slice(i, i + 5000))
        .execute();
  }
  place(id: string) {
    return this.db.selectFrom('places').selectAll().where('id', '=', id).executeTakeFirst();
  }
  placeByCode(code: string) {
    return this.db.selectFrom('places').selectAll().where('code', '=', code).executeTakeFirst();
  }
  async anyPlace(): Promise<boolean> {
    return !!(await this.db.selectFrom('places').select('id').limit(1).executeTakeFirst());
  }
  placesOwnedBy(ownerId: string) {
    return this.db.selectFrom('places').selectAll().where('owner_id', '=', ownerId).orderBy('id', 'desc').execute();
  }
  placesWithin(regionPrefix: string, limit: number, after?: string) {
    let q = this.db
      .selectFrom('places')
      .selectAll()
      .where('region_code', 'like', `${regionPrefix}%`)
      .orderBy('id', 'desc')
      .limit(limit);
    if (after) q = q.where('id', '<', after);
    return q.execute();
  }
  async countsSince(placeIds: string[], since: Date): Promise<Map<string, number>> {
    if (!placeIds.length) return new Map();
    const rows = await this.db
      .selectFrom('check_ins')
      .select(['place_id', sql<number>`count(*)::int`.as('n')])
      .where('place_id', 'in', placeIds)
      .where('at', '>=', since)
      .groupBy('place_id')
      .execute();
    return new Map(rows.map((r) => [r.place_id!, r.n]));
  }
  async setPlaceActive(id: string, active: boolean): Promise<void> {
    await this.db.updateTable('places').set({ active }).where('id', '=', id).execute();
  }

  /** Columns as arrays: one statement of eight parameters, however many rows. */
  async insertCheckIns(rows: Insertable<CheckInsTable>[]): Promise<void> {
    if (!rows.length) return;
    await sql`insert into check_ins (id, subject, place_id, region_code, at, colour, method, recorded_by)
      select * from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.subject)}::text[],
        ${rows.map((r) => r.place_id ?? null)}::uuid[], ${rows.map((r) => r.region_code)}::text[],
        ${rows.map((r) => new Date(r.at as Date).toISOString())}::timestamptz[], ${rows.map((r) => r.colour)}::text[],
        ${rows.map((r) => r.method)}::text[], ${rows.map((r) => r.recorded_by ?? null)}::text[])`.execute(this.db);
  }
  async countCheckIns(): Promise<number> {
    const r = await sql<{ n: number }>`select count(*)::int as n from check_ins`.execute(this.db);
    return r.rows[0]!.n;
  }
  checkInsOf(subject: string, limit: number, before?: string) {
    let q = this.db
      .selectFrom('check_ins')
      .leftJoin('places', 'places.id', 'check_ins.place_id')
      .select([
        'check_ins.id',
        'check_ins.at',
        'check_ins.colour',
        'check_ins.method',
        'places.code as place_code',
        'places.name as place_name',
        'places.address as place_address',
      ])
      .where('check_ins.subject', '=', subject)
      .orderBy('check_ins.at', 'desc')
      .orderBy('check_ins.id', 'desc')
      .limit(limit);
    if (before) q = q.where('check_ins.id', '<', before);
    return q.execute();
  }
  /** Check-ins at each place within its time range, by one query over all the windows. */
  async presentAt(windows: { key: number; placeId: string; from: Date; to: Date }[]) {
    if (!windows.length) return [];
    const values = sql.join(
      windows.map((w) => sql`(${w.key}::int, ${w.placeId}::uuid, ${w.from}::timestamptz, ${w.to}::timestamptz)`),
    );
    const r = await sql<{ key: number; id: string; subject: string; at: Date }>`
      select w.key, c.id, c.subject, c.at
      from (values ${values}) as w(key, place_id, lo, hi)
      join check_ins c on c.place_id = w.place_id and c.at between w.lo and w.hi`.execute(this.db);
    return r.rows;
  }
  /** A subject's check-ins at registered places in a period, oldest first. */
  visitsOf(subject: string, from: Date, to: Date) {
    return this.db
      .selectFrom('check_ins')
      .innerJoin('places', 'places.id', 'check_ins.place_id')
      .select(['check_ins.id', 'check_ins.at', 'places.id as place_id'])
      .where('check_ins.subject', '=', subject)
      .where('check_ins.at', '>=', from)
      .where('check_ins.at', '<=', to)
      .orderBy('check_ins.at')
      .execute();
  }
  /** Several subjects' check-ins at registered places, each from its own time on, by one query. */
  async visitsOfMany(from: { subject: string; since: Date }[], to: Date) {
    if (!from.length) return [];
    const r = await sql<{ subject: string; id: string; at: Date; place_id: string }>`
      select c.subject, c.id, c.at, c.place_id
      from unnest(${from.map((f) => f.subject)}::text[], ${from.map((f) => f.since.toISOString())}::timestamptz[])
        as w(subject, since)
      join check_ins c on c.subject = w.subject and c.at >= w.since and c.at <= ${to}
      where c.place_id is not null
      order by c.subject, c.at`.execute(this.db);
    return r.rows;
  }
  /** Active places whose name or address contains the text, or whose code is it. */
  searchPlaces(q: string, limit: number) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.db
      .selectFrom('places')
      .selectAll()
      .where('active', '=', true)
      .where((eb) => eb.or([eb('name', 'like', like), eb('address', 'like', like), eb('code', '=', q.toUpperCase())]))
      .orderBy('name')
      .limit(limit)
      .execute();
  }
  placesByIds(ids: string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db
      .selectFrom('places')
      .selectAll()
      .where(sql<boolean>`id = any(${ids}::uuid[])`)
      .execute();
  }
  async deleteCheckInsOf(subject: string): Promise<number> {
    const r = await this.db.deleteFrom('check_ins').where('subject', '=', subject).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
  async purgeCheckIns(cutoff: Date): Promise<number> {
    const r = await this.db.deleteFrom('check_ins').where('at', '<', cutoff).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

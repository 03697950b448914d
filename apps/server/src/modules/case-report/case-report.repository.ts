import { sql, type Insertable, type Kysely } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { StatDelta } from './case-report.stats.ts';
import type {
  CaseClassificationsTable,
  CaseReportTables,
  CaseSamplesTable,
  CaseSource,
  CasesTable,
} from './case-report.tables.ts';

export type Trx = Kysely<CaseReportTables>;

export class CaseReportRepository {
  readonly db: Trx;
  constructor(db: Db) {
    this.db = db as Trx;
  }

  async insertCase(row: Insertable<CasesTable>, trx: Trx): Promise<void> {
    await trx.insertInto('cases').values(row).execute();
  }
  async insertClassification(row: Insertable<CaseClassificationsTable>, trx: Trx): Promise<void> {
    await trx.insertInto('case_classifications').values(row).execute();
  }
  caseById(id: string, trx: Trx = this.db) {
    return trx.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  }
  history(caseId: string, trx: Trx = this.db) {
    return trx
      .selectFrom('case_classifications')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('at')
      .orderBy('id')
      .execute();
  }
  async insertSample(row: Insertable<CaseSamplesTable>): Promise<void> {
    await this.db.insertInto('case_samples').values(row).execute();
  }
  samples(caseId: string) {
    return this.db
      .selectFrom('case_samples')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('collected_at')
      .orderBy('id')
      .execute();
  }
  sample(id: string) {
    return this.db.selectFrom('case_samples').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** Records a result once; answers whether this call recorded it. */
  async recordResult(id: string, result: 'positive' | 'negative', trx: Trx): Promise<boolean> {
    const r = await trx
      .updateTable('case_samples')
      .set({ result, result_at: sql`now()` })
      .where('id', '=', id)
      .where('result', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  casesByIds(ids: string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db.selectFrom('cases').selectAll().where('id', 'in', ids).execute();
  }
  /** Every case in a region that was not excluded, up to `limit` (transmission chains). */
  casesForChains(regionPrefix: string, limit: number) {
    return this.db
      .selectFrom('cases')
      .selectAll()
      .where('region_code', 'like', `${regionPrefix}%`)
      .where('merged_into', 'is', null)
      .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', '<>', 'excluded')]))
      .orderBy('id')
      .limit(limit)
      .execute();
  }
  /** Open cases of these classifications in a region, oldest first (a batch tracing run). */
  async openCaseIds(regionPrefix: string, classifications: string[], limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('cases')
      .select('id')
      .where('region_code', 'like', `${regionPrefix}%`)
      .where('merged_into', 'is', null)
      .where('outcome', 'is', null)
      .where('classification', 'in', classifications as CasesTable['classification'][])
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }
  /** Open cases of residents (a contact reported as a case later). */
  casesOfResident(residentId: string) {
    return this.db.selectFrom('cases').selectAll().where('resident_id', '=', residentId).orderBy('id').execute();
  }

  /** A page of a region's cases for an export, in id order; merged duplicates are left out. */
  exportPage(regionPrefix: string, after: string | null, limit: number) {
    let q = this.db
      .selectFrom('cases')
      .selectAll()
      .where('region_code', 'like', `${regionPrefix}%`)
      .where('merged_into', 'is', null)
      .orderBy('id')
      .limit(limit);
    if (after) q = q.where('id', '>', after);
    return q.execute();
  }
  async countForExport(regionPrefix: string): Promise<number> {
    const r = await this.db
      .selectFrom('cases')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('region_code', 'like', `${regionPrefix}%`)
      .where('merged_into', 'is', null)
      .executeTakeFirstOrThrow();
    return r.n;
  }
  samplesOf(caseIds: string[]) {
    if (!caseIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('case_samples')
      .selectAll()
      .where('case_id', 'in', caseIds)
      .orderBy('collected_at')
      .execute();
  }

  /** Reports merged into a case. */
  duplicatesOf(caseId: string) {
    return this.db.selectFrom('cases').selectAll().where('merged_into', '=', caseId).orderBy('id').execute();
  }
  /**
   * Pairs of open, unmerged reports in a region that share an identifier, by one indexed join per
   * identifier; the service decides which pairs are worth suggesting and says why.
   */
  async duplicatePairs(regionPrefix: string, limit: number): Promise<{ a: string; b: string }[]> {
    const keys = ['id_number_bidx', 'resident_id', 'name_sound_bidx', 'birth_bidx', 'phone_bidx', 'address_bidx'];
    const open = sql`merged_into is null and (outcome is null or outcome <> 'excluded') and region_code like ${`${regionPrefix}%`}`;
    const joins = keys.map(
      (k) => sql`select a.id as a, b.id as b from (select * from cases where ${open}) a
        join (select * from cases where ${open}) b on a.${sql.ref(k)} = b.${sql.ref(k)} and a.id < b.id`,
    );
    const r = await sql<{ a: string; b: string }>`
      select distinct p.a, p.b from (${sql.join(joins, sql` union all `)}) p
      where not exists (select 1 from case_merge_dismissals d where d.case_a = p.a and d.case_b = p.b)
      order by p.b desc limit ${limit}`.execute(this.db);
    return r.rows;
  }
  async dismissPair(a: string, b: string, byLabel: string): Promise<void> {
    const [x, y] = a < b ? [a, b] : [b, a];
    await this.db
      .insertInto('case_merge_dismissals')
      .values({ case_a: x, case_b: y, by_label: byLabel })
      .onConflict((oc) => oc.columns(['case_a', 'case_b']).doNothing())
      .execute();
  }

  /** Adds to the daily counters (an upsert per counter, inside the caller's transaction). */
  async bumpStats(deltas: StatDelta[], trx: Trx): Promise<void> {
    for (const d of deltas)
      await trx
        .insertInto('case_daily_stats')
        .values({
          day: d.day,
          district_code: d.districtCode,
          classification: d.classification,
          source: d.source,
          entered: d.entered,
          left: d.left,
        })
        .onConflict((oc) =>
          oc.columns(['day', 'district_code', 'classification', 'source']).doUpdateSet({
            entered: sql`case_daily_stats.entered + excluded.entered`,
            left: sql`case_daily_stats.left + excluded.left`,
          }),
        )
        .execute();
  }
  /** Counters of a region's districts between two days. */
  statsWithin(regionPrefix: string, from: string, to: string) {
    return this.db
      .selectFrom('case_daily_stats')
      .selectAll()
      .where('district_code', 'like', `${regionPrefix.slice(0, 6)}%`)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .orderBy('day')
      .execute();
  }
  /** Cases in each classification before a day, per district and source: where running totals start. */
  statsBefore(regionPrefix: string, day: string) {
    return this.db
      .selectFrom('case_daily_stats')
      .select([
        'district_code',
        'classification',
        'source',
        sql<number>`sum(entered - "left")::int`.as('current'),
        sql<number>`sum(entered)::int`.as('entered'),
      ])
      .where('district_code', 'like', `${regionPrefix.slice(0, 6)}%`)
      .where('day', '<', day)
      .groupBy(['district_code', 'classification', 'source'])
      .execute();
  }

  /** Cases in a region, newest report first; `overdueAfterMs` keeps only late reports. */
  casesWithin(q: { regionPrefix: string; limit: number; before?: string; overdueAfterMs?: number }) {
    let query = this.db
      .selectFrom('cases')
      .selectAll()
      .where('region_code', 'like', `${q.regionPrefix}%`)
      .where('merged_into', 'is', null)
      .orderBy('id', 'desc')
      .limit(q.limit);
    if (q.before) query = query.where('id', '<', q.before);
    if (q.overdueAfterMs !== undefined)
      query = query.where(sql<boolean>`reported_at - diagnosed_at > ${`${q.overdueAfterMs / 1000} seconds`}::interval`);
    return query.execute();
  }
  async updateCase(
    id: string,
    patch: Partial<Pick<CasesTable, 'classification' | 'outcome' | 'outcome_at' | 'source_note'>> & {
      source?: CaseSource;
      merged_into?: string | null;
      merged_at?: Date | null;
      merged_by?: string | null;
    },
    trx: Trx,
  ): Promise<void> {
    await trx
      .updateTable('cases')
      .set({ ...patch, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }
}

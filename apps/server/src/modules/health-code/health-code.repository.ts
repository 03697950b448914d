import { sql, type Insertable, type Kysely } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type {
  HealthCodeTables,
  HealthDeclarationsTable,
  HealthProxiesTable,
  HealthRuleSetsTable,
  HealthSubjectsTable,
  SubjectRow,
} from './health-code.tables.ts';

type Trx = Kysely<HealthCodeTables>;
const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

export class HealthCodeRepository {
  readonly db: Trx;
  constructor(db: Db) {
    this.db = db as Trx;
  }

  // subjects
  subject(residentId: string, trx: Trx = this.db) {
    return trx.selectFrom('health_subjects').selectAll().where('resident_id', '=', residentId).executeTakeFirst();
  }
  subjectForUpdate(residentId: string, trx: Trx) {
    return trx
      .selectFrom('health_subjects')
      .selectAll()
      .where('resident_id', '=', residentId)
      .forUpdate()
      .executeTakeFirst();
  }
  async insertSubject(row: Insertable<HealthSubjectsTable>, trx: Trx): Promise<void> {
    await trx
      .insertInto('health_subjects')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  async updateSubject(
    residentId: string,
    patch: Partial<Omit<SubjectRow, 'resident_id' | 'pseudonym' | 'updated_at'>>,
    trx: Trx = this.db,
  ): Promise<void> {
    await trx
      .updateTable('health_subjects')
      .set({ ...patch, updated_at: sql`now()` })
      .where('resident_id', '=', residentId)
      .execute();
  }
  /** Subjects created green on first use, many at once; existing ones are left alone. */
  async insertSubjects(rows: Insertable<HealthSubjectsTable>[], trx: Trx): Promise<void> {
    if (rows.length)
      await trx
        .insertInto('health_subjects')
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();
  }
  /** Many subjects locked for the transaction, in key order so two batches never lock in a cycle. */
  subjectsForUpdate(residentIds: string[], trx: Trx) {
    return trx
      .selectFrom('health_subjects')
      .selectAll()
      .where(sql<boolean>`resident_id = any(${residentIds}::uuid[])`)
      .orderBy('resident_id')
      .forUpdate()
      .execute();
  }
  /** Writes new facts and colours of many subjects in one statement. */
  async updateFactsAndColours(
    rows: {
      residentId: string;
      factsEnc: string;
      colour: string;
      ruleSetId: string | null;
      ruleId: string | null;
      greenAt: Date | null;
    }[],
    trx: Trx,
  ): Promise<void> {
    if (!rows.length) return;
    await sql`update health_subjects s set facts_enc = v.facts_enc, colour = v.colour, rule_set_id = v.rule_set_id,
      rule_id = v.rule_id, green_at = v.green_at, updated_at = now()
      from unnest(${rows.map((r) => r.residentId)}::uuid[], ${rows.map((r) => r.factsEnc)}::text[],
        ${rows.map((r) => r.colour)}::text[], ${rows.map((r) => r.ruleSetId)}::uuid[], ${rows.map((r) => r.ruleId)}::text[],
        ${rows.map((r) => r.greenAt?.toISOString() ?? null)}::timestamptz[])
        as v(resident_id, facts_enc, colour, rule_set_id, rule_id, green_at)
      where s.resident_id = v.resident_id`.execute(trx);
  }
  /** A batch of subjects in a region, in key order, for recomputation. */
  subjectsWithin(regionPrefix: string, after: string | null, limit: number) {
    let q = this.db
      .selectFrom('health_subjects')
      .selectAll()
      .where('region_code', 'like', `${regionPrefix}%`)
      .orderBy('resident_id')
      .limit(limit);
    if (after) q = q.where('resident_id', '>', after);
    return q.execute();
  }
  /** Residents whose colour is due to return to green by now. */
  dueForGreen(now: Date, limit: number) {
    return this.db
      .selectFrom('health_subjects')
      .select(['resident_id', 'region_code'])
      .where('green_at', '<=', now)
      .orderBy('green_at')
      .limit(limit)
      .execute();
  }
  /** Writes recomputed colours of many subjects in one statement. */
  async updateColours(
    rows: {
      residentId: string;
      colour: string;
      ruleSetId: string | null;
      ruleId: string | null;
      greenAt: Date | null;
    }[],
  ): Promise<void> {
    if (!rows.length) return;
    const values = sql.join(
      rows.map(
        (r) =>
          sql`(${r.residentId}::uuid, ${r.colour}, ${r.ruleSetId}::uuid, ${r.ruleId}, ${r.greenAt ? r.greenAt.toISOString() : null}::timestamptz)`,
      ),
    );
    await sql`update health_subjects s set colour = v.colour, rule_set_id = v.rule_set_id, rule_id = v.rule_id,
      green_at = v.green_at, updated_at = now()
      from (values ${values}) as v(resident_id, colour, rule_set_id, rule_id, green_at)
      where s.resident_id = v.resident_id`.execute(this.db);
  }
  async countSubjects(regionPrefix: string): Promise<number> {
    const r = await this.db
      .selectFrom('health_subjects')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('region_code', 'like', `${regionPrefix}%`)
      .executeTakeFirstOrThrow();
    return r.n;
  }

  // declarations
  async insertDeclaration(row: Insertable<HealthDeclarationsTable>, trx: Trx): Promise<void> {
    await trx.insertInto('health_declarations').values(row).execute();
  }
  declarationsOf(residentId: string, limit: number) {
    return this.db
      .selectFrom('health_declarations')
      .selectAll()
      .where('resident_id', '=', residentId)
      .orderBy('declared_at', 'desc')
      .limit(limit)
      .execute();
  }
  async deleteDeclarationsOf(residentId: string, trx: Trx): Promise<number> {
    const r = await trx.deleteFrom('health_declarations').where('resident_id', '=', residentId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
  async deleteSubject(residentId: string): Promise<void> {
    await this.db.deleteFrom('health_subjects').where('resident_id', '=', residentId).execute();
  }
  async purgeDeclarations(cutoff: Date): Promise<number> {
    const r = await this.db.deleteFrom('health_declarations').where('declared_at', '<', cutoff).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // proxies
  activeProxiesOf(holderId: string) {
    return this.db
      .selectFrom('health_proxies')
      .selectAll()
      .where('holder_id', '=', holderId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .execute();
  }
  activeProxy(id: string) {
    return this.db
      .selectFrom('health_proxies')
      .selectAll()
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  }
  /** Inserts unless the holder already holds this person; answers whether it did. */
  async insertProxy(row: Insertable<HealthProxiesTable>): Promise<boolean> {
    const r = await this.db
      .insertInto('health_proxies')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  async revokeProxy(id: string): Promise<void> {
    await this.db
      .updateTable('health_proxies')
      .set({ revoked_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }
  pseudonymsOf(residentIds: string[]) {
    if (!residentIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('health_subjects')
      .select(['pseudonym', 'resident_id'])
      .where(sql<boolean>`resident_id = any(${residentIds}::uuid[])`)
      .execute();
  }
  residentsOfPseudonyms(pseudonyms: string[]) {
    if (!pseudonyms.length) return Promise.resolve([]);
    return this.db
      .selectFrom('health_subjects')
      .select(['pseudonym', 'resident_id'])
      .where(sql<boolean>`pseudonym = any(${pseudonyms}::text[])`)
      .execute();
  }
  subjectByPseudonym(pseudonym: string) {
    return this.db.selectFrom('health_subjects').selectAll().where('pseudonym', '=', pseudonym).executeTakeFirst();
  }

  // rule sets
  publishedRuleSets() {
    return this.db.selectFrom('health_rule_sets').selectAll().where('status', '=', 'published').execute();
  }
  ruleSet(id: string, trx: Trx = this.db) {
    return trx.selectFrom('health_rule_sets').selectAll().where('id', '=', id).executeTakeFirst();
  }
  ruleSetsWithin(regionPrefix: string, limit: number) {
    return this.db
      .selectFrom('health_rule_sets')
      .selectAll()
      .where('region_code', 'like', `${regionPrefix}%`)
      .orderBy('region_code')
      .orderBy('version', 'desc')
      .limit(limit)
      .execute();
  }
  async nextVersion(regionCode: string, trx: Trx): Promise<number> {
    const r = await trx
      .selectFrom('health_rule_sets')
      .select(sql<number>`coalesce(max(version), 0)::int + 1`.as('v'))
      .where('region_code', '=', regionCode)
      .executeTakeFirstOrThrow();
    return r.v;
  }
  async insertRuleSet(row: Insertable<HealthRuleSetsTable>, trx: Trx): Promise<void> {
    await trx
      .insertInto('health_rule_sets')
      .values({ ...row, body: json(row.body) as never })
      .execute();
  }
  async updateDraft(id: string, body: unknown, note: string, trx: Trx = this.db): Promise<void> {
    await trx
      .updateTable('health_rule_sets')
      .set({ body: json(body) as never, note })
      .where('id', '=', id)
      .where('status', '=', 'draft')
      .execute();
  }
  async publish(id: string, regionCode: string, by: string, trx: Trx): Promise<void> {
    await trx
      .updateTable('health_rule_sets')
      .set({ status: 'superseded' })
      .where('region_code', '=', regionCode)
      .where('status', '=', 'published')
      .execute();
    await trx
      .updateTable('health_rule_sets')
      .set({ status: 'published', published_by: by, published_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }
}

import { sql, type Insertable, type Kysely } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { HealthAppealsTable, HealthCodeTables, HealthOverridesTable } from './health-code.tables.ts';

type OverrideStatus = HealthOverridesTable['status'];

type Trx = Kysely<HealthCodeTables>;

/** SQL of appeals (申诉) and manual overrides. */
export class OverridesRepository {
  readonly db: Trx;
  constructor(db: Db) {
    this.db = db as Trx;
  }

  async insertAppeal(row: Insertable<HealthAppealsTable>): Promise<void> {
    await this.db.insertInto('health_appeals').values(row).execute();
  }
  appeal(id: string) {
    return this.db.selectFrom('health_appeals').selectAll().where('id', '=', id).executeTakeFirst();
  }
  appealsOf(residentId: string) {
    return this.db
      .selectFrom('health_appeals')
      .selectAll()
      .where('resident_id', '=', residentId)
      .orderBy('created_at', 'desc')
      .limit(50)
      .execute();
  }
  appealsWithin(regionPrefix: string, status: HealthAppealsTable['status'] | undefined, limit: number) {
    let q = this.db
      .selectFrom('health_appeals')
      .selectAll()
      .where('region_code', 'like', `${regionPrefix}%`)
      .orderBy('created_at', 'desc')
      .limit(limit);
    if (status) q = q.where('status', '=', status);
    return q.execute();
  }
  async decideAppeal(id: string, status: 'upheld' | 'rejected', note: string, by: string): Promise<boolean> {
    const r = await this.db
      .updateTable('health_appeals')
      .set({ status, decision_note: note, decided_by: by, decided_at: sql`now()` })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async insertOverride(row: Insertable<HealthOverridesTable>): Promise<void> {
    await this.db.insertInto('health_overrides').values(row).execute();
  }
  override(id: string, trx: Trx = this.db) {
    return trx.selectFrom('health_overrides').selectAll().where('id', '=', id).executeTakeFirst();
  }
  overridesWithin(regionPrefix: string, status: HealthOverridesTable['status'] | undefined, limit: number) {
    let q = this.db
      .selectFrom('health_overrides')
      .selectAll()
      .where('region_code', 'like', `${regionPrefix}%`)
      .orderBy('requested_at', 'desc')
      .limit(limit);
    if (status) q = q.where('status', '=', status);
    return q.execute();
  }
  async setOverrideStatus(
    id: string,
    from: HealthOverridesTable['status'],
    to: HealthOverridesTable['status'],
    approver: { id: string; label: string } | null,
    trx: Trx = this.db,
  ): Promise<boolean> {
    const r = await trx
      .updateTable('health_overrides')
      .set({
        status: to,
        decided_at: sql`now()`,
        ...(approver ? { approved_by: approver.id, approved_by_label: approver.label } : {}),
      })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async applyToSubject(
    residentId: string,
    o: { id: string; colour: string; until: Date } | null,
    trx: Trx,
  ): Promise<void> {
    await trx
      .updateTable('health_subjects')
      .set({
        override_id: o?.id ?? null,
        override_colour: (o?.colour ?? null) as never,
        override_until: o?.until ?? null,
        updated_at: sql`now()`,
      })
      .where('resident_id', '=', residentId)
      .execute();
  }
  /** Overrides by district, requesting and approving official, and colour, for the oversight report. */
  report(regionPrefix: string, from: Date, to: Date) {
    return this.db
      .selectFrom('health_overrides')
      .select([
        sql<string>`substr(region_code, 1, 6)`.as('district'),
        'requested_by_label',
        'approved_by_label',
        'colour',
        sql<OverrideStatus>`case when status = 'active' and ends_at <= now() then 'ended' else status end`.as('status'),
        sql<number>`count(*)::int`.as('n'),
      ])
      .where('region_code', 'like', `${regionPrefix}%`)
      .where('requested_at', '>=', from)
      .where('requested_at', '<', to)
      .groupBy(sql`1, 2, 3, 4, 5`)
      .orderBy('n', 'desc')
      .execute();
  }
}

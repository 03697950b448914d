import { sql, type Insertable, type Kysely } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type {
  CommunityAlertsTable,
  CommunityDailyChecksTable,
  CommunityTables,
  CommunityTasksTable,
  TaskRow,
} from './community.tables.ts';

export type Trx = Kysely<CommunityTables>;
const OPEN = ['open', 'in_progress'] as const;

export class CommunityRepository {
  readonly db: Trx;
  constructor(db: Db) {
    this.db = db as Trx;
  }

  /** The person's open task, locked for the rest of the transaction. */
  openTaskOf(residentId: string, kind: TaskRow['kind'], trx: Trx) {
    return trx
      .selectFrom('community_tasks')
      .selectAll()
      .where('resident_id', '=', residentId)
      .where('kind', '=', kind)
      .where('status', 'in', OPEN)
      .forUpdate()
      .executeTakeFirst();
  }
  async insertTask(row: Insertable<CommunityTasksTable>, trx: Trx): Promise<void> {
    await trx.insertInto('community_tasks').values(row).execute();
  }
  async updateTask(
    id: string,
    patch: Partial<Omit<Insertable<CommunityTasksTable>, 'id' | 'resident_id' | 'kind'>>,
    trx: Trx = this.db,
  ): Promise<void> {
    await trx
      .updateTable('community_tasks')
      .set({ ...patch, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }
  task(id: string) {
    return this.db.selectFrom('community_tasks').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** Tasks in a grid or any larger region: open ones first, then newest. */
  tasksWithin(q: { regionPrefix: string; open: boolean; limit: number; after?: string }) {
    let query = this.db
      .selectFrom('community_tasks')
      .selectAll()
      .where('region_code', 'like', `${q.regionPrefix}%`)
      .where('status', q.open ? 'in' : 'not in', OPEN)
      .orderBy('id', 'desc')
      .limit(q.limit);
    if (q.after) query = query.where('id', '<', q.after);
    return query.execute();
  }
  latestTaskOf(residentId: string) {
    return this.db
      .selectFrom('community_tasks')
      .selectAll()
      .where('resident_id', '=', residentId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  checks(taskId: string) {
    return this.db
      .selectFrom('community_daily_checks')
      .selectAll()
      .where('task_id', '=', taskId)
      .orderBy('day')
      .execute();
  }
  /** Days checked per task, for the list's "checked today" and "missed" counts. */
  async checkedDays(taskIds: string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (!taskIds.length) return out;
    const rows = await this.db
      .selectFrom('community_daily_checks')
      .select(['task_id', 'day'])
      .where('task_id', 'in', taskIds)
      .execute();
    for (const r of rows) out.set(r.task_id, (out.get(r.task_id) ?? new Set()).add(r.day));
    return out;
  }
  /** One check a day: a second one the same day replaces the first. */
  async upsertCheck(row: Insertable<CommunityDailyChecksTable>, trx: Trx): Promise<void> {
    await trx
      .insertInto('community_daily_checks')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['task_id', 'day']).doUpdateSet({
          body_enc: row.body_enc,
          abnormal: row.abnormal,
          by_kind: row.by_kind,
          by_label: row.by_label,
          at: row.at,
        }),
      )
      .execute();
  }

  async insertAlert(row: Insertable<CommunityAlertsTable>, trx: Trx = this.db): Promise<void> {
    await trx
      .insertInto('community_alerts')
      .values(row)
      .onConflict((oc) => oc.columns(['task_id', 'kind', 'day']).doNothing())
      .execute();
  }
  alertsWithin(regionPrefix: string, limit: number, after?: string) {
    let q = this.db
      .selectFrom('community_alerts')
      .selectAll()
      .where('region_code', 'like', `${regionPrefix}%`)
      .where('acknowledged_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(limit);
    if (after) q = q.where('id', '<', after);
    return q.execute();
  }
  alert(id: string) {
    return this.db.selectFrom('community_alerts').selectAll().where('id', '=', id).executeTakeFirst();
  }
  async acknowledge(id: string, by: string): Promise<void> {
    await this.db
      .updateTable('community_alerts')
      .set({ acknowledged_at: sql`now()`, acknowledged_by: by })
      .where('id', '=', id)
      .execute();
  }
  tasksByIds(ids: string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.db.selectFrom('community_tasks').selectAll().where('id', 'in', ids).execute();
  }

  /** Tasks whose period is over become done. */
  async completeEnded(today: string): Promise<number> {
    const r = await this.db
      .updateTable('community_tasks')
      .set({ status: 'done', ending: 'completed', closed_at: sql`now()`, updated_at: sql`now()` })
      .where('status', 'in', OPEN)
      .where('ends_on', '<', today)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
  /** Open tasks with no check on a day inside their period. */
  async uncheckedOn(day: string) {
    return this.db
      .selectFrom('community_tasks as t')
      .select(['t.id', 't.region_code'])
      .where('t.status', 'in', OPEN)
      .where('t.starts_on', '<=', day)
      .where('t.ends_on', '>=', day)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('community_daily_checks as c')
              .select('c.id')
              .whereRef('c.task_id', '=', 't.id')
              .where('c.day', '=', day),
          ),
        ),
      )
      .execute();
  }
}

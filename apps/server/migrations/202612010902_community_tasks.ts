import { sql, type Kysely } from 'kysely';

/**
 * The community's follow-up of contacts: one open task per person (whichever cases made them a
 * contact), their daily checks (health details vault-encrypted), and alerts for missed or abnormal checks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('community_tasks')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('resident_id', 'uuid', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('close','secondary')`))
    .addColumn('exposure', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','in_progress','done','cancelled')`))
    .addColumn('ending', 'text')
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('note_enc', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await sql`create unique index community_tasks_open_idx on community_tasks (resident_id, kind)
    where status in ('open', 'in_progress')`.execute(db);
  await db.schema
    .createIndex('community_tasks_region_idx')
    .on('community_tasks')
    .columns(['region_code', 'status'])
    .execute();

  await db.schema
    .createTable('community_daily_checks')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('community_tasks.id'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('body_enc', 'text', (c) => c.notNull())
    .addColumn('abnormal', 'boolean', (c) => c.notNull())
    .addColumn('by_kind', 'text', (c) => c.notNull().check(sql`by_kind in ('self','grid_worker')`))
    .addColumn('by_label', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('community_daily_checks_day_idx')
    .on('community_daily_checks')
    .columns(['task_id', 'day'])
    .unique()
    .execute();

  await db.schema
    .createTable('community_alerts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('task_id', 'uuid', (c) => c.notNull().references('community_tasks.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('missed_check','abnormal_check')`))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('acknowledged_by', 'text')
    .execute();
  await db.schema
    .createIndex('community_alerts_once_idx')
    .on('community_alerts')
    .columns(['task_id', 'kind', 'day'])
    .unique()
    .execute();
  await db.schema
    .createIndex('community_alerts_region_idx')
    .on('community_alerts')
    .columns(['region_code', 'created_at'])
    .execute();
}

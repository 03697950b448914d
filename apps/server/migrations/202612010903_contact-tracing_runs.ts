import { sql, type Kysely } from 'kysely';

/** Tracing many cases as one job (a cluster, a day's cases): progress survives a restart. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tracing_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued','running','done','failed')`))
    .addColumn('case_ids', 'jsonb', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('contacts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_cases', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('tracing_runs_region_idx')
    .on('tracing_runs')
    .columns(['region_code', 'created_at'])
    .execute();
}

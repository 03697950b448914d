import { type Kysely } from 'kysely';

/** Retention purges of every module log here: the console shows when each ran and what it removed. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('purge_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('ran_at', 'timestamptz', (c) => c.notNull())
    .addColumn('cutoff', 'timestamptz', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('purge_runs_job_idx').on('purge_runs').columns(['job', 'ran_at']).execute();
}

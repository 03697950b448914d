import { sql, type Kysely } from 'kysely';

/** Samples taken from a case and their laboratory results. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_samples')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('collected_at', 'timestamptz', (c) => c.notNull())
    .addColumn('lab', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull().check(sql`result in ('pending','positive','negative')`))
    .addColumn('result_at', 'timestamptz')
    .addColumn('by_label', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('case_samples_case_idx')
    .on('case_samples')
    .columns(['case_id', 'collected_at'])
    .execute();
}

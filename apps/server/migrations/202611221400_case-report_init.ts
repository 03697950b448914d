import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // 网络直报: one row per reported case; the person's identifiers and clinical details are vault-encrypted.
  await db.schema
    .createTable('cases')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('resident_id', 'uuid')
    .addColumn('name_enc', 'text')
    .addColumn('name_masked', 'text', (c) => c.notNull())
    .addColumn('id_number_enc', 'text')
    .addColumn('id_number_bidx', 'text')
    .addColumn('id_number_masked', 'text')
    .addColumn('clinical_enc', 'text', (c) => c.notNull())
    .addColumn('onset_date', 'date', (c) => c.notNull())
    .addColumn('diagnosed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reported_at', 'timestamptz', (c) => c.notNull())
    .addColumn('classification', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('outcome_at', 'timestamptz')
    .addColumn('reporter_id', 'text', (c) => c.notNull())
    .addColumn('reporter_label', 'text', (c) => c.notNull())
    .addColumn('reporting_unit', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('cases_region_idx').on('cases').columns(['region_code', 'reported_at']).execute();
  await db.schema.createIndex('cases_id_number_idx').on('cases').column('id_number_bidx').execute();
  await db.schema.createIndex('cases_resident_idx').on('cases').column('resident_id').execute();

  // Every classification a case has had, with who changed it and why: report first, classify later.
  await db.schema
    .createTable('case_classifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('classification', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('by_label', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('case_classifications_case_idx')
    .on('case_classifications')
    .columns(['case_id', 'at'])
    .execute();
}

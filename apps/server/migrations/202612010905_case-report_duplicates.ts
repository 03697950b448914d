import { sql, type Kysely } from 'kysely';

/**
 * Duplicate reports (one person reported by two hospitals): blind indexes of the name as written and as
 * it sounds, the birth date, phone and address, so suggestions need no decryption; a merge keeps both
 * rows and points the duplicate at the case it was merged into, so it can be undone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ['name_bidx', 'name_sound_bidx', 'birth_bidx', 'phone_bidx', 'address_bidx'] as const) {
    await db.schema.alterTable('cases').addColumn(column, 'text').execute();
    await sql`create index ${sql.raw(`cases_${column}_idx`)} on cases (${sql.ref(column)}) where ${sql.ref(column)} is not null`.execute(
      db,
    );
  }
  await db.schema.alterTable('cases').addColumn('phone_enc', 'text').execute();
  await db.schema.alterTable('cases').addColumn('phone_masked', 'text').execute();
  await db.schema.alterTable('cases').addColumn('address_enc', 'text').execute();
  await db.schema.alterTable('cases').addColumn('merged_into', 'uuid').execute();
  await db.schema.alterTable('cases').addColumn('merged_at', 'timestamptz').execute();
  await db.schema.alterTable('cases').addColumn('merged_by', 'text').execute();
  await db.schema
    .createTable('case_merge_dismissals')
    .addColumn('case_a', 'uuid', (c) => c.notNull())
    .addColumn('case_b', 'uuid', (c) => c.notNull())
    .addColumn('by_label', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('case_merge_dismissals_pk', ['case_a', 'case_b'])
    .addCheckConstraint('case_merge_dismissals_order', sql`case_a < case_b`)
    .execute();
}

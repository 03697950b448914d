import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('places')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('places_region_idx').on('places').columns(['region_code', 'id']).execute();

  // Who was where and when, by the health-code pseudonym (no name, phone or ID number here).
  await db.schema
    .createTable('check_ins')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('place_id', 'uuid')
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('colour', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('place-scan','verifier')`))
    .addColumn('recorded_by', 'text')
    .execute();
  await db.schema.createIndex('check_ins_subject_idx').on('check_ins').columns(['subject', 'at']).execute();
  await db.schema.createIndex('check_ins_place_idx').on('check_ins').columns(['place_id', 'at']).execute();
  await db.schema.createIndex('check_ins_at_idx').on('check_ins').column('at').execute();
}

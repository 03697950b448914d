import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('regions')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) =>
      c.notNull().check(sql`level in ('province','city','district','street','community','grid')`),
    )
    .addColumn('parent_code', 'text', (c) => c.references('regions.code'))
    .addColumn('synthetic', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.createIndex('regions_parent_idx').on('regions').columns(['parent_code', 'code']).execute();
  await db.schema.createIndex('regions_name_idx').on('regions').column('name').execute();
}

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull().check(sql`alg in ('EdDSA','ES256')`))
    .addColumn('spki', 'text', (c) => c.notNull())
    .addColumn('private_key_enc', 'text')
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull().check(sql`origin in ('own','imported')`))
    .addColumn('source', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','retired','revoked')`))
    .addColumn('not_before', 'timestamptz', (c) => c.notNull())
    .addColumn('not_after', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One active own key at a time, even when two processes start at once.
  await sql`create unique index signing_keys_one_active on signing_keys (origin) where origin = 'own' and status = 'active'`.execute(
    db,
  );
}

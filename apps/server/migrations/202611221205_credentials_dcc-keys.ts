import { sql, type Kysely } from 'kysely';

/** EU DCC Document Signer keys imported by an administrator, for checking inbound travellers' HC1 codes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dcc_signer_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('spki', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

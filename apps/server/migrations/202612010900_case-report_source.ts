import { sql, type Kysely } from 'kysely';

/** Where the infection came from (本地, 输入, 不明), set during the investigation; daily statistics count by it. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('source', 'text', (c) =>
      c
        .notNull()
        .defaultTo('unknown')
        .check(sql`source in ('local','imported','unknown')`),
    )
    .execute();
  await db.schema.alterTable('cases').addColumn('source_note', 'text').execute();
}

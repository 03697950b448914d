import type { Kysely } from 'kysely';

/**
 * A registration that won a place (lottery or waiting list) is told by SMS once: the time the notice
 * was claimed for sending, null until then.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reservation_entries').addColumn('notified_at', 'timestamptz').execute();
}

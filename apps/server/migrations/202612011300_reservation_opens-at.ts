import type { Kysely } from 'kysely';

/** A campaign may announce its opening time: the waiting room takes people in before it. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reservation_campaigns').addColumn('opens_at', 'timestamptz').execute();
}

import { sql, type Kysely } from 'kysely';

/**
 * 登记: people register interest in a campaign — for a lottery's draw, or on a first-come campaign's
 * waiting list (候补) when it is full — and are given a place when one is theirs. A lottery keeps the
 * seed it was drawn with, so anyone can redo the draw from the published tickets.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('reservation_campaigns')
    .addColumn('registration_ends_at', 'timestamptz')
    .addColumn('draw_seed', 'text')
    .addColumn('drawn_at', 'timestamptz')
    .execute();
  await db.schema
    .createTable('reservation_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('campaign_id', 'uuid', (c) => c.notNull().references('reservation_campaigns.id').onDelete('cascade'))
    .addColumn('resident_id', 'uuid', (c) => c.notNull())
    // The published name of the entry in the draw: random, and says nothing about the person.
    .addColumn('ticket', 'text', (c) => c.notNull())
    .addColumn('site_id', 'uuid')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('waiting','won','lost','withdrawn')`))
    .addColumn('reservation_id', 'uuid')
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('self','proxy','operator')`))
    .addColumn('made_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .addUniqueConstraint('reservation_entries_ticket', ['campaign_id', 'ticket'])
    .execute();
  await sql`create unique index reservation_entries_one_per_person on reservation_entries (campaign_id, resident_id)
    where status in ('waiting', 'won')`.execute(db);
  await db.schema
    .createIndex('reservation_entries_waiting_idx')
    .on('reservation_entries')
    .columns(['campaign_id', 'status', 'id'])
    .execute();
  await db.schema
    .createIndex('reservation_entries_resident_idx')
    .on('reservation_entries')
    .columns(['resident_id', 'id'])
    .execute();
}

import { sql, type Kysely } from 'kysely';

/**
 * Reservation campaigns (masks, tests, clinic slots) with their sites and slots, and the reservations.
 * The database is the record and holds the invariants itself: a slot never has more taken than its
 * quota, and a person holds at most one live reservation of a campaign.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reservation_campaigns')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('masks','tests','clinic')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('first_come','lottery')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft','open','closed')`))
    .addColumn('once_per_days', 'integer', (c) => c.notNull().check(sql`once_per_days >= 0`))
    .addColumn('items_per_person', 'integer', (c) => c.notNull().check(sql`items_per_person > 0`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('opened_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('reservation_campaigns_region_idx')
    .on('reservation_campaigns')
    .columns(['region_code', 'status'])
    .execute();
  await db.schema
    .createTable('reservation_sites')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('campaign_id', 'uuid', (c) => c.notNull().references('reservation_campaigns.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reservation_sites_campaign_idx').on('reservation_sites').column('campaign_id').execute();
  await db.schema
    .createTable('reservation_slots')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('campaign_id', 'uuid', (c) => c.notNull().references('reservation_campaigns.id').onDelete('cascade'))
    .addColumn('site_id', 'uuid', (c) => c.notNull().references('reservation_sites.id').onDelete('cascade'))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('quota', 'integer', (c) => c.notNull().check(sql`quota > 0`))
    .addColumn('taken', 'integer', (c) => c.notNull().defaultTo(0))
    .addCheckConstraint('reservation_slots_taken', sql`taken >= 0 and taken <= quota`)
    .addCheckConstraint('reservation_slots_window', sql`ends_at > starts_at`)
    .execute();
  await db.schema
    .createIndex('reservation_slots_site_idx')
    .on('reservation_slots')
    .columns(['site_id', 'starts_at'])
    .execute();
  await db.schema
    .createTable('reservations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('campaign_id', 'uuid', (c) => c.notNull().references('reservation_campaigns.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('slot_id', 'uuid', (c) => c.notNull().references('reservation_slots.id'))
    .addColumn('site_id', 'uuid', (c) => c.notNull())
    .addColumn('resident_id', 'uuid', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('confirmed','redeemed','cancelled','expired')`),
    )
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('self','proxy','operator')`))
    .addColumn('made_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('redeemed_at', 'timestamptz')
    .addColumn('redeemed_by', 'text')
    .addColumn('cancelled_at', 'timestamptz')
    .execute();
  // One live reservation of a campaign per person, whatever the number of servers or clicks.
  await sql`create unique index reservations_one_per_person on reservations (campaign_id, resident_id)
    where status in ('confirmed', 'redeemed')`.execute(db);
  await db.schema
    .createIndex('reservations_resident_idx')
    .on('reservations')
    .columns(['resident_id', 'kind', 'created_at'])
    .execute();
  await db.schema.createIndex('reservations_slot_idx').on('reservations').columns(['slot_id', 'status']).execute();
}

import { sql, type Kysely } from 'kysely';

/**
 * Supplies: the catalogue, stock locations, lots, stock per location and lot, the stock card, hospital
 * requests, transfers, donations and their public ledger. The database holds the invariants itself:
 * stock is never negative nor more reserved than held, the stock card and the ledger are append-only
 * (triggers refuse UPDATE and DELETE), an issue is recorded once per reference, a line is never given
 * more than was asked.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('supply_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`category in ('mask','protective_clothing','goggles','gloves','test_kit','drug','disinfectant','ventilator','other')`,
        ),
    )
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('grade', 'text')
    // Items that may be given instead, best first.
    .addColumn('substitute_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('min_days', 'integer', (c) => c.notNull().check(sql`min_days > 0`))
    .addColumn('emergency_days', 'integer', (c) => c.notNull().check(sql`emergency_days >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('supply_items_thresholds', sql`emergency_days < min_days`)
    .execute();

  await db.schema
    .createTable('supply_locations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('warehouse','hospital','pharmacy')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    // Overrides of the items' thresholds for this location (a field hospital runs leaner).
    .addColumn('min_days', 'integer', (c) => c.check(sql`min_days > 0`))
    .addColumn('emergency_days', 'integer', (c) => c.check(sql`emergency_days >= 0`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('supply_locations_region_idx')
    .on('supply_locations')
    .columns(['region_code', 'kind'])
    .execute();
  await sql`create unique index supply_locations_name on supply_locations (region_code, name)`.execute(db);

  await db.schema
    .createTable('supply_donations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('donor_kind', 'text', (c) => c.notNull().check(sql`donor_kind in ('organisation','person','anonymous')`))
    .addColumn('org_name', 'text')
    // A person's name: encrypted by the vault, and its masked form for views.
    .addColumn('person_name_enc', 'text')
    .addColumn('person_name_masked', 'text')
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'supply_donations_donor',
      sql`(donor_kind = 'organisation' and org_name is not null and person_name_enc is null)
        or (donor_kind = 'person' and org_name is null and person_name_enc is not null)
        or (donor_kind = 'anonymous' and org_name is null and person_name_enc is null)`,
    )
    .execute();
  await db.schema
    .createTable('supply_donation_items')
    .addColumn('donation_id', 'uuid', (c) => c.notNull().references('supply_donations.id'))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('supply_items.id'))
    .addColumn('pledged', 'integer', (c) => c.notNull().check(sql`pledged > 0`))
    .addPrimaryKeyConstraint('supply_donation_items_pk', ['donation_id', 'item_id'])
    .execute();

  await db.schema
    .createTable('supply_lots')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('supply_items.id'))
    .addColumn('lot_number', 'text', (c) => c.notNull())
    .addColumn('expires_on', 'date')
    .addColumn('donation_id', 'uuid', (c) => c.references('supply_donations.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A manufacturer's lot, bought or donated by one donor, is one row whichever location holds it.
  await sql`create unique index supply_lots_identity on supply_lots
    (item_id, lot_number, coalesce(donation_id, '00000000-0000-0000-0000-000000000000'::uuid))`.execute(db);

  // One row per item and location: the lock every change of that item there takes, and its total.
  await db.schema
    .createTable('supply_stock')
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('supply_locations.id'))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('supply_items.id'))
    .addColumn('on_hand', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('supply_stock_pk', ['location_id', 'item_id'])
    .addCheckConstraint('supply_stock_not_negative', sql`on_hand >= 0`)
    .execute();
  await db.schema
    .createTable('supply_balances')
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('supply_locations.id'))
    .addColumn('lot_id', 'uuid', (c) => c.notNull().references('supply_lots.id'))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('supply_items.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reserved', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('supply_balances_pk', ['location_id', 'lot_id'])
    .addCheckConstraint('supply_balances_not_negative', sql`quantity >= 0 and reserved >= 0 and reserved <= quantity`)
    .execute();
  await db.schema
    .createIndex('supply_balances_item_idx')
    .on('supply_balances')
    .columns(['location_id', 'item_id'])
    .execute();

  // The stock card: every receipt, issue, transfer and adjustment, never changed afterwards.
  await db.schema
    .createTable('supply_movements')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('supply_locations.id'))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('supply_items.id'))
    .addColumn('lot_id', 'uuid', (c) => c.notNull().references('supply_lots.id'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('receipt','issue','transfer_out','transfer_in','adjustment')`),
    )
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('balance_after', 'integer', (c) => c.notNull().check(sql`balance_after >= 0`))
    .addColumn('reference_kind', 'text', (c) => c.notNull())
    .addColumn('reference_id', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'supply_movements_sign',
      sql`(kind in ('receipt','transfer_in') and quantity > 0) or (kind in ('issue','transfer_out') and quantity < 0)
        or (kind = 'adjustment' and quantity <> 0)`,
    )
    .execute();
  await db.schema
    .createIndex('supply_movements_card_idx')
    .on('supply_movements')
    .columns(['location_id', 'item_id', 'at'])
    .execute();

  // Issues by reference (a redeemed reservation, a ward's request): the first one wins, a repeat is a no-op.
  await db.schema
    .createTable('supply_issues')
    .addColumn('reference_kind', 'text', (c) => c.notNull())
    .addColumn('reference_id', 'text', (c) => c.notNull())
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('supply_locations.id'))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('supply_items.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('supply_issues_pk', ['reference_kind', 'reference_id'])
    .execute();

  await db.schema
    .createTable('supply_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('location_id', 'uuid', (c) => c.notNull().references('supply_locations.id'))
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull().check(sql`urgency in ('routine','urgent','critical')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','allocated','cancelled')`))
    .addColumn('note', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('supply_requests_region_idx')
    .on('supply_requests')
    .columns(['region_code', 'status'])
    .execute();
  await db.schema
    .createTable('supply_request_lines')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('supply_requests.id'))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('supply_items.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('allocated', 'integer', (c) => c.notNull().defaultTo(0))
    .addCheckConstraint('supply_request_lines_allocated', sql`allocated >= 0 and allocated <= quantity`)
    .addUniqueConstraint('supply_request_lines_item', ['request_id', 'item_id'])
    .execute();

  await db.schema
    .createTable('supply_transfers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('request_line_id', 'uuid', (c) => c.references('supply_request_lines.id'))
    .addColumn('request_id', 'uuid', (c) => c.references('supply_requests.id'))
    .addColumn('from_location_id', 'uuid', (c) => c.notNull().references('supply_locations.id'))
    .addColumn('to_location_id', 'uuid', (c) => c.notNull().references('supply_locations.id'))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('supply_items.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('approved','dispatched','delivered')`))
    .addColumn('approved_by', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('dispatched_by', 'text')
    .addColumn('dispatched_at', 'timestamptz')
    .addColumn('delivered_by', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('received_quantity', 'integer')
    // Proof of delivery: who signed, encrypted by the vault, and masked for views.
    .addColumn('receiver_name_enc', 'text')
    .addColumn('receiver_name_masked', 'text')
    .addColumn('delivery_note', 'text')
    .addCheckConstraint('supply_transfers_places', sql`from_location_id <> to_location_id`)
    .addCheckConstraint(
      'supply_transfers_received',
      sql`received_quantity is null or (received_quantity >= 0 and received_quantity <= quantity)`,
    )
    .execute();
  await db.schema
    .createIndex('supply_transfers_status_idx')
    .on('supply_transfers')
    .columns(['status', 'approved_at'])
    .execute();
  // The lots a transfer carries, reserved at approval (first expiry first out) and moved at dispatch.
  await db.schema
    .createTable('supply_transfer_lots')
    .addColumn('transfer_id', 'uuid', (c) => c.notNull().references('supply_transfers.id'))
    .addColumn('lot_id', 'uuid', (c) => c.notNull().references('supply_lots.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addPrimaryKeyConstraint('supply_transfer_lots_pk', ['transfer_id', 'lot_id'])
    .execute();

  // The public ledger of donations: hash-chained, appended under a lock, never changed.
  await db.schema
    .createTable('donation_ledger')
    .addColumn('seq', 'integer', (c) => c.primaryKey().check(sql`seq > 0`))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(sql`kind in ('pledge','receipt','allocation','dispatch','delivery','distribution','correction')`),
    )
    .addColumn('donation_id', 'uuid', (c) => c.notNull().references('supply_donations.id'))
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .execute();
  await db.schema
    .createIndex('donation_ledger_donation_idx')
    .on('donation_ledger')
    .columns(['donation_id', 'seq'])
    .execute();

  await sql`create function supplies_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only', tg_table_name using errcode = '55000';
    end $$`.execute(db);
  for (const table of ['donation_ledger', 'supply_movements']) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function supplies_append_only()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function supplies_append_only()`.execute(db);
  }
}

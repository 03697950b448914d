import { sql, type Kysely } from 'kysely';

/**
 * 供需对接: postings (a producer's capacity, a farmer's produce, a buyer's need) and the matches the
 * platform proposes between an offer and a need. Contacts are vault ciphertext with their masked
 * forms; what is still open never goes below zero nor above what was posted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('supply_postings')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('capacity','produce','need')`))
    .addColumn('side', 'text', (c) => c.notNull().check(sql`side in ('offer','need')`))
    .addColumn('item_id', 'uuid', (c) => c.references('supply_items.id'))
    .addColumn('product', 'text')
    .addColumn('produce_category', 'text', (c) =>
      c.check(sql`produce_category in ('vegetables','fruit','eggs','meat','aquatic','grain','dairy','other')`),
    )
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('open_quantity', 'integer', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull().check(sql`basis in ('per_day','total')`))
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('price_cents', 'integer', (c) => c.check(sql`price_cents >= 0`))
    .addColumn('available_from', 'date', (c) => c.notNull())
    .addColumn('available_until', 'date', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('delivery_scope', 'text', (c) => c.check(sql`delivery_scope in ('district','city','province')`))
    .addColumn('delivery_radius_km', 'integer', (c) => c.check(sql`delivery_radius_km > 0`))
    .addColumn('organisation', 'text', (c) => c.notNull())
    // The contact person and phone: vault ciphertext, and the masked forms views show.
    .addColumn('contact_name_enc', 'text', (c) => c.notNull())
    .addColumn('contact_name_masked', 'text', (c) => c.notNull())
    .addColumn('contact_phone_enc', 'text', (c) => c.notNull())
    .addColumn('contact_phone_masked', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','matched','closed','expired')`))
    .addColumn('owner_kind', 'text', (c) => c.notNull().check(sql`owner_kind in ('staff','resident')`))
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('supply_postings_side', sql`(kind = 'need') = (side = 'need')`)
    .addCheckConstraint('supply_postings_open', sql`open_quantity >= 0 and open_quantity <= quantity`)
    .addCheckConstraint('supply_postings_dates', sql`available_until >= available_from`)
    .addCheckConstraint(
      'supply_postings_goods',
      sql`item_id is not null or product is not null or produce_category is not null`,
    )
    .addCheckConstraint('supply_postings_per_day', sql`basis = 'total' or kind = 'capacity'`)
    .execute();
  await db.schema
    .createIndex('supply_postings_open_idx')
    .on('supply_postings')
    .columns(['side', 'status', 'region_code'])
    .execute();
  await db.schema.createIndex('supply_postings_owner_idx').on('supply_postings').columns(['owner_id']).execute();

  await db.schema
    .createTable('supply_matches')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('offer_id', 'uuid', (c) => c.notNull().references('supply_postings.id'))
    .addColumn('need_id', 'uuid', (c) => c.notNull().references('supply_postings.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('proposed','confirmed','declined','withdrawn')`),
    )
    .addColumn('score', 'integer', (c) => c.notNull().check(sql`score between 0 and 100`))
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('offer_accepted_at', 'timestamptz')
    .addColumn('need_accepted_at', 'timestamptz')
    .addColumn('declined_by', 'text', (c) => c.check(sql`declined_by in ('offer','need')`))
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('supply_matches_pair', ['offer_id', 'need_id'])
    .addCheckConstraint(
      'supply_matches_confirmed',
      sql`(status = 'confirmed') = (confirmed_at is not null)
        and (confirmed_at is null or (offer_accepted_at is not null and need_accepted_at is not null))`,
    )
    .addCheckConstraint('supply_matches_declined', sql`(status = 'declined') = (declined_by is not null)`)
    .execute();
  await db.schema.createIndex('supply_matches_need_idx').on('supply_matches').columns(['need_id']).execute();
}

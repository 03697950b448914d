import type { Kysely } from 'kysely';

/**
 * A mask campaign hands out a catalogue item from each site's stock: redeeming a reservation issues
 * it there (a stock card entry, and the donation ledger's when the lot was donated).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reservation_campaigns').addColumn('supply_item_id', 'uuid').execute();
  await db.schema.alterTable('reservation_sites').addColumn('stock_location_id', 'uuid').execute();
}

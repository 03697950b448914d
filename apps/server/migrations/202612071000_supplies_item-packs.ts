import { sql, type Kysely } from 'kysely';

/**
 * 包装规格: an item may come in a pack of a fixed number of its units (KN95 口罩: 箱 = 400 只), so a
 * factory offering by the 箱 and a hospital needing by the 只 are matched. Both or neither.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table supply_items add column pack_unit text, add column pack_size integer`.execute(db);
  await sql`alter table supply_items add constraint supply_items_pack
    check ((pack_unit is null and pack_size is null) or (pack_unit is not null and pack_size >= 2))`.execute(db);
}

import { sql, type Kysely } from 'kysely';

/**
 * 运输损耗 on the stock card: a short delivery comes in as what was sent (the sender's 调出 and the
 * receiver's 调入 agree) followed by a `transit_loss` line of what did not arrive, with the reason, so
 * the loss is on a card and every card still adds up line by line.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table supply_movements drop constraint supply_movements_kind_check`.execute(db);
  await sql`alter table supply_movements add constraint supply_movements_kind_check
    check (kind in ('receipt','issue','transfer_out','transfer_in','transit_loss','adjustment'))`.execute(db);
  await sql`alter table supply_movements drop constraint supply_movements_sign`.execute(db);
  await sql`alter table supply_movements add constraint supply_movements_sign
    check ((kind in ('receipt','transfer_in') and quantity > 0)
      or (kind in ('issue','transfer_out','transit_loss') and quantity < 0)
      or (kind = 'adjustment' and quantity <> 0))`.execute(db);
}

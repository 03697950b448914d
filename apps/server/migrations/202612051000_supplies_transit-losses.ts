import { sql, type Kysely } from 'kysely';

/**
 * 运输损耗: when fewer arrive than were dispatched, the donated lots' shortfall goes on the public ledger
 * as an entry of its own (`loss`, with the receiver's reason), so the trail of every donated item still
 * adds up: what was sent is what arrived plus what was lost on the way.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table donation_ledger drop constraint donation_ledger_kind_check`.execute(db);
  await sql`alter table donation_ledger add constraint donation_ledger_kind_check
    check (kind in ('pledge','receipt','allocation','dispatch','delivery','loss','distribution','correction','cancellation'))`.execute(
    db,
  );
}

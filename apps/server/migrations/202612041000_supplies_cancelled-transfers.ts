import { sql, type Kysely } from 'kysely';

/**
 * An approved transfer not yet dispatched may be cancelled (撤销调拨): its lots are free again at the
 * warehouse and the request line asks for them again. The public ledger says so with an entry of its
 * own (`cancellation`), as every change there is a new entry.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table supply_transfers drop constraint supply_transfers_status_check`.execute(db);
  await sql`alter table supply_transfers add constraint supply_transfers_status_check
    check (status in ('approved','dispatched','delivered','cancelled'))`.execute(db);
  await db.schema
    .alterTable('supply_transfers')
    .addColumn('cancelled_by', 'text')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('cancel_reason', 'text')
    .execute();
  await sql`alter table donation_ledger drop constraint donation_ledger_kind_check`.execute(db);
  await sql`alter table donation_ledger add constraint donation_ledger_kind_check
    check (kind in ('pledge','receipt','allocation','dispatch','delivery','distribution','correction','cancellation'))`.execute(
    db,
  );
}

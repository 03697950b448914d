import { sql, type Kysely } from 'kysely';

/**
 * A contact whose residence is unknown (a passenger from elsewhere, a household member not
 * registered) is followed up by the jurisdiction of the case that found them: each contact keeps
 * its case's region. Contacts found before are given theirs from the case register.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tracing_contacts').addColumn('case_region_code', 'text').execute();
  await sql`update tracing_contacts c set case_region_code = k.region_code from cases k where k.id = c.case_id`.execute(
    db,
  );
  await sql`create index tracing_contacts_unplaced_idx on tracing_contacts (case_region_code, id)
    where region_code is null`.execute(db);
}

import { sql, type Kysely } from 'kysely';

/**
 * 流调 and contacts: a case's places, trips and household, links between cases, imported passenger
 * manifests, and the contacts found from them. Case ids are references into case-report, not keys.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tracing_visits')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull())
    // A registered place is matched against check-ins; an unregistered one is kept by name only.
    .addColumn('place_id', 'uuid')
    .addColumn('place_name', 'text', (c) => c.notNull())
    .addColumn('place_address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('from_at', 'timestamptz', (c) => c.notNull())
    .addColumn('to_at', 'timestamptz', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('entered','check-in')`))
    .addColumn('check_in_id', 'uuid')
    .addColumn('note_enc', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('tracing_visits_window', sql`to_at >= from_at`)
    .execute();
  await db.schema.createIndex('tracing_visits_case_idx').on('tracing_visits').columns(['case_id', 'from_at']).execute();
  await db.schema
    .createIndex('tracing_visits_check_in_idx')
    .on('tracing_visits')
    .columns(['case_id', 'check_in_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('tracing_trips')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('train','flight','bus')`))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('travel_date', 'date', (c) => c.notNull())
    .addColumn('carriage', 'integer')
    .addColumn('seat', 'text')
    .addColumn('seat_row', 'integer')
    .addColumn('from_station', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('to_station', 'text', (c) => c.notNull().defaultTo(''))
    // Set when the CDC lists the trip in the public co-traveller query (同程查询).
    .addColumn('published_at', 'timestamptz')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('tracing_trips_case_idx').on('tracing_trips').column('case_id').execute();
  await db.schema
    .createIndex('tracing_trips_published_idx')
    .on('tracing_trips')
    .columns(['number', 'travel_date'])
    .where(sql.ref('published_at'), 'is not', null)
    .execute();

  await db.schema
    .createTable('tracing_household')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull())
    .addColumn('resident_id', 'uuid')
    .addColumn('name_enc', 'text', (c) => c.notNull())
    .addColumn('name_masked', 'text', (c) => c.notNull())
    .addColumn('id_number_enc', 'text')
    .addColumn('id_number_bidx', 'text')
    .addColumn('id_number_masked', 'text')
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('tracing_household_case_idx').on('tracing_household').column('case_id').execute();

  await db.schema
    .createTable('tracing_case_links')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('source_case_id', 'uuid', (c) => c.notNull())
    .addColumn('target_case_id', 'uuid', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('contact','household','cluster','manual')`))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('tracing_case_links_distinct', sql`source_case_id <> target_case_id`)
    .execute();
  await db.schema
    .createIndex('tracing_case_links_pair_idx')
    .on('tracing_case_links')
    .columns(['source_case_id', 'target_case_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('tracing_case_links_target_idx')
    .on('tracing_case_links')
    .column('target_case_id')
    .execute();

  // Carriers' passenger lists: who sat where; the person's fields are one vault-encrypted blob.
  await db.schema
    .createTable('tracing_manifest_rows')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('import_id', 'uuid')
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('travel_date', 'date', (c) => c.notNull())
    .addColumn('carriage', 'integer')
    .addColumn('seat', 'text')
    .addColumn('seat_row', 'integer')
    .addColumn('person_enc', 'text', (c) => c.notNull())
    .addColumn('name_masked', 'text', (c) => c.notNull())
    .addColumn('id_number_bidx', 'text', (c) => c.notNull())
    .addColumn('id_number_masked', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('tracing_manifest_trip_idx')
    .on('tracing_manifest_rows')
    .columns(['number', 'travel_date', 'carriage'])
    .execute();
  await db.schema
    .createIndex('tracing_manifest_person_idx')
    .on('tracing_manifest_rows')
    .column('id_number_bidx')
    .execute();

  await db.schema
    .createTable('tracing_contacts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level in ('close','secondary')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','active','cleared','became_case')`))
    // r:<resident id>, i:<ID-number blind index> or h:<household row>: one contact per person and case.
    .addColumn('person_key', 'text', (c) => c.notNull())
    .addColumn('resident_id', 'uuid')
    .addColumn('manifest_row_id', 'bigint')
    .addColumn('household_id', 'uuid')
    .addColumn('via_contact_id', 'uuid')
    .addColumn('name_masked', 'text', (c) => c.notNull())
    .addColumn('id_number_masked', 'text')
    .addColumn('region_code', 'text')
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('rank', 'text', (c) => c.notNull())
    .addColumn('first_exposure_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_exposure_at', 'timestamptz', (c) => c.notNull())
    .addColumn('exposures', 'jsonb', (c) => c.notNull())
    .addColumn('became_case_id', 'uuid')
    .addColumn('identified_at', 'timestamptz', (c) => c.notNull())
    .addColumn('notified_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('tracing_contacts_person_idx')
    .on('tracing_contacts')
    .columns(['case_id', 'person_key'])
    .unique()
    .execute();
  await db.schema.createIndex('tracing_contacts_resident_idx').on('tracing_contacts').column('resident_id').execute();
  await db.schema
    .createIndex('tracing_contacts_region_idx')
    .on('tracing_contacts')
    .columns(['region_code', 'identified_at'])
    .execute();

  await db.schema
    .createTable('tracing_investigations')
    .addColumn('case_id', 'uuid', (c) => c.primaryKey())
    .addColumn('last_discovery_at', 'timestamptz', (c) => c.notNull())
    .addColumn('discovery_ms', 'integer', (c) => c.notNull())
    .execute();
}

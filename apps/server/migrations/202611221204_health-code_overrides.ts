import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // 申诉: a resident disputes their colour; staff decide, in writing.
  await db.schema
    .createTable('health_appeals')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('resident_id', 'uuid', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('colour', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('statement_enc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','upheld','rejected')`))
    .addColumn('decision_note', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('health_appeals_resident_idx')
    .on('health_appeals')
    .columns(['resident_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('health_appeals_region_idx')
    .on('health_appeals')
    .columns(['region_code', 'status'])
    .execute();

  // A colour set by hand: needs a legal basis and a second official, is shown to the person, and counted.
  await db.schema
    .createTable('health_overrides')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('resident_id', 'uuid', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('colour', 'text', (c) => c.notNull().check(sql`colour in ('green','yellow','red')`))
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('appeal_id', 'uuid')
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','active','rejected','ended')`))
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_by_label', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('approved_by', 'text')
    .addColumn('approved_by_label', 'text')
    .addColumn('decided_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('health_overrides_resident_idx')
    .on('health_overrides')
    .columns(['resident_id', 'status'])
    .execute();
  await db.schema
    .createIndex('health_overrides_region_idx')
    .on('health_overrides')
    .columns(['region_code', 'requested_at'])
    .execute();

  await db.schema
    .alterTable('health_subjects')
    .addColumn('override_id', 'uuid')
    .addColumn('override_colour', 'text')
    .addColumn('override_until', 'timestamptz')
    .execute();
}

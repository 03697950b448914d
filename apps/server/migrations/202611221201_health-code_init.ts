import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('health_rule_sets')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft','published','superseded')`))
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_by', 'text')
    .addColumn('published_at', 'timestamptz')
    .addUniqueConstraint('health_rule_sets_version', ['region_code', 'version'])
    .execute();

  // One row per person with a code: the facts are health data, so encrypted; colour and rule id stay
  // readable because verifiers, ID-card checks and reports query them.
  await db.schema
    .createTable('health_subjects')
    .addColumn('resident_id', 'uuid', (c) => c.primaryKey())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('pseudonym', 'text', (c) => c.notNull().unique())
    .addColumn('masked_name', 'text', (c) => c.notNull())
    .addColumn('facts_enc', 'text', (c) => c.notNull())
    .addColumn('colour', 'text', (c) => c.notNull().check(sql`colour in ('green','yellow','red')`))
    .addColumn('rule_set_id', 'uuid')
    .addColumn('rule_id', 'text')
    .addColumn('green_at', 'timestamptz')
    .addColumn('consent_at', 'timestamptz')
    .addColumn('last_declaration_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('health_subjects_region_idx')
    .on('health_subjects')
    .columns(['region_code', 'resident_id'])
    .execute();
  await sql`create index health_subjects_green_at_idx on health_subjects (green_at) where green_at is not null`.execute(
    db,
  );

  await db.schema
    .createTable('health_declarations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('resident_id', 'uuid', (c) => c.notNull())
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('declared_by', 'text', (c) => c.notNull().check(sql`declared_by in ('self','proxy')`))
    .addColumn('proxy_id', 'text')
    .addColumn('body_enc', 'text', (c) => c.notNull())
    .addColumn('declared_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('health_declarations_resident_idx')
    .on('health_declarations')
    .columns(['resident_id', 'declared_at'])
    .execute();
  await db.schema.createIndex('health_declarations_at_idx').on('health_declarations').column('declared_at').execute();

  // 代申报: who may declare for and hold the code of someone without a smartphone.
  await db.schema
    .createTable('health_proxies')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('holder_kind', 'text', (c) => c.notNull().check(sql`holder_kind in ('resident','staff')`))
    .addColumn('holder_id', 'uuid', (c) => c.notNull())
    .addColumn('subject_resident_id', 'uuid', (c) => c.notNull())
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await sql`create unique index health_proxies_active on health_proxies (holder_id, subject_resident_id) where revoked_at is null`.execute(
    db,
  );
}

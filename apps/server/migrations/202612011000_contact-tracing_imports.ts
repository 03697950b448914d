import { sql, type Kysely } from 'kysely';

/**
 * File imports of passenger manifests (CSV, XLSX): the import, its uploaded bytes kept in the database
 * (any app process may receive a chunk and any worker may run the import), and the rejected rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tracing_imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('manifest')`))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('csv','xlsx')`))
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('uploaded_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('uploading','queued','running','done','failed','refused')`),
    )
    // sha-256 over the chunks' sha-256s: the same file submitted twice is recognised.
    .addColumn('digest', 'text')
    .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_rejected', 'integer', (c) => c.notNull().defaultTo(0))
    // The file's row number (header = 1) of the last row whose batch committed; a rerun skips up to it.
    .addColumn('checkpoint', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('processed_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_code', 'text')
    // Column problems of a refused file: [{path, code}], no cell values.
    .addColumn('problems', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('retraced', 'integer')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'uuid')
    .addColumn('region_code', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('tracing_imports_region_idx')
    .on('tracing_imports')
    .columns(['region_code', 'id'])
    .execute();
  await db.schema.createIndex('tracing_imports_digest_idx').on('tracing_imports').columns(['kind', 'digest']).execute();

  await db.schema
    .createTable('tracing_import_chunks')
    .addColumn('import_id', 'uuid', (c) => c.notNull().references('tracing_imports.id').onDelete('cascade'))
    .addColumn('offset', 'bigint', (c) => c.notNull())
    .addColumn('data', 'bytea', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tracing_import_chunks_pk', ['import_id', 'offset'])
    .execute();

  // Where a row was refused and why; never the cell's value.
  await db.schema
    .createTable('tracing_import_rejects')
    .addColumn('import_id', 'uuid', (c) => c.notNull().references('tracing_imports.id').onDelete('cascade'))
    .addColumn('row', 'integer', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tracing_import_rejects_pk', ['import_id', 'row', 'field'])
    .execute();

  // A failed import's rows are removed by it, and discovery only reads rows of finished imports.
  await db.schema.createIndex('tracing_manifest_import_idx').on('tracing_manifest_rows').column('import_id').execute();
}

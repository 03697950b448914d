import { sql, type Insertable, type Kysely } from 'kysely';
import type { CopyRows, Database, Db } from '../../platform/db/index.ts';
import type {
  ContactTracingTables,
  ImportRow,
  TracingImportsTable,
  TracingManifestRowsTable,
} from './contact-tracing.tables.ts';

type Trx = Kysely<ContactTracingTables>;

/** The columns an import writes, in the order its COPY sends them. */
export const MANIFEST_COLUMNS = [
  'import_id',
  'mode',
  'number',
  'travel_date',
  'carriage',
  'seat',
  'seat_row',
  'person_enc',
  'name_masked',
  'id_number_bidx',
  'id_number_masked',
] as const satisfies readonly (keyof Insertable<TracingManifestRowsTable>)[];

/** SQL of manifest file imports: the import, its chunks, its rejected rows and its bulk writes. */
export class ImportRepository {
  readonly db: Trx;
  constructor(
    db: Db,
    private readonly bulk: Database['bulkTransaction'],
  ) {
    this.db = db as Trx;
  }

  async insert(row: Insertable<TracingImportsTable>): Promise<ImportRow> {
    return this.db.insertInto('tracing_imports').values(row).returningAll().executeTakeFirstOrThrow();
  }
  get(id: string, trx: Trx = this.db) {
    return trx.selectFrom('tracing_imports').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** The import, locked until the caller's transaction ends: chunks and completion are serialised per import. */
  lock(id: string, trx: Trx) {
    return trx.selectFrom('tracing_imports').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }
  page(q: { regionPrefix: string | null; limit: number; before?: string }) {
    let query = this.db.selectFrom('tracing_imports').selectAll().orderBy('id', 'desc').limit(q.limit);
    if (q.regionPrefix) query = query.where('region_code', 'like', `${q.regionPrefix}%`);
    if (q.before) query = query.where('id', '<', q.before);
    return query.execute();
  }
  async update(id: string, patch: Partial<Insertable<TracingImportsTable>>, trx: Trx = this.db): Promise<void> {
    await trx
      .updateTable('tracing_imports')
      .set({ ...patch, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }
  /** Another import of the same file that counts (not refused, failed or still uploading), within a region. */
  sameFile(kind: string, digest: string, exceptId: string, regionPrefix: string | null, trx: Trx) {
    let query = trx
      .selectFrom('tracing_imports')
      .selectAll()
      .where('kind', '=', kind as ImportRow['kind'])
      .where('digest', '=', digest)
      .where('id', '<>', exceptId)
      .where('status', 'in', ['queued', 'running', 'done'])
      .orderBy('id')
      .limit(1);
    if (regionPrefix) query = query.where('region_code', 'like', `${regionPrefix}%`);
    return query.executeTakeFirst();
  }
  async delete(id: string, trx: Trx = this.db): Promise<void> {
    await trx.deleteFrom('tracing_imports').where('id', '=', id).execute();
  }

  // ---------- chunks ----------

  // Chunks travel as base64 text, decoded and encoded by the database: both drivers move a long
  // string far faster than they serialise a bytea parameter (PGlite byte by byte, pg as hex).
  async insertChunk(importId: string, offset: number, data: Buffer, sha256: string, trx: Trx): Promise<void> {
    await sql`insert into tracing_import_chunks (import_id, "offset", data, sha256)
      values (${importId}, ${offset}, decode(${data.toString('base64')}, 'base64'), ${sha256})`.execute(trx);
  }
  async chunkHash(importId: string, offset: number, trx: Trx): Promise<string | null> {
    const r = await trx
      .selectFrom('tracing_import_chunks')
      .select('sha256')
      .where('import_id', '=', importId)
      .where('offset', '=', offset)
      .executeTakeFirst();
    return r?.sha256 ?? null;
  }
  async chunkHashes(importId: string, trx: Trx): Promise<string[]> {
    const rows = await trx
      .selectFrom('tracing_import_chunks')
      .select('sha256')
      .where('import_id', '=', importId)
      .orderBy('offset')
      .execute();
    return rows.map((r) => r.sha256);
  }
  /** The chunk that starts at or after an offset: one at a time, so a file never sits whole in memory. */
  async chunkFrom(importId: string, offset: number): Promise<{ offset: number; data: Buffer } | null> {
    const r = await sql<{ offset: number; data: string }>`
      select "offset", encode(data, 'base64') as data from tracing_import_chunks
      where import_id = ${importId} and "offset" >= ${offset} order by "offset" limit 1`.execute(this.db);
    const row = r.rows[0];
    // encode() breaks lines every 76 characters; Buffer's base64 decoder skips them.
    return row ? { offset: Number(row.offset), data: Buffer.from(row.data, 'base64') } : null;
  }
  async deleteChunks(importId: string, trx: Trx = this.db): Promise<void> {
    await trx.deleteFrom('tracing_import_chunks').where('import_id', '=', importId).execute();
  }

  // ---------- the import's writes ----------

  /**
   * Commits one batch in one transaction: the checkpoint moved from `from` to `to`, the rows by COPY
   * (the bulk of the import's database time), the rejects, and `finish` (the last batch ends the
   * import in the same transaction). When another run of the same import moved the checkpoint first,
   * nothing is written and the answer is false; the row lock taken by the move makes a concurrent
   * run wait for this one and then find the checkpoint gone.
   */
  commitBatch(
    importId: string,
    from: number,
    to: number,
    rows: CopyRows,
    rejects: { row: number; field: string; code: string }[],
    counts: { done: number; rejected: number; processedBytes: number },
    finish?: (trx: Trx) => Promise<void>,
  ): Promise<boolean> {
    return this.bulk(async ({ db, copyInto }) => {
      const trx = db as Trx;
      const moved = await trx
        .updateTable('tracing_imports')
        .set({
          checkpoint: to,
          rows_done: sql`rows_done + ${counts.done}`,
          rows_rejected: sql`rows_rejected + ${counts.rejected}`,
          processed_bytes: counts.processedBytes,
          updated_at: sql`now()`,
        })
        .where('id', '=', importId)
        .where('checkpoint', '=', from)
        .where('status', '=', 'running')
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false;
      await copyInto('tracing_manifest_rows', rows);
      if (rejects.length)
        await sql`
          insert into tracing_import_rejects (import_id, row, field, code)
          select ${importId}::uuid, * from unnest(
            ${rejects.map((x) => x.row)}::int[], ${rejects.map((x) => x.field)}::text[], ${rejects.map((x) => x.code)}::text[])
          on conflict do nothing`.execute(trx);
      await finish?.(trx);
      return true;
    });
  }
  /** Everything an import wrote: a failed import leaves nothing behind. */
  async undo(importId: string, trx: Trx): Promise<void> {
    await trx.deleteFrom('tracing_manifest_rows').where('import_id', '=', importId).execute();
    await trx.deleteFrom('tracing_import_rejects').where('import_id', '=', importId).execute();
    await trx.deleteFrom('tracing_import_chunks').where('import_id', '=', importId).execute();
  }
  async tripsOf(importId: string): Promise<{ number: string; date: string }[]> {
    const r = await sql<{ number: string; date: string }>`
      select distinct number, travel_date as date from tracing_manifest_rows where import_id = ${importId}`.execute(
      this.db,
    );
    return r.rows;
  }
  /** Rejected rows in file order, a page at a time (keyset on row and field). */
  rejects(importId: string, after: { row: number; field: string } | null, limit: number) {
    let query = this.db
      .selectFrom('tracing_import_rejects')
      .select(['row', 'field', 'code'])
      .where('import_id', '=', importId)
      .orderBy('row')
      .orderBy('field')
      .limit(limit);
    if (after)
      query = query.where((eb) =>
        eb.or([eb('row', '>', after.row), eb.and([eb('row', '=', after.row), eb('field', '>', after.field)])]),
      );
    return query.execute();
  }
  /** Imports queued or running that have not moved since `before`. */
  async stalled(before: Date): Promise<string[]> {
    const rows = await this.db
      .selectFrom('tracing_imports')
      .select('id')
      .where('status', 'in', ['queued', 'running'])
      .where('updated_at', '<', before)
      .execute();
    return rows.map((r) => r.id);
  }
  /** Uploads left unfinished for a day: deleted with their chunks. */
  async deleteAbandoned(before: Date): Promise<number> {
    const r = await this.db
      .deleteFrom('tracing_imports')
      .where('status', '=', 'uploading')
      .where('updated_at', '<', before)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

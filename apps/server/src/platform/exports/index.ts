import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../auth/actor.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Db } from '../db/index.ts';
import type { JobDefinition, Jobs } from '../jobs/index.ts';

export interface ExportFilesTable {
  id: string;
  kind: string;
  format: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  owner_id: string;
  region_code: string;
  purpose: string;
  rows_total: number | null;
  rows_done: number;
  bytes: number;
  error_code: string | null;
  created_at: Date;
  finished_at: Date | null;
}
interface ExportChunksTable {
  export_id: string;
  seq: number;
  data: Uint8Array;
}
type ExportsDb = Kysely<{ export_files: ExportFilesTable; export_chunks: ExportChunksTable }>;
export type ExportFile = ExportFilesTable;

const CHUNK_BYTES = 1 << 20;
const KEEP_MS = 86_400_000;

/** The job that writes an export, run as the person who asked for it (their reads are what is audited). */
export function exportJob(name: string, write: (exportId: string, actor: Actor) => Promise<void>): JobDefinition {
  return {
    name,
    retryLimit: 2,
    // A million rows take minutes; the queue's default expiry would cut the job off.
    expireInSeconds: 4 * 3600,
    handler: async (data) => {
      const { exportId, actor } = data as { exportId: string; actor: Pick<Actor, 'id' | 'kind' | 'label'> };
      await write(exportId, { ...actor, roles: [], permissions: [], jurisdiction: null, residentId: null });
    },
  };
}

/**
 * Files that background jobs write and people download later: kept in the database in 1 MiB chunks,
 * so any app process serves the download and nothing depends on one machine's disk.
 */
export class ExportStore {
  private readonly db: ExportsDb;
  constructor(
    db: Db,
    private readonly jobs: Jobs,
    private readonly audit: AuditLog,
  ) {
    this.db = db as ExportsDb;
  }

  /**
   * Records an export of the actor's jurisdiction and queues the module's job for it, with the request
   * audited, all in one transaction; answers the export's id.
   */
  async queue(actor: Actor, meta: { kind: string; format: string; purpose: string; job: string }): Promise<string> {
    const regionCode = actor.jurisdiction!;
    return (this.db as unknown as Db).transaction().execute(async (trx) => {
      const id = await this.create({ ...meta, ownerId: actor.id, regionCode }, trx);
      await this.jobs.sendWithin(trx, meta.job, {
        exportId: id,
        actor: { id: actor.id, kind: actor.kind, label: actor.label },
      });
      await this.audit.record(
        actor,
        { action: 'export-requested', subjectType: meta.kind, subjectId: id, purpose: meta.purpose, regionCode },
        trx,
      );
      return id;
    });
  }

  /** Records a queued export; pass the transaction that also queues its job. */
  async create(
    meta: { kind: string; format: string; ownerId: string; regionCode: string; purpose: string },
    trx?: Db,
  ): Promise<string> {
    const id = uuidv7();
    await ((trx as ExportsDb | undefined) ?? this.db)
      .insertInto('export_files')
      .values({
        id,
        kind: meta.kind,
        format: meta.format,
        status: 'queued',
        owner_id: meta.ownerId,
        region_code: meta.regionCode,
        purpose: meta.purpose,
        rows_total: null,
        rows_done: 0,
        bytes: 0,
        error_code: null,
        created_at: new Date(),
        finished_at: null,
      })
      .execute();
    return id;
  }

  get(id: string) {
    return this.db.selectFrom('export_files').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listOf(ownerId: string, limit = 20) {
    return this.db
      .selectFrom('export_files')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  /**
   * Writes what `produce` yields as the file, replacing any earlier attempt (a retried job starts
   * over), and reports progress every few thousand rows.
   */
  async write(
    id: string,
    rowsTotal: number,
    produce: (progress: (rowsDone: number) => Promise<void>) => AsyncIterable<string | Uint8Array>,
  ): Promise<void> {
    await this.db.deleteFrom('export_chunks').where('export_id', '=', id).execute();
    await this.db
      .updateTable('export_files')
      .set({ status: 'running', rows_total: rowsTotal, rows_done: 0, bytes: 0, error_code: null })
      .where('id', '=', id)
      .execute();
    let seq = 0;
    let bytes = 0;
    let parts: Buffer[] = [];
    let size = 0;
    const flush = async () => {
      if (!size) return;
      const data = Buffer.concat(parts, size);
      await this.db.insertInto('export_chunks').values({ export_id: id, seq: seq++, data }).execute();
      bytes += size;
      parts = [];
      size = 0;
    };
    const progress = async (rowsDone: number) => {
      await this.db.updateTable('export_files').set({ rows_done: rowsDone }).where('id', '=', id).execute();
    };
    for await (const piece of produce(progress)) {
      const buf = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece);
      parts.push(buf);
      size += buf.length;
      if (size >= CHUNK_BYTES) await flush();
    }
    await flush();
    await this.db
      .updateTable('export_files')
      .set({ status: 'done', rows_done: rowsTotal, bytes, finished_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  async fail(id: string, code: string): Promise<void> {
    await this.db
      .updateTable('export_files')
      .set({ status: 'failed', error_code: code, finished_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  /** The file's bytes in order, a chunk at a time (the download never holds the whole file). */
  async *read(id: string): AsyncIterable<Buffer> {
    for (let seq = 0; ; seq++) {
      const chunk = await this.db
        .selectFrom('export_chunks')
        .select('data')
        .where('export_id', '=', id)
        .where('seq', '=', seq)
        .executeTakeFirst();
      if (!chunk) return;
      yield Buffer.from(chunk.data);
    }
  }

  /** Deletes exports older than a day (personal data should not wait in a table). */
  async purge(now = new Date()): Promise<{ cutoff: Date; rows: number }> {
    const cutoff = new Date(now.getTime() - KEEP_MS);
    const r = await this.db.deleteFrom('export_files').where('created_at', '<', cutoff).executeTakeFirst();
    return { cutoff, rows: Number(r.numDeletedRows) };
  }
}

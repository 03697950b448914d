import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { v7 as uuidv7 } from 'uuid';
import { errorMessages, type ErrorCode, type ImportCreate, type ImportView, type Locale } from '@zhengtong/contracts';
import { can, systemActor, type Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError, forbidden, invalid, notFound, type FieldProblem } from '../../platform/errors.ts';
import { t } from '../../platform/i18n/locale.ts';
import type { Jobs } from '../../platform/jobs/index.ts';
import { shanghaiDate } from '../../platform/time.ts';
import type { Vault } from '../../platform/vault/index.ts';
import type { ContactTracingService } from './contact-tracing.service.ts';
import { MANIFEST_COLUMNS, type ImportRepository } from './contact-tracing.import.repository.ts';
import { csvHeaderOf, FileError, mapHeader, sealedBatches, type SealedBatch } from './contact-tracing.import.files.ts';
import type { ImportRow } from './contact-tracing.tables.ts';

export const IMPORT_JOB = 'contact-tracing.import';
export const IMPORT_CLEANUP_JOB = 'contact-tracing.import-cleanup';
/** Runs of one import (crashes, restarts) before it is given up and undone. */
const MAX_ATTEMPTS = 10;
const ABANDONED_MS = 24 * 3_600_000;
const STALLED_MS = 30 * 60_000;
/**
 * Threads that check and encrypt an import's rows (see sealedBatches): one core is left to the reader,
 * the commits and the database, and past two the reader cannot keep more of them busy.
 */
const SEALERS = Math.min(2, Math.max(1, availableParallelism() - 1));

export interface ImportOptions {
  maxBytes: number;
  chunkBytes: number;
  batchRows: number;
}

/** A run that lost the import to another run of it (a redelivered job): it stops without writing. */
class Superseded extends Error {}

/**
 * 导入: passenger manifests and other departments' lists from CSV or XLSX files of millions of rows.
 * The file is uploaded in chunks into the database (any process may take a chunk, any worker may
 * import it), then a job streams it through the same row check as the JSON import, committing each
 * batch with its checkpoint so a restarted run continues exactly after the last committed row.
 * Rows of an import are seen by contact discovery only once it is done; a failed import is undone.
 */
export class ManifestImportService {
  constructor(
    private readonly repo: ImportRepository,
    private readonly tracing: ContactTracingService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly jobs: Jobs,
    private readonly options: ImportOptions,
  ) {}

  /** Starts an import: its name, format and size; the bytes follow as chunks. */
  async create(actor: Actor, input: ImportCreate, locale: Locale): Promise<ImportView> {
    this.authorise(actor);
    if (input.size > this.options.maxBytes)
      throw new AppError('invalid', 'import.too_large', {
        status: 413,
        fields: [{ path: 'size', code: 'import.too_large' }],
      });
    const row = await this.repo.insert({
      id: uuidv7(),
      kind: input.kind,
      file_name: input.fileName.trim(),
      format: input.format,
      size: input.size,
      status: 'uploading',
      digest: null,
      error_code: null,
      retraced: null,
      created_by: actor.label,
      created_by_id: actor.kind === 'system' ? null : actor.id,
      region_code: actor.jurisdiction,
      started_at: null,
      finished_at: null,
    });
    await this.audit.record(actor, {
      action: 'create',
      subjectType: 'import',
      subjectId: row.id,
      purpose: 'contact-tracing',
      regionCode: actor.jurisdiction,
    });
    return this.view(row, locale);
  }

  /** One import, if the actor's jurisdiction holds it. */
  async get(actor: Actor, id: string, locale: Locale): Promise<ImportView> {
    return this.view(await this.visible(actor, id), locale);
  }

  /** Imports started within the actor's jurisdiction, newest first. */
  async list(actor: Actor, q: { limit: number; cursor?: string }, locale: Locale) {
    this.authorise(actor);
    const rows = await this.repo.page({ regionPrefix: actor.jurisdiction, limit: q.limit + 1, before: q.cursor });
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => this.view(r, locale)),
      nextCursor: rows.length > q.limit ? page.at(-1)!.id : null,
    };
  }

  /**
   * Stores the chunk at `offset`. Chunks come in order, each `chunkBytes` long but the last; a chunk
   * sent again with the same bytes (its answer was lost) is accepted again. A CSV whose first line
   * names wrong columns is refused at its first chunk, before the rest is sent.
   */
  async putChunk(actor: Actor, id: string, offset: number, data: Buffer, locale: Locale): Promise<ImportView> {
    const { chunkBytes } = this.options;
    const current = await this.visible(actor, id);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const sizeOk =
      data.length > 0 &&
      offset % chunkBytes === 0 &&
      offset + data.length <= current.size &&
      (data.length === chunkBytes || offset + data.length === current.size);
    if (!sizeOk) throw invalid('import.chunk_size', [{ path: 'body', code: 'import.chunk_size' }]);
    if (offset === 0 && current.uploaded_bytes === 0 && current.format === 'csv' && current.status === 'uploading') {
      const header = csvHeaderOf(data);
      const mapped = header ? mapHeader(header) : null;
      if (mapped && !mapped.ok) {
        await this.repo.update(id, {
          status: 'refused',
          error_code: 'import.columns',
          problems: JSON.stringify(mapped.problems),
        });
        throw invalid('import.columns', mapped.problems);
      }
    }
    const row = await this.repo.db.transaction().execute(async (trx) => {
      const imp = (await this.repo.lock(id, trx))!;
      if (offset < imp.uploaded_bytes) {
        // A repeat of a stored chunk is fine; different bytes there are not.
        if ((await this.repo.chunkHash(id, offset, trx)) !== sha256)
          throw new AppError('conflict', 'import.chunk_mismatch');
        return imp;
      }
      if (imp.status !== 'uploading') throw new AppError('conflict', 'import.not_uploading');
      if (offset > imp.uploaded_bytes) throw new AppError('conflict', 'import.chunk_offset');
      await this.repo.insertChunk(id, offset, data, sha256, trx);
      await this.repo.update(id, { uploaded_bytes: offset + data.length }, trx);
      return { ...imp, uploaded_bytes: offset + data.length };
    });
    return this.view(row, locale);
  }

  /**
   * The file is whole: queue its import (in the same transaction, so it is queued exactly once).
   * Completing again answers the import as it is; the same file submitted again answers the first
   * import of it, and the repeat is dropped.
   */
  async complete(actor: Actor, id: string, locale: Locale): Promise<ImportView> {
    await this.visible(actor, id);
    const row = await this.repo.db.transaction().execute(async (trx) => {
      const imp = (await this.repo.lock(id, trx))!;
      if (imp.status !== 'uploading') return imp;
      if (imp.uploaded_bytes !== imp.size) throw new AppError('conflict', 'import.incomplete');
      const digest = createHash('sha256')
        .update((await this.repo.chunkHashes(id, trx)).join(''))
        .digest('hex');
      const earlier = await this.repo.sameFile(imp.kind, digest, id, actor.jurisdiction, trx);
      if (earlier) {
        await this.repo.delete(id, trx);
        return earlier;
      }
      await this.repo.update(id, { status: 'queued', digest }, trx);
      await this.jobs.sendWithin(trx as unknown as Db, IMPORT_JOB, { importId: id });
      await this.audit.record(
        actor,
        {
          action: 'import',
          subjectType: 'manifest',
          subjectId: id,
          purpose: 'contact-tracing',
          fields: ['name', 'idNumber', 'phone'],
          regionCode: imp.region_code,
        },
        trx as unknown as Db,
      );
      return { ...imp, status: 'queued' as const, digest };
    });
    return this.view(row, locale);
  }

  /** The rejected rows as CSV: row number, field, code and reason; never a value from the file. */
  async rejectsCsv(actor: Actor, id: string, locale: Locale): Promise<{ fileName: string; body: Readable }> {
    const imp = await this.visible(actor, id);
    if (imp.status !== 'done') throw new AppError('conflict', 'import.not_finished');
    await this.audit.record(actor, {
      action: 'export',
      subjectType: 'import-rejects',
      subjectId: id,
      purpose: 'contact-tracing',
      regionCode: imp.region_code,
    });
    const repo = this.repo;
    async function* rows() {
      let after: { row: number; field: string } | null = null;
      for (;;) {
        const page = await repo.rejects(id, after, 5000);
        for (const r of page) yield [r.row, r.field, r.code, message(r.code, locale)];
        if (page.length < 5000) return;
        after = page.at(-1)!;
      }
    }
    const columns = locale === 'zh-CN' ? ['行号', '字段', '错误代码', '原因'] : ['row', 'field', 'code', 'reason'];
    const csv = Readable.from(rows()).pipe(stringify({ header: true, columns, bom: true }));
    return { fileName: `${imp.file_name.replace(/\.[^.]*$/, '')}-rejects.csv`, body: csv };
  }

  // ---------- the job ----------

  /**
   * Imports a queued file; safe to run again at any time (a crash, a redelivered job): committed rows
   * are skipped by the checkpoint, and a concurrent second run loses the checkpoint race and stops.
   */
  async run(importId: string): Promise<void> {
    const imp = await this.repo.get(importId);
    if (!imp) return;
    if (imp.status === 'done') {
      if (imp.retraced === null) await this.retrace(imp);
      return;
    }
    if (imp.status !== 'queued' && imp.status !== 'running') return;
    if (imp.attempts >= MAX_ATTEMPTS) return this.fail(imp, 'import.gave_up');
    await this.repo.update(importId, {
      status: 'running',
      attempts: imp.attempts + 1,
      started_at: imp.started_at ?? new Date(),
    });

    const source = chunkSource(this.repo, importId);
    const batches = sealedBatches(
      imp.format,
      source.chunks,
      {
        checkpoint: imp.checkpoint,
        batchRows: this.options.batchRows,
        today: shanghaiDate(new Date()),
        importId,
        columns: MANIFEST_COLUMNS,
        keys: this.vault.sealingKeys(),
      },
      SEALERS,
    );
    let committed = imp.checkpoint;
    // One batch commits while the workers prepare the next ones: the database and the CPU overlap.
    let inFlight: Promise<void> | null = null;
    let inFlightError: unknown = null;
    const settle = async () => {
      if (inFlight) await inFlight;
      inFlight = null;
      if (inFlightError) throw inFlightError;
    };
    try {
      for await (const batch of batches) {
        // A failed read ends the file early: no batch after it may pass for the file's end.
        if (source.failure()) throw source.failure();
        if ('refused' in batch) {
          await settle();
          return await this.refuse(imp, batch.refused);
        }
        await settle();
        const from = committed;
        committed = batch.lastRow;
        if (batch.last) await this.commitBatch(imp, batch, from, imp.size, true);
        else
          inFlight = this.commitBatch(imp, batch, from, batch.bytes).catch((e: unknown) => {
            inFlightError = e;
          });
      }
    } catch (e) {
      await inFlight;
      if (e instanceof Superseded) return;
      if (e instanceof FileError && !source.failure()) return await this.fail(imp, e.code);
      throw e;
    }
    await this.retrace(imp);
  }

  /**
   * The hourly sweep: deletes uploads nobody finished within a day, and queues again an import that
   * made no progress for half an hour (its job gave up or was lost); a second run of a live one is harmless.
   */
  async sweep(): Promise<{ abandoned: number; requeued: number }> {
    const abandoned = await this.repo.deleteAbandoned(new Date(Date.now() - ABANDONED_MS));
    const stalled = await this.repo.stalled(new Date(Date.now() - STALLED_MS));
    for (const id of stalled) await this.jobs.send(IMPORT_JOB, { importId: id });
    return { abandoned, requeued: stalled.length };
  }

  /** One batch with its checkpoint, atomically; the last one also finishes the import, in one transaction. */
  private async commitBatch(imp: ImportRow, b: SealedBatch, from: number, processedBytes: number, last = false) {
    const counts = { done: b.rows.length, rejected: b.rejectedRows, processedBytes };
    const finish = async (trx: ImportRepository['db']) => {
      await this.repo.update(imp.id, { status: 'done', finished_at: new Date() }, trx);
      await this.repo.deleteChunks(imp.id, trx);
      await this.audit.record(
        systemActor('contact-tracing.import'),
        {
          action: 'create',
          subjectType: 'manifest',
          subjectId: imp.id,
          purpose: 'contact-tracing',
          fields: ['name', 'idNumber', 'phone'],
          regionCode: imp.region_code,
        },
        trx as unknown as Db,
      );
    };
    if (!(await this.repo.commitBatch(imp.id, from, b.lastRow, b.rows, b.rejects, counts, last ? finish : undefined)))
      throw new Superseded();
  }

  /** Cases that took a trip of this manifest are traced again, once. */
  private async retrace(imp: ImportRow) {
    const retraced = await this.tracing.retraceTrips(await this.repo.tripsOf(imp.id));
    await this.repo.update(imp.id, { retraced });
  }

  private async refuse(imp: ImportRow, problems: FieldProblem[]) {
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.undo(imp.id, trx);
      await this.repo.update(
        imp.id,
        {
          status: 'refused',
          error_code: 'import.columns',
          problems: JSON.stringify(problems),
          finished_at: new Date(),
        },
        trx,
      );
    });
  }

  private async fail(imp: ImportRow, code: ErrorCode) {
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.undo(imp.id, trx);
      await this.repo.update(
        imp.id,
        { status: 'failed', error_code: code, rows_done: 0, rows_rejected: 0, checkpoint: 0, finished_at: new Date() },
        trx,
      );
    });
  }

  private authorise(actor: Actor) {
    if (!actor.permissions.includes('tracing.import') || !actor.jurisdiction) throw forbidden();
  }

  private async visible(actor: Actor, id: string): Promise<ImportRow> {
    this.authorise(actor);
    const row = await this.repo.get(id);
    if (!row || !can(actor, 'tracing.import', row.region_code)) throw notFound();
    return row;
  }

  private view(r: ImportRow, locale: Locale): ImportView {
    return {
      id: r.id,
      kind: r.kind,
      fileName: r.file_name,
      format: r.format,
      size: r.size,
      uploadedBytes: r.uploaded_bytes,
      chunkBytes: this.options.chunkBytes,
      status: r.status,
      processedBytes: Math.min(r.processed_bytes, r.size),
      rowsDone: r.rows_done,
      rowsRejected: r.rows_rejected,
      errorCode: r.error_code,
      problems: r.problems.map((p) => ({ ...p, message: message(p.code, locale) })),
      retraced: r.retraced,
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
    };
  }
}

const message = (code: string, locale: Locale) => (code in errorMessages ? t(code as ErrorCode, locale) : code);

/**
 * The uploaded file read from the database a chunk at a time. A failed read ends the chunks early
 * and is kept in `failure`: the importer then stops and retries, instead of taking a truncated file
 * for a broken one.
 */
function chunkSource(repo: ImportRepository, importId: string) {
  let failure: unknown = null;
  async function* chunks() {
    let offset = 0;
    for (;;) {
      let chunk: { offset: number; data: Buffer } | null;
      try {
        chunk = await repo.chunkFrom(importId, offset);
      } catch (e) {
        failure = e;
        return;
      }
      if (!chunk) return;
      offset = chunk.offset + chunk.data.length;
      yield chunk.data;
    }
  }
  return { chunks: chunks(), failure: () => failure };
}

import type { Insertable } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { CheckInRepository } from './check-in.repository.ts';
import type { CheckInsTable } from './check-in.tables.ts';

/**
 * Checkpoint scans arrive by the thousand per second: their check-ins are written in batches (one
 * INSERT per batch) instead of one round trip each. `close` writes what is pending, so a graceful
 * shutdown loses nothing; a failed batch is retried with the next one.
 */
export class CheckInWriter {
  private pending: Insertable<CheckInsTable>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repo: CheckInRepository,
    private readonly log: FastifyBaseLogger,
    private readonly options = { maxRows: 500, maxDelayMs: 50 },
  ) {}

  add(row: Insertable<CheckInsTable>) {
    this.pending.push(row);
    if (this.pending.length >= this.options.maxRows) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.maxDelayMs);
  }

  /** Writes everything added so far; resolves when it is in the database. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (!batch.length) return;
      try {
        await this.repo.insertCheckIns(batch);
      } catch (e) {
        this.log.error({ err: e, rows: batch.length }, 'check-in batch failed; kept for the next flush');
        this.pending.unshift(...batch);
        this.timer ??= setTimeout(() => void this.flush(), 1000);
      }
    });
    return this.flushing;
  }

  async close() {
    await this.flush();
    // A batch that failed just now is tried once more before the process ends.
    if (this.pending.length) await this.flush();
  }
}

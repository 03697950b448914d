import PgBoss from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import { CompiledQuery } from 'kysely';
import type { Database, Db } from '../db/index.ts';

export interface JobDefinition<T extends object = object> {
  /** `<module>.<job>`, kebab-case. */
  name: string;
  handler: (data: T) => Promise<void>;
  /** Cron expression (UTC) for recurring jobs. */
  cron?: string;
  retryLimit?: number;
  /** How long one run may take before the queue counts it as lost and retries it (default 15 minutes). */
  expireInSeconds?: number;
  /**
   * Jobs a worker takes per poll (default 1). Short jobs that come by the thousand (event deliveries)
   * take many: a worker polls every 2 s, so one a poll would deliver a traced case's contacts in hours.
   */
  batchSize?: number;
}

export interface JobsOptions {
  schema?: string;
  /** Run workers and schedules here; without, this process only queues jobs (scripts, tests). */
  workers: boolean;
}

/**
 * Background jobs on the database through pg-boss: durable, retried, shared by every app process
 * (one worker takes each job), on PostgreSQL or the embedded PGlite alike.
 */
export class Jobs {
  private readonly boss: PgBoss;
  private readonly definitions = new Map<string, JobDefinition>();
  private readonly workers: boolean;
  private started = false;

  constructor(
    database: Database,
    private readonly log: FastifyBaseLogger,
    options: JobsOptions,
  ) {
    const connection =
      'url' in database.connection
        ? { connectionString: database.connection.url, max: 4 }
        : { db: { executeSql: database.connection.executeSql as PgBoss.Db['executeSql'] } };
    this.workers = options.workers;
    this.boss = new PgBoss({
      ...connection,
      schema: options.schema ?? 'jobs',
      migrate: true,
      supervise: options.workers,
      schedule: options.workers,
    });
    this.boss.on('error', (err) => this.log.error({ err }, 'job queue error'));
  }

  define<T extends object>(definition: JobDefinition<T>) {
    if (this.started) throw new Error(`job ${definition.name} defined after start`);
    this.definitions.set(definition.name, definition as JobDefinition);
  }

  /** Creates the queues and, in a worker process, starts the workers and the schedules. */
  async start() {
    await this.boss.start();
    for (const d of this.definitions.values()) {
      await this.boss.createQueue(d.name, {
        name: d.name,
        retryLimit: d.retryLimit ?? 3,
        retryBackoff: true,
        ...(d.expireInSeconds ? { expireInSeconds: d.expireInSeconds } : {}),
      });
      if (!this.workers) continue;
      await this.boss.work<object>(d.name, { pollingIntervalSeconds: 2, batchSize: d.batchSize ?? 1 }, async (jobs) => {
        // Each job of a batch succeeds or fails alone: the failed ones are retried, the rest completed.
        for (const job of jobs)
          try {
            await d.handler(job.data);
          } catch (err) {
            if (jobs.length === 1) throw err;
            this.log.warn({ err, job: d.name }, 'job failed; it will be retried');
            await this.boss.fail(d.name, job.id, { message: String((err as Error)?.message ?? err) });
          }
      });
      if (d.cron) await this.boss.schedule(d.name, d.cron, {}, { tz: 'UTC' });
    }
    this.started = true;
  }

  /** Queues one run; returns the job id. */
  async send<T extends object>(name: string, data: T): Promise<string | null> {
    if (!this.definitions.has(name)) throw new Error(`unknown job ${name}`);
    return this.boss.send(name, data);
  }

  /**
   * Queues a job inside the caller's transaction: it exists only if the transaction commits, so a
   * change and the work it causes are never separated (the outbox pattern, with the queue as outbox).
   */
  async sendWithin<T extends object>(trx: Db, name: string, data: T): Promise<void> {
    if (!this.definitions.has(name)) throw new Error(`unknown job ${name}`);
    await this.boss.send(name, data, { db: within(trx) });
  }

  /** Queues many jobs of one kind in the caller's transaction, in one statement. */
  async sendManyWithin<T extends object>(trx: Db, name: string, data: T[]): Promise<void> {
    if (!this.definitions.has(name)) throw new Error(`unknown job ${name}`);
    if (!data.length) return;
    await this.boss.insert(
      data.map((d) => ({ name, data: d })),
      { db: within(trx) },
    );
  }

  /** Waits for a job to finish (for operations and tests); returns its final state. */
  async wait(name: string, id: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.boss.getJobById(name, id);
      if (job && ['completed', 'failed', 'cancelled'].includes(job.state)) return job.state;
      if (Date.now() > deadline) throw new Error(`job ${name}/${id} did not finish in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop() {
    if (this.started) await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    this.started = false;
  }
}

/** pg-boss runs its statements through the caller's transaction, so a job is queued only if it commits. */
function within(trx: Db): PgBoss.Db {
  return {
    executeSql: async (text, values) => ({
      rows: (await trx.executeQuery(CompiledQuery.raw(text, values ?? []))).rows,
    }),
  };
}

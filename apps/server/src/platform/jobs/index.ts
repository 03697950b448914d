import PgBoss from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/index.ts';

export interface JobDefinition<T extends object = object> {
  /** `<module>.<job>`, kebab-case. */
  name: string;
  handler: (data: T) => Promise<void>;
  /** Cron expression (UTC) for recurring jobs. */
  cron?: string;
  retryLimit?: number;
}

/**
 * Background jobs on the database through pg-boss: durable, retried, shared by every app process
 * (one worker takes each job), on PostgreSQL or the embedded PGlite alike.
 */
export class Jobs {
  private readonly boss: PgBoss;
  private readonly definitions = new Map<string, JobDefinition>();
  private started = false;

  constructor(
    database: Database,
    private readonly log: FastifyBaseLogger,
    schema = 'jobs',
  ) {
    const connection =
      'url' in database.connection
        ? { connectionString: database.connection.url, max: 4 }
        : { db: { executeSql: database.connection.executeSql as PgBoss.Db['executeSql'] } };
    this.boss = new PgBoss({ ...connection, schema, migrate: true, supervise: true, schedule: true });
    this.boss.on('error', (err) => this.log.error({ err }, 'job queue error'));
  }

  define<T extends object>(definition: JobDefinition<T>) {
    if (this.started) throw new Error(`job ${definition.name} defined after start`);
    this.definitions.set(definition.name, definition as JobDefinition);
  }

  /** Creates the queues, starts the workers and the schedules. */
  async start() {
    await this.boss.start();
    for (const d of this.definitions.values()) {
      await this.boss.createQueue(d.name, { name: d.name, retryLimit: d.retryLimit ?? 3, retryBackoff: true });
      await this.boss.work<object>(d.name, { pollingIntervalSeconds: 2 }, async (jobs) => {
        for (const job of jobs) await d.handler(job.data);
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

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { actorOf } from '../auth/request.ts';
import type { Db } from '../db/index.ts';
import { forbidden } from '../errors.ts';
import type { JobDefinition } from '../jobs/index.ts';

interface PurgeRunsTable {
  id: string;
  job: string;
  ran_at: Date;
  cutoff: Date;
  rows: number;
}
type RetentionDb = Kysely<{ purge_runs: PurgeRunsTable }>;

export const PurgeRun = Type.Object({
  id: Type.String(),
  job: Type.String(),
  ranAt: Type.String({ format: 'date-time' }),
  cutoff: Type.String({ format: 'date-time' }),
  rows: Type.Integer(),
});

/** Every retention purge logs when it ran and how many rows it removed, so deletion is visible. */
export class RetentionLog {
  private readonly db: RetentionDb;
  constructor(db: Db) {
    this.db = db as RetentionDb;
  }

  /** A scheduled job that runs a purge and logs it. */
  purgeJob(name: string, cron: string, purge: (now: Date) => Promise<{ cutoff: Date; rows: number }>): JobDefinition {
    return { name, cron, handler: async () => void (await this.run(name, purge)) };
  }

  async run(job: string, purge: (now: Date) => Promise<{ cutoff: Date; rows: number }>) {
    const ranAt = new Date();
    const { cutoff, rows } = await purge(ranAt);
    await this.db.insertInto('purge_runs').values({ id: uuidv7(), job, ran_at: ranAt, cutoff, rows }).execute();
    return { cutoff, rows };
  }

  async list(limit: number) {
    const rows = await this.db.selectFrom('purge_runs').selectAll().orderBy('ran_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      job: r.job,
      ranAt: r.ran_at.toISOString(),
      cutoff: r.cutoff.toISOString(),
      rows: r.rows,
    }));
  }
}

export const retentionRoutes: FastifyPluginAsyncTypebox<{ log: RetentionLog }> = async (app, opts) => {
  app.get(
    '/purge-runs',
    {
      schema: {
        tags: ['retention'],
        summary: 'When each retention purge ran and how many rows it removed',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(PurgeRun) }) },
      },
    },
    async (req) => {
      if (!actorOf(req).permissions.includes('audit.read')) throw forbidden();
      return { items: await opts.log.list(req.query.limit ?? 50) };
    },
  );
};

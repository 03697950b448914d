import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app.ts';
import { Jobs } from './index.ts';

describe('background jobs on the database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ residents: 0, build: { startJobs: true } });
  });
  afterAll(async () => t?.close());

  it('runs a job with its data, and retries a failing one before marking it failed', async () => {
    const jobs = new Jobs(t.zt.platform.database, t.app.log, { schema: 'jobs_test', workers: true });
    const seen: unknown[] = [];
    let attempts = 0;
    jobs.define<{ n: number }>({ name: 'test.echo', handler: async (data) => void seen.push(data) });
    jobs.define({
      name: 'test.flaky',
      retryLimit: 1,
      handler: async () => {
        attempts++;
        throw new Error('always fails');
      },
    });
    await jobs.start();
    try {
      const ok = await jobs.send('test.echo', { n: 42 });
      expect(await jobs.wait('test.echo', ok!)).toBe('completed');
      expect(seen).toEqual([{ n: 42 }]);
      const bad = await jobs.send('test.flaky', {});
      expect(await jobs.wait('test.flaky', bad!, 60_000)).toBe('failed');
      expect(attempts).toBe(2);
    } finally {
      await jobs.stop();
    }
  }, 90_000);

  it('takes a batch of jobs per poll; one that fails is retried alone, the others complete once', async () => {
    const jobs = new Jobs(t.zt.platform.database, t.app.log, { schema: 'jobs_batch_test', workers: true });
    const runs: number[] = [];
    jobs.define<{ n: number }>({
      name: 'test.batch',
      batchSize: 20,
      retryLimit: 2,
      handler: async ({ n }) => {
        runs.push(n);
        if (n === 3 && runs.filter((r) => r === 3).length === 1) throw new Error('fails once');
      },
    });
    await jobs.start();
    try {
      const db = t.zt.platform.database.db;
      await db.transaction().execute(async (trx) =>
        jobs.sendManyWithin(
          trx,
          'test.batch',
          Array.from({ length: 10 }, (_, n) => ({ n })),
        ),
      );
      const deadline = Date.now() + 60_000;
      while (runs.length < 11 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 500));
      expect(runs.filter((n) => n === 3)).toHaveLength(2);
      expect(runs.filter((n) => n !== 3).sort((x, y) => x - y)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
      const states = await sql<{ state: string; n: number }>`select state, count(*)::int as n
        from jobs_batch_test.job where name = 'test.batch' group by state`.execute(db);
      expect(states.rows).toEqual([{ state: 'completed', n: 10 }]);
    } finally {
      await jobs.stop();
    }
  }, 90_000);

  it('purges expired sessions and keeps live ones', async () => {
    const db = t.zt.platform.database.db;
    await sql`insert into sessions (token_hash, account_kind, account_id, csrf_token, expires_at)
      values ('live', 'staff', '01930000-0000-7000-8000-000000000001', 'x', now() + interval '1 hour'),
             ('dead', 'staff', '01930000-0000-7000-8000-000000000001', 'x', now() - interval '1 minute')`.execute(db);
    const jobs = t.zt.platform.jobs;
    const id = await jobs.send('identity.purge-expired-sessions', {});
    expect(await jobs.wait('identity.purge-expired-sessions', id!)).toBe('completed');
    const rows = await sql<{ token_hash: string }>`select token_hash from sessions order by token_hash`.execute(db);
    expect(rows.rows.map((r) => r.token_hash)).toEqual(['live']);
  }, 60_000);
});

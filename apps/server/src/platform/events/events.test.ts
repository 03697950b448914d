import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app.ts';
import { Jobs } from '../jobs/index.ts';
import { EventBus } from './index.ts';

describe('event bus', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ residents: 0, build: { startJobs: true } });
  });
  afterAll(async () => t?.close());

  it('delivers every fact published in bulk to each listener, and none of a rolled-back transaction', async () => {
    const jobs = new Jobs(t.zt.platform.database, t.app.log, { schema: 'jobs_events_test', workers: true });
    const events = new EventBus(jobs);
    const a: number[] = [];
    const b: number[] = [];
    events.on<{ n: number }>('test.happened', 'test.first', async (p) => void a.push(p.n));
    events.on<{ n: number }>('test.happened', 'test.second', async (p) => void b.push(p.n));
    await jobs.start();
    try {
      const db = t.zt.platform.database.db;
      await db.transaction().execute(async (trx) =>
        events.publishMany(
          trx,
          'test.happened',
          [1, 2, 3].map((n) => ({ n })),
        ),
      );
      await expect(
        db.transaction().execute(async (trx) => {
          await events.publishMany(trx, 'test.happened', [{ n: 99 }]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      const deadline = Date.now() + 30_000;
      while ((a.length < 3 || b.length < 3) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(a.sort()).toEqual([1, 2, 3]);
      expect(b.sort()).toEqual([1, 2, 3]);
    } finally {
      await jobs.stop();
    }
  }, 60_000);
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  buildTestApp,
  JIANGAN,
  signInStaff,
  WUCHANG,
  type Signed,
  type TestApp,
} from '../../../test/build-test-app.ts';
import { contributions, difference } from './case-report.stats.ts';

describe('rollup arithmetic', () => {
  const day = (d: string) => new Date(`${d}T10:00:00+08:00`);
  const row = { region_code: '420106001001001', source: 'local' as const, outcome: null, outcome_at: null };

  it('counts each classification in on the day it was set and out on the day of the next', () => {
    expect(
      contributions(row, [
        { classification: 'suspected', at: day('2026-11-28') },
        { classification: 'confirmed', at: day('2026-11-30') },
      ]),
    ).toEqual([
      { districtCode: '420106', source: 'local', day: '2026-11-28', classification: 'suspected', entered: 1, left: 0 },
      { districtCode: '420106', source: 'local', day: '2026-11-30', classification: 'suspected', entered: 0, left: 1 },
      { districtCode: '420106', source: 'local', day: '2026-11-30', classification: 'confirmed', entered: 1, left: 0 },
    ]);
  });

  it('moves a case to another source without counting it as new twice', () => {
    const history = [{ classification: 'confirmed' as const, at: day('2026-11-28') }];
    const moved = difference(contributions(row, history), contributions({ ...row, source: 'imported' }, history));
    expect(moved).toEqual([
      expect.objectContaining({ source: 'local', entered: -1 }),
      expect.objectContaining({ source: 'imported', entered: 1 }),
    ]);
    expect(difference(contributions(row, history), contributions(row, history))).toEqual([]);
  });
});

describe('daily statistics', () => {
  let t: TestApp;
  let medical: Signed;
  let cdc: Signed;
  const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await buildTestApp({ residents: 1 });
    [medical, cdc] = await Promise.all([signInStaff(t.app, 'medical'), signInStaff(t.app, 'cdc')]);
  });
  afterAll(() => t?.close());

  const report = async (classification: string, name: string) => {
    const res = await as(t.app, medical, {
      method: 'POST',
      url: '/api/v1/case-report/cases',
      payload: { name, onsetDate: today(), diagnosedAt: new Date().toISOString(), classification, symptoms: [] },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  it('keeps the rollup equal to a recount of the cases, through every kind of change', async () => {
    const a = await report('confirmed', '统计甲');
    const b = await report('suspected', '统计乙');
    const c = await report('suspected', '统计丙');
    await report('asymptomatic', '统计丁');
    await report('unexplained_pneumonia', '统计戊');
    await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${b}/classification`,
      payload: { classification: 'confirmed', reason: '核酸阳性' },
    });
    await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${c}/outcome`,
      payload: { outcome: 'excluded' },
    });
    await as(t.app, cdc, {
      method: 'PUT',
      url: `/api/v1/case-report/cases/${a}/source`,
      payload: { source: 'imported', note: '广东省' },
    });
    const res = await as(t.app, cdc, {
      method: 'GET',
      url: `/api/v1/case-report/statistics?from=${today()}&to=${today()}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const stats = res.json();
    const current = (classification: string, source?: string) =>
      stats.rows
        .filter(
          (r: { classification: string; source: string }) =>
            r.classification === classification && (!source || r.source === source),
        )
        .reduce((s: number, r: { current: number }) => s + r.current, 0);
    expect(current('confirmed')).toBe(2);
    expect(current('confirmed', 'imported')).toBe(1);
    expect(current('suspected')).toBe(0);
    expect(current('asymptomatic')).toBe(1);
    expect(current('unexplained_pneumonia')).toBe(1);
    // Two entered "suspected" today; both left it (one confirmed, one excluded).
    const suspected = stats.rows.filter((r: { classification: string }) => r.classification === 'suspected');
    expect(suspected.reduce((s: number, r: { new: number }) => s + r.new, 0)).toBe(2);
    expect(suspected.reduce((s: number, r: { left: number }) => s + r.left, 0)).toBe(2);
    expect(stats.districts).toEqual([expect.objectContaining({ code: WUCHANG, name: '武昌区' })]);

    // The same figures counted from the person-level rows.
    const recount = await sql<{ classification: string; source: string; n: number }>`
      select classification, source, count(*)::int as n from cases
      where outcome is distinct from 'excluded' group by classification, source`.execute(t.zt.platform.database.db);
    for (const r of recount.rows) expect(current(r.classification, r.source)).toBe(r.n);
    expect(res.body).not.toContain('统计');
  });

  it('is only for roles that read statistics, within their jurisdiction, and refuses a backwards range', async () => {
    await t.zt.services.identity.seedStaff({
      username: 'leader-jiangan',
      displayName: '江岸区领导',
      password: 'Strong-pass-2026',
      roles: ['leader'],
      jurisdictionCode: JIANGAN,
    });
    const leader = await signInStaff(t.app, 'leader-jiangan', 'Strong-pass-2026');
    const res = await as(t.app, leader, {
      method: 'GET',
      url: `/api/v1/case-report/statistics?from=${today()}&to=${today()}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().rows).toEqual([]);
    const backwards = await as(t.app, cdc, {
      method: 'GET',
      url: `/api/v1/case-report/statistics?from=${today()}&to=2020-01-01`,
    });
    expect(backwards.statusCode).toBe(400);
  });
});

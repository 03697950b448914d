import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  buildTestApp,
  makeIdNumber,
  signInResident,
  signInStaff,
  uniquePhone,
  type TestApp,
} from '../../test/build-test-app.ts';
import { DEMO_RESIDENT_PHONE } from './demo-city.ts';
import { ensureDemoOutbreak } from './demo-outbreak.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ residents: 10, build: { startJobs: true } });
});
afterAll(() => t?.close());

describe('demo outbreak', () => {
  it('makes linked clusters and a co-traveller entry once, through the services', async () => {
    // The demo city puts about sixteen residents in each grid; this small one needs two more there.
    const admin = await signInStaff(t.app, 'admin');
    for (const [i, name] of ['网格甲', '网格乙'].entries()) {
      const res = await as(t.app, admin, {
        method: 'POST',
        url: '/api/v1/identity/residents',
        payload: {
          name,
          idNumber: makeIdNumber(t.grids[0]!.slice(0, 6), '19800101', 800 + i),
          phone: uniquePhone(),
          regionCode: t.grids[0],
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    await ensureDemoOutbreak(t.zt, { grid: t.grids[0] });
    await ensureDemoOutbreak(t.zt, { grid: t.grids[0] });
    const cdc = await signInStaff(t.app, 'cdc');
    const chains = (await as(t.app, cdc, { method: 'GET', url: '/api/v1/contact-tracing/chains/clusters' })).json();
    expect(chains.totals).toMatchObject({ cases: 26, clusters: 7 });
    expect(chains.clusters.map((c: { cases: number }) => c.cases)).toEqual([9, 6, 4, 3, 2, 1, 1]);
    expect(chains.totals.contacts).toBeGreaterThan(26);
    const day = new Date(Date.now() + 8 * 3_600_000 - 3 * 86_400_000).toISOString().slice(0, 10);
    const found = await t.app.inject({ url: `/api/v1/contact-tracing/co-travel?date=${day}&number=G1234&carriage=5` });
    expect(found.json()).toMatchObject({ found: true, trips: [{ fromStation: '武汉', toStation: '北京西' }] });

    // The grid worker has two household contacts of a case to follow up; the demo resident stays green.
    const grid = await signInStaff(t.app, 'grid');
    const deadline = Date.now() + 20_000;
    let tasks: { name: string; status: string }[] = [];
    while (tasks.length < 2 && Date.now() < deadline) {
      tasks = (await as(t.app, grid, { method: 'GET', url: '/api/v1/community/tasks' })).json().items;
      if (tasks.length < 2) await new Promise((r) => setTimeout(r, 200));
    }
    expect(tasks).toHaveLength(2);
    expect(tasks.every((x) => x.status === 'open' && /\*/.test(x.name))).toBe(true);
    const resident = await signInResident(t.app, DEMO_RESIDENT_PHONE);
    const code = (await as(t.app, resident, { method: 'GET', url: '/api/v1/health-code/status' })).json();
    expect(code.colour).not.toBe('red');
  });
});

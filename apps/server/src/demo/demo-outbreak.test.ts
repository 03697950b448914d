import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, signInStaff, type TestApp } from '../../test/build-test-app.ts';
import { ensureDemoOutbreak } from './demo-outbreak.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ residents: 10 });
});
afterAll(() => t?.close());

describe('demo outbreak', () => {
  it('makes linked clusters and a co-traveller entry once, through the services', async () => {
    await ensureDemoOutbreak(t.zt);
    await ensureDemoOutbreak(t.zt);
    const cdc = await signInStaff(t.app, 'cdc');
    const chains = (await as(t.app, cdc, { method: 'GET', url: '/api/v1/contact-tracing/chains/clusters' })).json();
    expect(chains.totals).toMatchObject({ cases: 26, clusters: 7 });
    expect(chains.clusters.map((c: { cases: number }) => c.cases)).toEqual([9, 6, 4, 3, 2, 1, 1]);
    expect(chains.totals.contacts).toBeGreaterThan(26);
    const day = new Date(Date.now() + 8 * 3_600_000 - 3 * 86_400_000).toISOString().slice(0, 10);
    const found = await t.app.inject({ url: `/api/v1/contact-tracing/co-travel?date=${day}&number=G1234&carriage=5` });
    expect(found.json()).toMatchObject({ found: true, trips: [{ fromStation: '武汉', toStation: '北京西' }] });
  });
});

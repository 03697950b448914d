import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, signInStaff, type TestApp } from '../../test/build-test-app.ts';
import { DEMO_PASSWORD } from './demo-city.ts';
import {
  DEMO_DONOR,
  DEMO_LOGISTICS_ACCOUNT,
  DEMO_MASK_DONOR,
  DEMO_WAREHOUSE,
  ensureDemoSupplies,
} from './demo-supplies.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ residents: 10 });
});
afterAll(() => t?.close());

describe('demo supplies', () => {
  it('stocks the city once, with an alert, a donation trail that verifies and an open request', async () => {
    await ensureDemoSupplies(t.zt);
    await ensureDemoSupplies(t.zt);
    const city = await signInStaff(t.app, DEMO_LOGISTICS_ACCOUNT, DEMO_PASSWORD);
    const locations = (await as(t.app, city, { url: '/api/v1/supplies/locations' })).json().items;
    expect(locations.filter((l: { name: string }) => l.name === DEMO_WAREHOUSE)).toHaveLength(1);
    const stock = (await as(t.app, city, { url: '/api/v1/supplies/stock' })).json().items;
    const jinyintan = stock.find(
      (s: { location: { name: string }; item: { code: string } }) =>
        s.location.name === '武汉市金银潭医院' && s.item.code === 'MASK-N95',
    );
    expect(jinyintan).toMatchObject({ onHand: 300, alert: 'emergency' });
    const open = (await as(t.app, city, { url: '/api/v1/supplies/requests?status=open' })).json().items;
    expect(open.map((r: { location: { name: string } }) => r.location.name)).toEqual(['武汉大学人民医院']);
    const proposal = (
      await as(t.app, city, {
        url: `/api/v1/supplies/allocation-proposal?warehouseId=${locations.find((l: { name: string }) => l.name === DEMO_WAREHOUSE).id}`,
      })
    ).json();
    expect(proposal.lines.length).toBeGreaterThan(0);

    const donations = (await t.app.inject({ url: '/api/v1/supplies/public/donations' })).json().items;
    expect(donations.map((d: { donor: string }) => d.donor).sort()).toEqual(
      ['', DEMO_DONOR, DEMO_MASK_DONOR, DEMO_MASK_DONOR].sort(),
    );
    const named = donations.find((d: { donor: string }) => d.donor === DEMO_DONOR);
    const trail = (await t.app.inject({ url: `/api/v1/supplies/public/ledger?donationId=${named.id}` })).json().items;
    expect(new Set(trail.map((e: { kind: string }) => e.kind))).toEqual(
      new Set(['pledge', 'receipt', 'allocation', 'dispatch', 'delivery', 'distribution']),
    );
    expect((await t.app.inject({ url: '/api/v1/supplies/public/ledger/verify' })).json()).toMatchObject({ ok: true });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, signInResident, signInStaff, type TestApp } from '../../test/build-test-app.ts';
import { DEMO_PASSWORD, DEMO_RESIDENT_PHONE } from './demo-city.ts';
import { DEMO_CAMPAIGN_TITLE, DEMO_PHARMACY_ACCOUNT, ensureDemoReservations } from './demo-reservations.ts';
import { ensureDemoSupplies } from './demo-supplies.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ residents: 10 });
});
afterAll(() => t?.close());

describe('demo reservations', () => {
  it('opens one mask campaign in 江岸区 once, which the demo resident reserves and the pharmacy redeems', async () => {
    await ensureDemoSupplies(t.zt);
    await ensureDemoReservations(t.zt);
    await ensureDemoReservations(t.zt);
    const officer = await signInStaff(t.app, 'officer');
    const campaigns = (await as(t.app, officer, { method: 'GET', url: '/api/v1/reservation/campaigns' })).json();
    const demo = campaigns.items.filter((c: { title: string }) => c.title === DEMO_CAMPAIGN_TITLE);
    expect(demo).toHaveLength(1);
    expect(demo[0]).toMatchObject({ status: 'open', kind: 'masks', quota: 2 * 42 * 30, left: 2 * 42 * 30 });

    const resident = await signInResident(t.app, DEMO_RESIDENT_PHONE);
    const open = (await as(t.app, resident, { method: 'GET', url: '/api/v1/reservation/open' })).json();
    const site = open.items.find((c: { id: string }) => c.id === demo[0].id).sites[0];
    const made = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/reservation/reservations',
      payload: { slotId: site.slots[0].id },
    });
    expect(made.statusCode).toBe(201);
    const code = (
      await as(t.app, resident, {
        method: 'GET',
        url: `/api/v1/reservation/reservations/${made.json().id}/pickup-code`,
      })
    ).json();
    const pharmacy = await signInStaff(t.app, DEMO_PHARMACY_ACCOUNT, DEMO_PASSWORD);
    const redeemed = await as(t.app, pharmacy, {
      method: 'POST',
      url: '/api/v1/reservation/redemptions',
      payload: { text: code.text, siteId: site.id },
    });
    expect(redeemed.statusCode).toBe(200);
    expect(redeemed.json()).toMatchObject({ items: 5 });
    // The five masks left the pharmacy's donated stock, and the public ledger says so.
    const ledger = (await t.app.inject({ url: '/api/v1/supplies/public/ledger?limit=100' })).json().items as {
      kind: string;
      body: { quantity?: number; from?: string };
    }[];
    expect(ledger.some((e) => e.kind === 'distribution' && e.body.quantity === 5 && e.body.from === site.name)).toBe(
      true,
    );
  });
});

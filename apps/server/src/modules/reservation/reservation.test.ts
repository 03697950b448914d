import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { permissionsOf, type CampaignInput } from '@zhengtong/contracts';
import {
  as,
  buildTestApp,
  JIANGAN,
  makeIdNumber,
  residentActor,
  residentIdsIn,
  signInResident,
  signInStaff,
  uniquePhone,
  type Signed,
  type TestApp,
} from '../../../test/build-test-app.ts';
import { DEMO_RESIDENT_PHONE } from '../../demo/demo-city.ts';
import type { Actor } from '../../platform/auth/actor.ts';

const HOUR = 3_600_000;
let t: TestApp;
let officer: Signed;
let resident: Signed;
let siteStaff: Signed;
let street: string;

beforeAll(async () => {
  t = await buildTestApp({ residents: 120 });
  street = (await t.zt.services.regions.list({ parent: JIANGAN, limit: 1 })).items[0]!.code;
  await t.zt.services.identity.seedStaff({
    username: 'pharmacist',
    displayName: '药店店员',
    password: 'Strong-pass-2026',
    roles: ['venue_staff'],
    jurisdictionCode: JIANGAN,
  });
  officer = await signInStaff(t.app, 'officer');
  siteStaff = await signInStaff(t.app, 'pharmacist', 'Strong-pass-2026');
  resident = await signInResident(t.app, DEMO_RESIDENT_PHONE);
});
afterAll(() => t?.close());

const campaign = (over: Partial<CampaignInput> = {}, quota = 5): CampaignInput => ({
  kind: 'masks',
  title: '江岸区口罩预约',
  regionCode: JIANGAN,
  mode: 'first_come',
  oncePerDays: 0,
  itemsPerPerson: 5,
  sites: [
    {
      name: '江岸大药房',
      address: '江岸区解放大道 1 号',
      regionCode: street,
      slots: [
        {
          startsAt: new Date(Date.now() - HOUR).toISOString(),
          endsAt: new Date(Date.now() + 2 * HOUR).toISOString(),
          quota,
        },
      ],
    },
  ],
  ...over,
});

async function openCampaign(over: Partial<CampaignInput> = {}, quota = 5) {
  const created = await as(t.app, officer, {
    method: 'POST',
    url: '/api/v1/reservation/campaigns',
    payload: campaign(over, quota),
  });
  expect(created.statusCode, created.body).toBe(201);
  const opened = await as(t.app, officer, {
    method: 'POST',
    url: `/api/v1/reservation/campaigns/${created.json().id}/status`,
    payload: { status: 'open' },
  });
  expect(opened.statusCode, opened.body).toBe(200);
  return opened.json() as { id: string; sites: { id: string; slots: { id: string; left: number }[] }[] };
}

describe('reservations', () => {
  it('an official opens a campaign, a resident reserves and gets a pickup code, the site redeems it once', async () => {
    const c = await openCampaign();
    const open = await as(t.app, resident, { method: 'GET', url: '/api/v1/reservation/open' });
    expect(open.json().items.map((x: { id: string }) => x.id)).toContain(c.id);
    const slotId = c.sites[0]!.slots[0]!.id;
    // A double click: two requests under one Idempotency-Key are one reservation.
    const [first, second] = await Promise.all(
      [1, 2].map(() =>
        as(t.app, resident, {
          method: 'POST',
          url: '/api/v1/reservation/reservations',
          headers: { 'idempotency-key': `reserve-${c.id}` },
          payload: { slotId },
        }),
      ),
    );
    const answers = [first!, second!].map((r) => r.statusCode).sort();
    expect(answers[0]).toBe(201);
    const reservation = [first!, second!].find((r) => r.statusCode === 201)!.json();
    expect(reservation).toMatchObject({ status: 'confirmed', items: 5, site: { name: '江岸大药房' } });
    const mine = (await as(t.app, resident, { method: 'GET', url: '/api/v1/reservation/reservations/mine' })).json();
    expect(mine.items.filter((r: { campaignId: string }) => r.campaignId === c.id)).toHaveLength(1);
    const again = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/reservation/reservations',
      payload: { slotId },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('reservation.already');

    const code = await as(t.app, resident, {
      method: 'GET',
      url: `/api/v1/reservation/reservations/${reservation.id}/pickup-code`,
    });
    expect(code.statusCode).toBe(200);
    expect(code.json().text).toMatch(/^ZT1:/);
    const verified = await t.app.inject({
      method: 'POST',
      url: '/api/v1/credentials/verify',
      payload: { text: code.json().text },
    });
    expect(verified.json()).toMatchObject({
      result: 'valid',
      claims: { zt: { t: 'pickup', r: reservation.id, s: c.sites[0]!.id } },
    });

    // Site staff pick their site from a list of their jurisdiction's; other districts' staff do not see it.
    const sites = (await as(t.app, siteStaff, { method: 'GET', url: '/api/v1/reservation/sites' })).json().items;
    expect(sites.find((s: { id: string }) => s.id === c.sites[0]!.id)).toMatchObject({
      name: '江岸大药房',
      campaignStatus: 'open',
    });
    const wuchang = await signInStaff(t.app, 'venue');
    const theirs = (await as(t.app, wuchang, { method: 'GET', url: '/api/v1/reservation/sites' })).json().items;
    expect(theirs.some((s: { id: string }) => s.id === c.sites[0]!.id)).toBe(false);
    const redeem = (who: Signed, siteId = c.sites[0]!.id, key?: string) =>
      as(t.app, who, {
        method: 'POST',
        url: '/api/v1/reservation/redemptions',
        headers: key ? { 'idempotency-key': key } : {},
        payload: { text: code.json().text, siteId },
      });
    // Staff of another district do not see the site.
    const elsewhere = await redeem(wuchang);
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().errors[0].code).toBe('reservation.site_not_found');
    const ok = await redeem(siteStaff, undefined, 'scan-1');
    expect(ok.statusCode, ok.body).toBe(200);
    // The same scan resent (its answer was lost) gets the same answer.
    const resent = await redeem(siteStaff, undefined, 'scan-1');
    expect(resent.statusCode).toBe(200);
    expect(resent.json()).toEqual(ok.json());
    expect(ok.json()).toMatchObject({ reservationId: reservation.id, items: 5 });
    expect(ok.json().name).toMatch(/\*/);
    const twice = await redeem(siteStaff);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('pickup.already_redeemed');
    const after = (await as(t.app, officer, { method: 'GET', url: `/api/v1/reservation/campaigns/${c.id}` })).json();
    expect(after.left).toBe(4);
  });

  it('never oversells a slot or gives one person two reservations, however many ask at once', async () => {
    const c = await openCampaign({ title: '抢购测试' }, 10);
    const slotId = c.sites[0]!.slots[0]!.id;
    const ids = await residentIdsIn(t, JIANGAN, 40);
    expect(ids.length).toBeGreaterThan(20);
    // Everyone clicks twice, all at once.
    const results = await Promise.allSettled(
      [...ids, ...ids].map((id) => t.zt.services.reservation.reserve(residentActor(id), slotId)),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []));
    expect(ok).toHaveLength(10);
    // A click racing its own twin is told to wait for it; once settled, the winner's next click is told
    // they hold one. Beyond what the process works on at once (ZT_RESERVE_MAX_IN_FLIGHT), one is told to
    // come back (503) rather than kept waiting.
    expect(refused).toContain('reservation.sold_out');
    expect(refused).toContain('reservation.in_progress');
    for (const code of refused)
      expect(['reservation.sold_out', 'reservation.in_progress', 'server.busy']).toContain(code);
    const winner = ok[0]!.status === 'fulfilled' ? ok[0]!.value : null;
    const winnerId = (
      await sql<{ resident_id: string }>`select resident_id from reservations where id = ${winner!.id}`.execute(
        t.zt.platform.database.db,
      )
    ).rows[0]!.resident_id;
    await expect(t.zt.services.reservation.reserve(residentActor(winnerId), slotId)).rejects.toMatchObject({
      code: 'reservation.already',
    });
    const db = t.zt.platform.database.db;
    const rows = await sql<{
      n: number;
      people: number;
    }>`select count(*)::int as n, count(distinct resident_id)::int as people
      from reservations where campaign_id = ${c.id} and status = 'confirmed'`.execute(db);
    expect(rows.rows[0]).toEqual({ n: 10, people: 10 });
    const slot = await sql<{ taken: number }>`select taken from reservation_slots where id = ${slotId}`.execute(db);
    expect(slot.rows[0]!.taken).toBe(10);

    // A cancellation frees its place for the next person at once.
    const holder = ok[0]!.status === 'fulfilled' ? ok[0]!.value : null;
    const owner = (
      await sql<{ resident_id: string }>`select resident_id from reservations where id = ${holder!.id}`.execute(db)
    ).rows[0]!.resident_id;
    await t.zt.services.reservation.cancel(residentActor(owner), holder!.id);
    await expect(t.zt.services.reservation.cancel(residentActor(owner), holder!.id)).rejects.toMatchObject({
      code: 'reservation.cancelled',
    });
    const late = await Promise.allSettled(
      ids.map((id) => t.zt.services.reservation.reserve(residentActor(id), slotId)),
    );
    expect(late.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      (await sql<{ taken: number }>`select taken from reservation_slots where id = ${slotId}`.execute(db)).rows[0]!
        .taken,
    ).toBe(10);
  });

  it('a reservation committed just before the cache fails is confirmed, and stays the only one', async () => {
    const c = await openCampaign({ title: '缓存故障' }, 5);
    const slotId = c.sites[0]!.slots[0]!.id;
    const [id] = await residentIdsIn(t, JIANGAN, 1);
    const cache = t.zt.platform.cache;
    const run = cache.run.bind(cache);
    // The cache goes away between the database's commit and the marks that follow it (held, in progress).
    const failing = vi
      .spyOn(cache, 'run')
      .mockImplementation((script, keys, args) =>
        keys.length === 2 && keys[0]!.startsWith('rs:held:')
          ? Promise.reject(new Error('Connection is closed.'))
          : run(script, keys, args),
      );
    try {
      const made = await t.zt.services.reservation.reserve(residentActor(id!), slotId);
      expect(made).toMatchObject({ status: 'confirmed', slot: { id: slotId } });
      expect(failing).toHaveBeenCalled();
    } finally {
      failing.mockRestore();
    }
    // The next click is refused (the first is still marked under way until the mark expires), not a second place.
    await expect(t.zt.services.reservation.reserve(residentActor(id!), slotId)).rejects.toMatchObject({
      code: 'reservation.in_progress',
    });
    const rows = await sql<{ n: number }>`select count(*)::int as n from reservations
      where campaign_id = ${c.id} and status = 'confirmed'`.execute(t.zt.platform.database.db);
    expect(rows.rows[0]!.n).toBe(1);
  });

  it('refuses what cannot be: reversed slots, sites outside the region, the same kind too soon, ended slots, other sites', async () => {
    const bad = await as(t.app, officer, {
      method: 'POST',
      url: '/api/v1/reservation/campaigns',
      payload: campaign({
        sites: [
          {
            name: '武昌药房',
            address: '武昌区',
            regionCode: '420106',
            slots: [
              { startsAt: new Date(Date.now() + HOUR).toISOString(), endsAt: new Date().toISOString(), quota: 5 },
            ],
          },
        ],
      }),
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { code: string }) => e.code)
        .sort(),
    ).toEqual(['reservation.site_outside', 'reservation.slot_window']);
    const madeUp = await as(t.app, officer, {
      method: 'POST',
      url: '/api/v1/reservation/campaigns',
      payload: campaign({ sites: [{ ...campaign().sites[0]!, regionCode: `${JIANGAN}999999` }] }),
    });
    expect(madeUp.statusCode).toBe(400);
    expect(madeUp.json().errors).toEqual([
      expect.objectContaining({ path: 'sites/0/regionCode', code: 'region.unknown' }),
    ]);
    const negative = await as(t.app, officer, {
      method: 'POST',
      url: '/api/v1/reservation/campaigns',
      payload: { ...campaign(), itemsPerPerson: -1 },
    });
    expect(negative.statusCode).toBe(400);
    expect(
      await sql<{ n: number }>`select count(*)::int as n from reservation_campaigns where title = '武昌药房'`.execute(
        t.zt.platform.database.db,
      ),
    ).toMatchObject({ rows: [{ n: 0 }] });

    // Once a week: a second mask campaign the next day is refused, a test campaign is not.
    const weekly = await openCampaign({ title: '每周一次', kind: 'tests', oncePerDays: 7 });
    const next = await openCampaign({ title: '第二周', kind: 'tests', oncePerDays: 7 });
    const reserve = (slotId: string) =>
      as(t.app, resident, { method: 'POST', url: '/api/v1/reservation/reservations', payload: { slotId } });
    expect((await reserve(weekly.sites[0]!.slots[0]!.id)).statusCode).toBe(201);
    const soon = await reserve(next.sites[0]!.slots[0]!.id);
    expect(soon.statusCode).toBe(409);
    expect(soon.json().code).toBe('reservation.too_soon');

    // A code of one site does not work at another, and an ended slot's code has expired.
    const mine = (await as(t.app, resident, { method: 'GET', url: '/api/v1/reservation/reservations/mine' })).json()
      .items;
    const r = mine.find((x: { campaignId: string }) => x.campaignId === weekly.id);
    const text = (
      await as(t.app, resident, { method: 'GET', url: `/api/v1/reservation/reservations/${r.id}/pickup-code` })
    ).json().text;
    const other = await as(t.app, siteStaff, {
      method: 'POST',
      url: '/api/v1/reservation/redemptions',
      payload: { text, siteId: next.sites[0]!.id },
    });
    expect(other.json().code).toBe('pickup.other_site');
    const db = t.zt.platform.database.db;
    await sql`update reservation_slots set starts_at = now() - interval '3 hours', ends_at = now() - interval '1 minute'
      where id = ${r.slot.id}`.execute(db);
    const late = await as(t.app, siteStaff, {
      method: 'POST',
      url: '/api/v1/reservation/redemptions',
      payload: { text, siteId: weekly.sites[0]!.id },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('pickup.expired');
    // A campaign whose every slot is over is no longer offered.
    const offered = (await as(t.app, resident, { method: 'GET', url: '/api/v1/reservation/open' })).json().items;
    expect(offered.some((x: { id: string }) => x.id === weekly.id)).toBe(false);
    expect(offered.some((x: { id: string }) => x.id === next.id)).toBe(true);
    const garbage = await as(t.app, siteStaff, {
      method: 'POST',
      url: '/api/v1/reservation/redemptions',
      payload: { text: 'ZT1:not-a-code', siteId: weekly.sites[0]!.id },
    });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().errors[0].code).toBe('pickup.invalid');
    // The scheduled sweep marks the no-show.
    expect(await t.zt.services.reservation.expireNoShows()).toBeGreaterThanOrEqual(1);
    expect(
      (await as(t.app, resident, { method: 'GET', url: '/api/v1/reservation/reservations/mine' }))
        .json()
        .items.find((x: { id: string }) => x.id === r.id).status,
    ).toBe('expired');
    // A resident may not manage campaigns.
    const forbidden = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/reservation/campaigns',
      payload: campaign(),
    });
    expect(forbidden.statusCode).toBe(403);
  });

  it('people without a smartphone reserve through a proxy or an operator and pick up with their ID card', async () => {
    const admin = await signInStaff(t.app, 'admin');
    const grid = await signInStaff(t.app, 'grid');
    const person = { name: '王奶奶', idNumber: makeIdNumber(JIANGAN, '19400302', 208), phone: uniquePhone() };
    const registered = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: { ...person, regionCode: t.grids[0] },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const c = await openCampaign({ title: '代预约测试' }, 5);
    const slotId = c.sites[0]!.slots[0]!.id;

    // A hotline operator or the grid worker finds the person by ID number and name.
    const wrongName = await as(t.app, grid, {
      method: 'POST',
      url: '/api/v1/reservation/assisted-reservations',
      payload: { idNumber: person.idNumber, name: '王爷爷', slotId },
    });
    expect(wrongName.statusCode).toBe(400);
    expect(wrongName.json().errors[0].code).toBe('reservation.person_not_found');
    const assisted = await as(t.app, grid, {
      method: 'POST',
      url: '/api/v1/reservation/assisted-reservations',
      payload: { idNumber: person.idNumber, name: person.name, slotId },
    });
    expect(assisted.statusCode, assisted.body).toBe(201);
    expect(assisted.json()).toMatchObject({ channel: 'operator', status: 'confirmed' });
    // The same rules as for everyone: a second one for the same person is refused.
    const twice = await as(t.app, grid, {
      method: 'POST',
      url: '/api/v1/reservation/assisted-reservations',
      payload: { idNumber: person.idNumber, name: person.name, slotId },
    });
    expect(twice.json().code).toBe('reservation.already');

    // At the pharmacy: the ID card instead of a code, once.
    const stranger = await as(t.app, siteStaff, {
      method: 'POST',
      url: '/api/v1/reservation/redemptions',
      payload: { idNumber: makeIdNumber(JIANGAN, '19500101', 777), siteId: c.sites[0]!.id },
    });
    expect(stranger.json().code).toBe('pickup.none_for_person');
    const picked = await as(t.app, siteStaff, {
      method: 'POST',
      url: '/api/v1/reservation/redemptions',
      payload: { idNumber: person.idNumber, siteId: c.sites[0]!.id },
    });
    expect(picked.statusCode, picked.body).toBe(200);
    expect(picked.json()).toMatchObject({ reservationId: assisted.json().id, name: '王*奶', items: 5 });
    const again = await as(t.app, siteStaff, {
      method: 'POST',
      url: '/api/v1/reservation/redemptions',
      payload: { idNumber: person.idNumber, siteId: c.sites[0]!.id },
    });
    expect(again.json().code).toBe('pickup.already_redeemed');

    // A family member who holds the person's code reserves for them from their own phone.
    const c2 = await openCampaign({ title: '家人代约' }, 5);
    const proxies = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/health-code/proxies',
      payload: { idNumber: person.idNumber, name: person.name, relation: 'parent' },
    });
    expect(proxies.statusCode, proxies.body).toBe(200);
    const proxyId = proxies.json().items.find((p: { maskedName: string }) => p.maskedName === '王*奶').id;
    const forParent = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/reservation/reservations',
      payload: { slotId: c2.sites[0]!.slots[0]!.id, proxyId },
    });
    expect(forParent.statusCode, forParent.body).toBe(201);
    expect(forParent.json().channel).toBe('proxy');
    const mine = (await as(t.app, resident, { method: 'GET', url: '/api/v1/reservation/reservations/mine' })).json();
    expect(mine.items.map((r: { id: string }) => r.id)).toContain(forParent.json().id);
    const code = await as(t.app, resident, {
      method: 'GET',
      url: `/api/v1/reservation/reservations/${forParent.json().id}/pickup-code`,
    });
    expect(code.statusCode).toBe(200);
    // Someone else's proxy id is nobody's business.
    const other = await as(t.app, grid, {
      method: 'POST',
      url: '/api/v1/reservation/reservations',
      payload: { slotId: c2.sites[0]!.slots[0]!.id, proxyId },
    });
    expect(other.statusCode).toBe(403);
  });

  it("redeeming a mask reservation issues the masks from the pharmacy's stock, or nothing when it is short", async () => {
    const supplies = t.zt.services.supplies;
    const official: Actor = {
      kind: 'staff',
      id: 'test-officer',
      label: 'test-officer',
      roles: ['department_officer'],
      permissions: permissionsOf(['department_officer']),
      jurisdiction: JIANGAN,
      residentId: null,
    };
    const masks = await supplies.createItem(official, {
      code: 'MASK-TEST',
      nameZh: '医用外科口罩',
      nameEn: 'Surgical mask',
      category: 'mask',
      unit: '只',
    });
    const pharmacy = await supplies.createLocation(official, {
      kind: 'pharmacy',
      name: '江岸大药房',
      regionCode: street,
    });
    await supplies.receive(official, {
      locationId: pharmacy.id,
      lines: [{ itemId: masks.id, lotNumber: 'SM-T1', expiresOn: '2030-01-01', quantity: 7 }],
    });
    const input = campaign({ title: '口罩发放', supplyItemId: masks.id });
    input.sites[0]!.stockLocationId = pharmacy.id;
    const created = await as(t.app, officer, { method: 'POST', url: '/api/v1/reservation/campaigns', payload: input });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ supplyItemId: masks.id, sites: [{ stockLocationId: pharmacy.id }] });
    await as(t.app, officer, {
      method: 'POST',
      url: `/api/v1/reservation/campaigns/${created.json().id}/status`,
      payload: { status: 'open' },
    });
    const slotId = created.json().sites[0].slots[0].id as string;
    const siteId = created.json().sites[0].id as string;
    const ids = await residentIdsIn(t, JIANGAN, 2, 'desc');
    const person = (id: string): Actor => ({
      kind: 'resident',
      id,
      label: `resident:${id}`,
      roles: ['resident'],
      permissions: [],
      jurisdiction: null,
      residentId: id,
    });
    const [first, second] = [
      await t.zt.services.reservation.reserve(person(ids[0]!), slotId),
      await t.zt.services.reservation.reserve(person(ids[1]!), slotId),
    ];
    const onHand = async () =>
      (await supplies.stock(official, { locationId: pharmacy.id, itemId: masks.id })).items[0]!.onHand;
    const code = async (r: { id: string }, who: string) =>
      (await t.zt.services.reservation.pickupCode(person(who), r.id)).text;

    const handed = await as(t.app, siteStaff, {
      method: 'POST',
      url: '/api/v1/reservation/redemptions',
      payload: { text: await code(first, ids[0]!), siteId },
    });
    expect(handed.statusCode, handed.body).toBe(200);
    expect(await onHand()).toBe(2); // 7 less the 5 handed out
    // Two left, five due: the pharmacist is told, and neither the stock nor the reservation changes.
    const short = await as(t.app, siteStaff, {
      method: 'POST',
      url: '/api/v1/reservation/redemptions',
      payload: { text: await code(second, ids[1]!), siteId },
    });
    expect(short.statusCode).toBe(409);
    expect(short.json().code).toBe('supplies.insufficient_stock');
    expect(await onHand()).toBe(2);
    expect((await t.zt.services.reservation.mine(person(ids[1]!))).items.find((r) => r.id === second.id)!.status).toBe(
      'confirmed',
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  buildTestApp,
  JIANGAN,
  residentActor,
  residentIdsIn,
  signInStaff,
  type Signed,
  type TestApp,
} from '../build-test-app.ts';

// Public read models at the age production runs them: a surge of readers is answered from memory, so a
// change shows only when the snapshot is renewed.
const AGE_MS = 800;
const HOUR = 3_600_000;
let t: TestApp;
let officer: Signed;
let logistics: Signed;
let residentId: string;

beforeAll(async () => {
  t = await buildTestApp({ residents: 30, config: { publicSnapshotMs: AGE_MS } });
  await t.zt.services.identity.seedStaff({
    username: 'logistics',
    displayName: '市物资保障专员',
    password: 'Strong-pass-2026',
    roles: ['department_officer'],
    jurisdictionCode: '4201',
  });
  [officer, logistics] = await Promise.all([
    signInStaff(t.app, 'officer'),
    signInStaff(t.app, 'logistics', 'Strong-pass-2026'),
  ]);
  [residentId] = (await residentIdsIn(t, JIANGAN, 1)) as [string];
});
afterAll(() => t?.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
const after = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('public read models served from snapshots', () => {
  it('lists the open campaigns of a region with places left, renewed once per snapshot age', async () => {
    const created = await as(t.app, officer, {
      method: 'POST',
      url: '/api/v1/reservation/campaigns',
      payload: {
        kind: 'masks',
        title: '快照口罩',
        regionCode: JIANGAN,
        mode: 'first_come',
        oncePerDays: 0,
        itemsPerPerson: 5,
        sites: [
          {
            name: '江岸大药房',
            address: '江岸区解放大道 1 号',
            regionCode: JIANGAN,
            slots: [
              { startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + HOUR).toISOString(), quota: 10 },
            ],
          },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json();
    await as(t.app, officer, {
      method: 'POST',
      url: `/api/v1/reservation/campaigns/${c.id}/status`,
      payload: { status: 'open' },
    });
    await after(AGE_MS + 50);
    const url = `/api/v1/reservation/public/open?region=${JIANGAN}`;
    const first = await get(url);
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    // Only a CDN may serve it stale while fetching the next; a browser would show a page from before a change.
    expect(first.headers['cdn-cache-control']).toMatch(/stale-while-revalidate=\d+/);
    const listed = first.json().items.find((x: { id: string }) => x.id === c.id);
    expect(listed).toMatchObject({ title: '快照口罩', left: 10 });

    const resident = residentActor(residentId);
    await t.zt.services.reservation.reserve(resident, c.sites[0].slots[0].id);
    // Within the age the same answer (nothing asked of the database); a client holding it gets 304.
    const soon = await get(url);
    expect(soon.body).toBe(first.body);
    expect((await get(url, { 'if-none-match': String(first.headers.etag) })).statusCode).toBe(304);
    await after(AGE_MS + 50);
    const later = await get(url);
    expect(later.json().items.find((x: { id: string }) => x.id === c.id)).toMatchObject({ left: 9 });
    expect(later.headers.etag).not.toBe(first.headers.etag);

    // A region that does not exist, or is not a code, is a clear error.
    const unknown = await get('/api/v1/reservation/public/open?region=429999');
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'region.unknown']);
    expect((await get('/api/v1/reservation/public/open?region=wuhan')).statusCode).toBe(400);
  });

  it('serves the donation ledger and the public donation list the same way', async () => {
    const url = '/api/v1/supplies/public/donations';
    const before = await get(url);
    expect(before.statusCode).toBe(200);
    expect(before.headers['cache-control']).toMatch(/^public/);
    const item = await as(t.app, logistics, {
      method: 'POST',
      url: '/api/v1/supplies/items',
      payload: {
        code: 'SNAP-MASK',
        nameZh: '口罩',
        nameEn: 'Mask',
        category: 'mask',
        unit: '只',
        grade: null,
        substituteIds: [],
      },
    });
    expect(item.statusCode, item.body).toBe(201);
    const donation = await as(t.app, logistics, {
      method: 'POST',
      url: '/api/v1/supplies/donations',
      payload: {
        donorKind: 'organisation',
        donorName: '快照测试基金会',
        regionCode: '4201',
        items: [{ itemId: item.json().id, quantity: 100 }],
      },
    });
    expect(donation.statusCode, donation.body).toBe(201);
    expect((await get(url)).body).toBe(before.body);
    await after(AGE_MS + 50);
    const later = (await get(url)).json().items;
    expect(later.some((d: { donor: string }) => d.donor === '快照测试基金会')).toBe(true);
    const ledger = await get('/api/v1/supplies/public/ledger?limit=1000');
    expect(ledger.json().items.some((e: { body: { donor?: string } }) => e.body.donor === '快照测试基金会')).toBe(true);
  });
});

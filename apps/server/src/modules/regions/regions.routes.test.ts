import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, JIANGAN, WUCHANG, type TestApp } from '../../../test/build-test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ residents: 1 });
});
afterAll(() => t?.close());

type Region = { code: string; name: string; level: string; parentCode: string | null; hasChildren: boolean };
const get = async (url: string) => {
  const res = await t.app.inject({ url });
  return {
    status: res.statusCode,
    body: res.json() as { items: Region[]; nextCursor: string | null } & Region & { path: Region[]; code: string },
  };
};

describe('regions', () => {
  it('lists the provinces at the top (public, no sign-in)', async () => {
    const { status, body } = await get('/api/v1/regions');
    expect(status).toBe(200);
    expect(body.items).toEqual([
      { code: '42', name: '湖北省', level: 'province', parentCode: null, hasChildren: true },
    ]);
  });

  it('browses the real districts of Wuhan from GB/T 2260', async () => {
    const { body } = await get('/api/v1/regions?parent=4201&limit=200');
    const names = body.items.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['江岸区', '武昌区', '洪山区', '汉阳区']));
    expect(body.items.find((r) => r.code === JIANGAN)).toMatchObject({
      name: '江岸区',
      level: 'district',
      parentCode: '4201',
      hasChildren: true,
    });
    expect(body.items.every((r) => r.parentCode === '4201' && r.level === 'district')).toBe(true);
  });

  it('pages with limit and cursor without repeats', async () => {
    const first = await get('/api/v1/regions?parent=4201&limit=5');
    expect(first.body.items).toHaveLength(5);
    const second = await get(`/api/v1/regions?parent=4201&limit=5&cursor=${first.body.nextCursor}`);
    const codes = [...first.body.items, ...second.body.items].map((r) => r.code);
    expect(new Set(codes).size).toBe(10);
    expect([...codes].sort()).toEqual(codes);
  });

  it('searches by name and by code prefix, and by level', async () => {
    const byName = await get(`/api/v1/regions?q=${encodeURIComponent('武昌')}`);
    expect(byName.body.items.map((r) => r.code)).toContain(WUCHANG);
    const byCode = await get('/api/v1/regions?q=420106&level=street&limit=200');
    expect(byCode.body.items.length).toBeGreaterThan(5);
    expect(byCode.body.items.every((r) => r.code.startsWith('420106') && r.level === 'street')).toBe(true);
    // LIKE wildcards in a search are literal characters.
    expect((await get(`/api/v1/regions?q=${encodeURIComponent('%')}`)).body.items).toEqual([]);
  });

  it('shows the synthetic communities and grids below streets', async () => {
    const street = (await get(`/api/v1/regions?parent=${JIANGAN}&limit=1`)).body.items[0]!;
    const communities = (await get(`/api/v1/regions?parent=${street.code}`)).body.items;
    expect(communities.map((c) => c.level)).toEqual(['community', 'community', 'community']);
    const grids = (await get(`/api/v1/regions?parent=${communities[0]!.code}`)).body.items;
    expect(grids).toHaveLength(2);
    expect(grids[0]).toMatchObject({ level: 'grid', hasChildren: false });
  });

  it('answers one region with its path from the province down', async () => {
    const grid = t.grids[0]!;
    const { status, body } = await get(`/api/v1/regions/${grid}`);
    expect(status).toBe(200);
    expect(body.code).toBe(grid);
    expect(body.path.map((r) => r.code)).toEqual(['42', '4201', JIANGAN, grid.slice(0, 9), grid.slice(0, 12)]);
    expect(body.path.map((r) => r.level)).toEqual(['province', 'city', 'district', 'street', 'community']);
    expect(body.path[2]!.name).toBe('江岸区');
  });

  it('answers 404 region.unknown for a code that does not exist, 400 for a malformed one', async () => {
    const unknown = await t.app.inject({ url: '/api/v1/regions/420199', headers: { 'accept-language': 'en' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'region.unknown', title: 'Unknown region code' });
    const bad = await t.app.inject({ url: '/api/v1/regions/4201x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'request.invalid', title: '请求参数有误' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  buildTestApp,
  DEMO_STAFF,
  JIANGAN,
  makeIdNumber,
  signInResident,
  signInStaff,
  uniquePhone,
  WUCHANG,
  type DemoStaff,
  type Signed,
  type TestApp,
} from '../build-test-app.ts';

/**
 * Who sees which resident. Records: one in the grid worker's grid (江岸区), one in the next grid of the
 * same community, one in 武昌区. Reads outside a jurisdiction answer 404, as if the record did not exist.
 */
type Subject = 'ownGrid' | 'otherGrid' | 'wuchang';
type Outcome = 200 | 403 | 404;
const matrix: Record<DemoStaff, { [K in Subject]: Outcome }> = {
  admin: { ownGrid: 200, otherGrid: 200, wuchang: 200 }, // 武汉市
  cdc: { ownGrid: 200, otherGrid: 200, wuchang: 200 }, // 武汉市
  steward: { ownGrid: 200, otherGrid: 200, wuchang: 200 }, // 武汉市
  officer: { ownGrid: 200, otherGrid: 200, wuchang: 404 }, // 江岸区
  medical: { ownGrid: 404, otherGrid: 404, wuchang: 200 }, // 武昌区
  grid: { ownGrid: 200, otherGrid: 404, wuchang: 404 }, // its grid in 江岸区
  leader: { ownGrid: 403, otherGrid: 403, wuchang: 403 }, // no residents.read
  venue: { ownGrid: 403, otherGrid: 403, wuchang: 403 },
  enterprise: { ownGrid: 403, otherGrid: 403, wuchang: 403 },
};

let t: TestApp;
const signed = {} as { [K in DemoStaff]: Signed };
const ids = {} as { [K in Subject]: string };
const idNumbers = {} as { [K in Subject]: string };
const phones = {} as { [K in Subject]: string };

beforeAll(async () => {
  t = await buildTestApp();
  for (const u of DEMO_STAFF) signed[u] = await signInStaff(t.app, u);
  const regions: { [K in Subject]: string } = { ownGrid: t.grids[0]!, otherGrid: t.grids[1]!, wuchang: WUCHANG };
  expect(regions.ownGrid.slice(0, 12)).toBe(regions.otherGrid.slice(0, 12));
  expect(regions.ownGrid.startsWith(JIANGAN)).toBe(true);
  expect(signed.grid.session.user.jurisdiction?.code).toBe(regions.ownGrid);
  let seq = 100;
  for (const key of Object.keys(regions) as Subject[]) {
    idNumbers[key] = makeIdNumber(regions[key].slice(0, 6), '19800101', seq++);
    phones[key] = uniquePhone();
    const res = await as(t.app, signed.admin, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: { name: '测试居民', idNumber: idNumbers[key], phone: phones[key], regionCode: regions[key] },
    });
    expect(res.statusCode, res.body).toBe(201);
    ids[key] = res.json().id;
  }
});
afterAll(() => t?.close());

describe('jurisdiction matrix: GET /residents/:id', () => {
  for (const [user, expected] of Object.entries(matrix) as [DemoStaff, (typeof matrix)[DemoStaff]][]) {
    it(`${user}: ${Object.entries(expected)
      .map(([r, s]) => `${r} ${s}`)
      .join(', ')}`, async () => {
      const got = {} as { [K in Subject]: number };
      for (const r of Object.keys(ids) as Subject[]) {
        const res = await as(t.app, signed[user], { url: `/api/v1/identity/residents/${ids[r]}` });
        got[r] = res.statusCode;
        if (res.statusCode === 404) expect(res.json().code).toBe('resident.not_found');
        if (res.statusCode === 403) expect(res.json().code).toBe('auth.forbidden');
      }
      expect(got).toEqual(expected);
    });
  }

  it('answers the same 404 for an id outside the jurisdiction as for an id that does not exist', async () => {
    const outside = await as(t.app, signed.officer, { url: `/api/v1/identity/residents/${ids.wuchang}` });
    const missing = await as(t.app, signed.officer, {
      url: '/api/v1/identity/residents/01900000-0000-7000-8000-000000000000',
    });
    expect(outside.statusCode).toBe(404);
    expect(outside.body).toBe(missing.body);
  });
});

describe('jurisdiction matrix: lists and lookups', () => {
  for (const user of DEMO_STAFF) {
    const expected = matrix[user];
    it(`${user}: the list holds only its jurisdiction, and lookup by ID number follows the matrix`, async () => {
      const list = await as(t.app, signed[user], { url: '/api/v1/identity/residents?limit=200' });
      if (expected.ownGrid === 403) {
        expect(list.statusCode).toBe(403);
        return;
      }
      expect(list.statusCode).toBe(200);
      const jurisdiction = signed[user].session.user.jurisdiction!.code;
      const items = list.json().items as { id: string; region: { code: string } }[];
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((r) => r.region.code.startsWith(jurisdiction))).toBe(true);
      for (const r of Object.keys(ids) as Subject[]) {
        const found = await as(t.app, signed[user], { url: `/api/v1/identity/residents?idNumber=${idNumbers[r]}` });
        expect(found.statusCode).toBe(200);
        expect(
          found.json().items.map((i: { id: string }) => i.id),
          r,
        ).toEqual(expected[r] === 200 ? [ids[r]] : []);
      }
    });
  }

  it('lets the grid worker register only in its grid', async () => {
    const outside = await as(t.app, signed.grid, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: {
        name: '网格外',
        idNumber: makeIdNumber(JIANGAN, '19800101', 900),
        phone: uniquePhone(),
        regionCode: t.grids[1],
      },
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().errors).toEqual([
      expect.objectContaining({ path: 'regionCode', code: 'region.outside_jurisdiction' }),
    ]);
    const cdcWrite = await as(t.app, signed.cdc, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: {
        name: '无权写',
        idNumber: makeIdNumber(JIANGAN, '19800101', 901),
        phone: uniquePhone(),
        regionCode: JIANGAN,
      },
    });
    expect(cdcWrite.statusCode).toBe(403);
  });
});

describe('jurisdiction: API tokens', () => {
  it('limits a token to its region and scopes', async () => {
    const issue = async (scopes: string[], jurisdictionCode: string) => {
      const res = await as(t.app, signed.admin, {
        method: 'POST',
        url: '/api/v1/identity/api-tokens',
        payload: { name: 'matrix', scopes, jurisdictionCode },
      });
      expect(res.statusCode).toBe(201);
      return { authorization: `Bearer ${res.json().token}` };
    };
    const jiangan = await issue(['residents.read'], JIANGAN);
    const regionsOnly = await issue(['regions.read'], '4201');
    const status = async (who: { authorization: string }, r: Subject) =>
      (await as(t.app, who, { url: `/api/v1/identity/residents/${ids[r]}` })).statusCode;
    expect([
      await status(jiangan, 'ownGrid'),
      await status(jiangan, 'otherGrid'),
      await status(jiangan, 'wuchang'),
    ]).toEqual([200, 200, 404]);
    expect([await status(regionsOnly, 'ownGrid'), await status(regionsOnly, 'wuchang')]).toEqual([403, 403]);
  });
});

describe('jurisdiction: residents', () => {
  it('shows a resident only their own record', async () => {
    const resident = await signInResident(t.app, phones.ownGrid);
    expect((await as(t.app, resident, { url: `/api/v1/identity/residents/${ids.ownGrid}` })).statusCode).toBe(200);
    expect((await as(t.app, resident, { url: '/api/v1/identity/residents/me' })).json().id).toBe(ids.ownGrid);
    for (const other of [ids.otherGrid, ids.wuchang]) {
      const res = await as(t.app, resident, { url: `/api/v1/identity/residents/${other}` });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('resident.not_found');
    }
    const list = await as(t.app, resident, { url: '/api/v1/identity/residents' });
    expect(list.statusCode).toBe(403);
    const lookup = await as(t.app, resident, { url: `/api/v1/identity/residents?idNumber=${idNumbers.wuchang}` });
    expect(lookup.statusCode).toBe(403);
    const register = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: {
        name: '冒名',
        idNumber: makeIdNumber(JIANGAN, '19800101', 902),
        phone: uniquePhone(),
        regionCode: JIANGAN,
      },
    });
    expect(register.statusCode).toBe(403);
    for (const url of ['/api/v1/identity/staff', '/api/v1/identity/audit-events', '/api/v1/identity/api-tokens'])
      expect((await as(t.app, resident, { url })).statusCode, url).toBe(403);
  });
});

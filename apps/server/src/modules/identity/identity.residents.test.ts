import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  buildTestApp,
  countRows,
  JIANGAN,
  makeIdNumber,
  signInResident,
  signInStaff,
  TEST_MASTER_KEY,
  uniquePhone,
  type Signed,
  type TestApp,
} from '../../../test/build-test-app.ts';
import { AuditLog } from '../../platform/audit/index.ts';
import { Vault } from '../../platform/vault/index.ts';

let t: TestApp;
let grid: Signed;
let admin: Signed;

const person = { name: '周杰明', idNumber: '', phone: '', regionCode: '' };

beforeAll(async () => {
  t = await buildTestApp();
  [grid, admin] = await Promise.all([signInStaff(t.app, 'grid'), signInStaff(t.app, 'admin')]);
  person.regionCode = t.grids[0]!;
  person.idNumber = makeIdNumber(JIANGAN, '19920314', 457);
  person.phone = uniquePhone();
});
afterAll(() => t?.close());

/** The full personal values must never appear in an answer, only masked forms. */
function expectNoPersonalData(body: string) {
  expect(body).not.toContain(person.idNumber);
  expect(body).not.toContain(person.phone);
  expect(body).not.toContain(person.name);
  expect(body).not.toContain(person.idNumber.slice(6, 14)); // the birth date
}

describe('residents', () => {
  let id: string;

  it('registers a resident and answers masked values only', async () => {
    const res = await as(t.app, grid, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: { ...person, idNumber: person.idNumber.toLowerCase(), phone: `+86 ${person.phone}` },
    });
    expect(res.statusCode, res.body).toBe(201);
    expectNoPersonalData(res.body);
    id = res.json().id;
    expect(res.json()).toEqual({
      id: expect.any(String),
      name: '周*明',
      idNumber: `${JIANGAN}********${person.idNumber.slice(-4)}`,
      phone: `${person.phone.slice(0, 3)}****${person.phone.slice(-4)}`,
      gender: 'male', // the 17th digit (7) is odd
      birthYear: 1992,
      region: { code: t.grids[0], name: '第1网格', level: 'grid' },
      synthetic: false,
    });
  });

  it('stores personal fields encrypted, readable only with the key', async () => {
    const row = (
      await sql<Record<string, unknown>>`select * from residents where id = ${id}`.execute(t.zt.platform.database.db)
    ).rows[0]!;
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(person.idNumber);
    expect(stored).not.toContain(person.phone);
    expect(stored).not.toContain(person.name);
    const vault = new Vault(TEST_MASTER_KEY, new AuditLog(t.zt.platform.database.db));
    const plain = await vault.reveal(
      { kind: 'system', id: 'system', label: 'test', roles: [], permissions: [], jurisdiction: null, residentId: null },
      { subjectType: 'resident', subjectId: id, regionCode: null, purpose: 'test' },
      { idNumber: row.id_number_enc as string, phone: row.phone_enc as string, name: row.name_enc as string },
    );
    expect(plain).toEqual({ idNumber: person.idNumber, phone: person.phone, name: person.name });
  });

  it('explains refused input in a sentence a person can read, with the field paths kept in errors[]', async () => {
    const bad = {
      ...person,
      idNumber: `${person.idNumber.slice(0, 17)}${person.idNumber[17] === '0' ? '1' : '0'}`,
      phone: '12345',
    };
    const zh = await as(t.app, grid, { method: 'POST', url: '/api/v1/identity/residents', payload: bad });
    expect(zh.statusCode).toBe(400);
    expect(zh.json().detail).toBe('请求参数有误：身份证号码校验位不正确；请输入 11 位中国大陆手机号码');
    expect(zh.json().errors.map((e: { path: string }) => e.path)).toEqual(['idNumber', 'phone']);
    const en = await as(t.app, grid, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: bad,
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(en.json().detail).toBe(
      'The request is invalid: The check digit of the ID number is wrong; Enter an 11-digit mainland China mobile number',
    );
  });

  it('refuses a second registration of the same ID number, written any way', async () => {
    const before = await countRows(t, 'residents');
    const res = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: { ...person, phone: uniquePhone(), idNumber: ` ${person.idNumber} ` },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'resident.id_number_taken',
      errors: [{ path: 'idNumber', code: 'resident.id_number_taken' }],
    });
    expectNoPersonalData(res.body);
    expect(await countRows(t, 'residents')).toBe(before);
  });

  it('finds a resident by ID number, and gets one by id, masked', async () => {
    const found = await as(t.app, admin, { url: `/api/v1/identity/residents?idNumber=${person.idNumber}` });
    expect(found.statusCode).toBe(200);
    expect(found.json().items.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(found.json().nextCursor).toBeNull();
    expectNoPersonalData(found.body);
    const none = await as(t.app, admin, {
      url: `/api/v1/identity/residents?idNumber=${makeIdNumber(JIANGAN, '19920314', 999)}`,
    });
    expect(none.json().items).toEqual([]);
    const one = await as(t.app, admin, { url: `/api/v1/identity/residents/${id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json().id).toBe(id);
    expectNoPersonalData(one.body);
  });

  it('lists residents of the jurisdiction in pages, masked', async () => {
    // The grid holds a demo resident and the one registered above.
    const first = await as(t.app, grid, { url: '/api/v1/identity/residents?limit=1' });
    expect(first.statusCode).toBe(200);
    const page = first.json() as {
      items: { id: string; idNumber: string; phone: string; region: { code: string } }[];
      nextCursor: string;
    };
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toEqual(expect.any(String));
    for (const r of page.items) {
      expect(r.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
      expect(r.phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
      expect(r.region.code).toBe(t.grids[0]);
    }
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await as(t.app, grid, {
        url: `/api/v1/identity/residents?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      });
      const body = res.json() as { items: { id: string }[]; nextCursor: string | null };
      all.push(...body.items.map((r) => r.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(new Set(all).size).toBe(2);
    expect(all).toHaveLength(2);
    expect(all).toContain(id);
    expectNoPersonalData(JSON.stringify(all));
  });

  it('unmasks a resident only for a stated purpose, to roles that may, within jurisdiction, and audits it', async () => {
    const reveal = (who: Signed, purpose: unknown) =>
      as(t.app, who, { method: 'POST', url: `/api/v1/identity/residents/${id}/reveal`, payload: { purpose } });
    const ok = await reveal(grid, 'follow-up call');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.json()).toEqual({ name: person.name, idNumber: person.idNumber, phone: person.phone });
    const audited = await sql<{ action: string; purpose: string; fields: string[] }>`
      select action, purpose, fields from audit_events
      where subject_id = ${id} and action = 'read' and actor_label = 'grid'`.execute(t.zt.platform.database.db);
    expect(audited.rows).toEqual([
      { action: 'read', purpose: 'follow-up call', fields: ['name', 'idNumber', 'phone'] },
    ]);

    const noPurpose = await reveal(grid, '   ');
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json().errors[0].path).toBe('body.purpose');
    // The officer may read masked records but not unmask them; the medical account is in another district.
    expect((await reveal(await signInStaff(t.app, 'officer'), 'curiosity')).statusCode).toBe(403);
    expect((await reveal(await signInStaff(t.app, 'medical'), 'treatment')).statusCode).toBe(404);
  });

  it('audits each view of a resident', async () => {
    const before = await countRows(t, 'audit_events');
    await as(t.app, admin, { url: `/api/v1/identity/residents/${id}` });
    await as(t.app, admin, { url: '/api/v1/identity/residents?limit=5' });
    expect(await countRows(t, 'audit_events')).toBe(before + 6);
  });

  it('shows a resident their own record after signing in with the registered phone', async () => {
    const resident = await signInResident(t.app, person.phone);
    const me = await as(t.app, resident, { url: '/api/v1/identity/residents/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(id);
    expectNoPersonalData(me.body);
    const session = await as(t.app, resident, { url: '/api/v1/identity/me' });
    expectNoPersonalData(session.body);
  });

  it('answers 404 for /residents/me of a resident account without a record', async () => {
    const stranger = await signInResident(t.app, uniquePhone());
    const me = await as(t.app, stranger, { url: '/api/v1/identity/residents/me' });
    expect(me.statusCode).toBe(404);
    expect(me.json().code).toBe('resident.not_found');
  });

  it('replays a repeated registration with the same Idempotency-Key instead of writing twice', async () => {
    const payload = {
      name: '吴九',
      idNumber: makeIdNumber(JIANGAN, '19850505', 321),
      phone: uniquePhone(),
      regionCode: JIANGAN,
    };
    const headers = { 'idempotency-key': 'register-wu-jiu' };
    const before = await countRows(t, 'residents');
    const a = await as(t.app, admin, { method: 'POST', url: '/api/v1/identity/residents', payload, headers });
    const b = await as(t.app, admin, { method: 'POST', url: '/api/v1/identity/residents', payload, headers });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.json()).toEqual(a.json());
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(await countRows(t, 'residents')).toBe(before + 1);
    const other = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: { ...payload, name: '吴十' },
      headers,
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('request.idempotency_conflict');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  buildTestApp,
  countRows,
  JIANGAN,
  makeIdNumber,
  signInStaff,
  uniquePhone,
  WUCHANG,
  type Signed,
  type TestApp,
} from '../../../test/build-test-app.ts';

let t: TestApp;
let admin: Signed;
let steward: Signed;

beforeAll(async () => {
  t = await buildTestApp();
  [admin, steward] = await Promise.all([signInStaff(t.app, 'admin'), signInStaff(t.app, 'steward')]);
});
afterAll(() => t?.close());

const newStaff = (over: Record<string, unknown> = {}) => ({
  username: 'ops.jiangan',
  password: 'Strong-pass-2026',
  displayName: '江岸区运维',
  roles: ['department_officer'],
  jurisdictionCode: JIANGAN,
  ...over,
});

describe('staff administration', () => {
  it('creates an account that can sign in with its role and jurisdiction', async () => {
    const res = await as(t.app, admin, { method: 'POST', url: '/api/v1/identity/staff', payload: newStaff() });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      username: 'ops.jiangan',
      roles: ['department_officer'],
      jurisdiction: { code: JIANGAN, name: '江岸区', level: 'district' },
      disabled: false,
      totpEnabled: false,
    });
    expect(res.body).not.toContain('Strong-pass-2026');
    const signed = await signInStaff(t.app, 'ops.jiangan', 'Strong-pass-2026');
    expect(signed.session.user.permissions).toEqual([
      'regions.read',
      'reservations.assist',
      'reservations.manage',
      'residents.read',
      'supplies.manage',
      'supplies.match',
      'tracing.import',
    ]);
    const listed = await as(t.app, admin, { url: '/api/v1/identity/staff?q=ops' });
    expect(listed.json().items.map((s: { username: string }) => s.username)).toEqual(['ops.jiangan']);
  });

  it('refuses a taken username with 409 and a field error', async () => {
    const before = await countRows(t, 'staff_accounts');
    const res = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/staff',
      payload: newStaff({ username: 'officer' }),
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'staff.username_taken',
      errors: [{ path: 'username', code: 'staff.username_taken' }],
    });
    expect(await countRows(t, 'staff_accounts')).toBe(before);
  });

  it.each(['short1A', 'onlyletterslong', '1234567890123'])(
    'refuses the weak password %s with a field error',
    async (password) => {
      const res = await as(t.app, admin, {
        method: 'POST',
        url: '/api/v1/identity/staff',
        payload: newStaff({ username: 'weak.pw', password }),
        headers: { 'accept-language': 'en' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([
        {
          path: 'password',
          code: 'staff.weak_password',
          message: 'A password needs at least 10 characters with letters and digits',
        },
      ]);
    },
  );

  it('refuses a jurisdiction outside the admin’s own, and unknown regions', async () => {
    const outside = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/staff',
      payload: newStaff({ username: 'huangshi', jurisdictionCode: '4202' }),
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().errors).toEqual([
      expect.objectContaining({ path: 'jurisdictionCode', code: 'region.outside_jurisdiction' }),
    ]);
    const unknown = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/staff',
      payload: newStaff({ username: 'nowhere', jurisdictionCode: '420199' }),
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([
      expect.objectContaining({ path: 'jurisdictionCode', code: 'region.unknown' }),
    ]);
  });

  it('keeps a district admin to its district', async () => {
    await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/staff',
      payload: newStaff({ username: 'admin.jiangan', roles: ['admin'] }),
    });
    const districtAdmin = await signInStaff(t.app, 'admin.jiangan', 'Strong-pass-2026');
    const elsewhere = await as(t.app, districtAdmin, {
      method: 'POST',
      url: '/api/v1/identity/staff',
      payload: newStaff({ username: 'wuchang.x', jurisdictionCode: WUCHANG }),
    });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().code).toBe('region.outside_jurisdiction');
    const cityWide = await as(t.app, districtAdmin, {
      method: 'POST',
      url: '/api/v1/identity/staff',
      payload: newStaff({ username: 'city.x', jurisdictionCode: '4201' }),
    });
    expect(cityWide.statusCode).toBe(400);
    // The medical account (武昌区) is invisible to it: list, update.
    const medicalId = (await as(t.app, admin, { url: '/api/v1/identity/staff?q=medical' })).json().items[0].id;
    const patch = await as(t.app, districtAdmin, {
      method: 'PATCH',
      url: `/api/v1/identity/staff/${medicalId}`,
      payload: { disabled: true },
    });
    expect(patch.statusCode).toBe(404);
    const list = await as(t.app, districtAdmin, { url: '/api/v1/identity/staff?limit=200' });
    const codes = list.json().items.map((s: { jurisdiction: { code: string } }) => s.jurisdiction.code);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c: string) => c.startsWith(JIANGAN))).toBe(true);
  });

  it('applies a role change to existing sessions at once', async () => {
    await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/staff',
      payload: newStaff({ username: 'promote.me', roles: ['leader'] }),
    });
    const user = await signInStaff(t.app, 'promote.me', 'Strong-pass-2026');
    expect((await as(t.app, user, { url: '/api/v1/identity/residents' })).statusCode).toBe(403);
    const id = user.session.user.id;
    const patch = await as(t.app, admin, {
      method: 'PATCH',
      url: `/api/v1/identity/staff/${id}`,
      payload: { roles: ['cdc'] },
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json().roles).toEqual(['cdc']);
    expect((await as(t.app, user, { url: '/api/v1/identity/residents' })).statusCode).toBe(200);
  });

  it('ends the sessions of a disabled account and refuses its sign-in', async () => {
    await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/staff',
      payload: newStaff({ username: 'leaving' }),
    });
    const user = await signInStaff(t.app, 'leaving', 'Strong-pass-2026');
    expect((await as(t.app, user, { url: '/api/v1/identity/me' })).statusCode).toBe(200);
    const patch = await as(t.app, admin, {
      method: 'PATCH',
      url: `/api/v1/identity/staff/${user.session.user.id}`,
      payload: { disabled: true },
    });
    expect(patch.json().disabled).toBe(true);
    const after = await as(t.app, user, { url: '/api/v1/identity/me' });
    expect(after.statusCode).toBe(401);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/identity/staff-sessions',
      payload: { username: 'leaving', password: 'Strong-pass-2026' },
    });
    expect(again.statusCode).toBe(403);
    expect(again.json().code).toBe('auth.disabled');
  });

  it('refuses staff administration to other roles', async () => {
    for (const res of [
      await as(t.app, steward, { url: '/api/v1/identity/staff' }),
      await as(t.app, steward, {
        method: 'POST',
        url: '/api/v1/identity/staff',
        payload: newStaff({ username: 'sneaky' }),
      }),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('auth.forbidden');
    }
  });

  it('audits account changes', async () => {
    const events = await as(t.app, admin, { url: '/api/v1/identity/audit-events?action=create&limit=200' });
    expect(
      events
        .json()
        .items.some(
          (e: { subjectType: string; actor: { label: string } }) =>
            e.subjectType === 'staff' && e.actor.label === 'admin',
        ),
    ).toBe(true);
  });
});

describe('audit events', () => {
  let residentId: string;
  beforeAll(async () => {
    const reg = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: {
        name: '孙八',
        idNumber: makeIdNumber(WUCHANG, '19910203', 555),
        phone: uniquePhone(),
        regionCode: WUCHANG,
      },
    });
    residentId = reg.json().id;
    const officer = await signInStaff(t.app, 'medical');
    await as(t.app, officer, { url: `/api/v1/identity/residents/${residentId}` });
    // Unmasking goes through the vault and names its purpose.
    const revealed = await as(t.app, officer, {
      method: 'POST',
      url: `/api/v1/identity/residents/${residentId}/reveal`,
      payload: { purpose: 'epidemiological investigation' },
    });
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(revealed.json().name).toBe('孙八');
  });

  it('lists who read or changed which record, when and why, newest first', async () => {
    const res = await as(t.app, steward, { url: `/api/v1/identity/audit-events?subjectId=${residentId}` });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as {
      action: string;
      actor: { label: string };
      purpose: string;
      fields: string[];
      at: string;
      regionCode: string;
    }[];
    expect(items.map((e) => [e.action, e.actor.label, e.purpose])).toEqual([
      ['read', 'medical', 'epidemiological investigation'],
      ['view', 'medical', 'view'],
      ['create', 'admin', 'registration'],
    ]);
    expect(items[0]!.fields).toEqual(['name', 'idNumber', 'phone']);
    expect(items.every((e) => e.regionCode === WUCHANG && !Number.isNaN(Date.parse(e.at)))).toBe(true);
  });

  it('filters by actor, action and time, and pages with a cursor', async () => {
    const medicalId = (await as(t.app, admin, { url: '/api/v1/identity/staff?q=medical' })).json().items[0].id;
    const byActor = (await as(t.app, steward, { url: `/api/v1/identity/audit-events?actorId=${medicalId}` })).json()
      .items;
    expect(byActor.length).toBeGreaterThanOrEqual(2);
    expect(byActor.every((e: { actor: { id: string } }) => e.actor.id === medicalId)).toBe(true);
    const reads = (await as(t.app, steward, { url: '/api/v1/identity/audit-events?action=read' })).json().items;
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((e: { action: string }) => e.action === 'read')).toBe(true);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(
      (await as(t.app, steward, { url: `/api/v1/identity/audit-events?from=${encodeURIComponent(future)}` })).json()
        .items,
    ).toEqual([]);

    const first = (
      await as(t.app, steward, { url: `/api/v1/identity/audit-events?subjectId=${residentId}&limit=2` })
    ).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await as(t.app, steward, {
        url: `/api/v1/identity/audit-events?subjectId=${residentId}&limit=2&cursor=${first.nextCursor}`,
      })
    ).json();
    expect(second.items.map((e: { action: string }) => e.action)).toEqual(['create']);
    expect(second.nextCursor).toBeNull();
  });

  it('exports CSV with a BOM and header, and audits the export', async () => {
    const res = await as(t.app, steward, { url: `/api/v1/identity/audit-events.csv?subjectId=${residentId}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('at,actor_kind,actor_id,actor,action,subject_type,subject_id,purpose,fields,region_code');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain('epidemiological investigation');
    const exports = (await as(t.app, steward, { url: '/api/v1/identity/audit-events?action=export' })).json().items;
    expect(exports[0]).toMatchObject({
      action: 'export',
      subjectType: 'audit_events',
      actor: { label: 'steward' },
      purpose: 'audit-export',
    });
  });

  it('refuses the audit log to roles without audit.read', async () => {
    const cdc = await signInStaff(t.app, 'cdc');
    expect((await as(t.app, cdc, { url: '/api/v1/identity/audit-events' })).statusCode).toBe(403);
    expect((await as(t.app, cdc, { url: '/api/v1/identity/audit-events.csv' })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/identity/audit-events.csv' })).statusCode).toBe(401);
  });
});

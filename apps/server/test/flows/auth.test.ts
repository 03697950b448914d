import { authenticator } from 'otplib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SMS_PER_DAY } from '../../src/modules/identity/index.ts';
import {
  as,
  buildTestApp,
  freshAddress,
  JIANGAN,
  makeIdNumber,
  requestSmsCode,
  sessionCookieOf,
  signInResident,
  signInStaff,
  uniquePhone,
  WUCHANG,
  type Signed,
  type TestApp,
} from '../build-test-app.ts';

let t: TestApp;
let admin: Signed;
const SESSION_TTL = 3600;

beforeAll(async () => {
  t = await buildTestApp({ config: { sessionTtlSeconds: SESSION_TTL } });
  admin = await signInStaff(t.app, 'admin');
});
afterAll(() => t?.close());
afterEach(() => vi.useRealTimers());

const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload, headers, remoteAddress: freshAddress() });

async function createStaff(username: string, roles: string[] = ['cdc'], jurisdictionCode = '4201') {
  const res = await as(t.app, admin, {
    method: 'POST',
    url: '/api/v1/identity/staff',
    payload: { username, password: 'Strong-pass-2026', displayName: username, roles, jurisdictionCode },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

describe('resident SMS sign-in', () => {
  it('signs in with the code once; the code cannot be used again', async () => {
    const phone = uniquePhone();
    const code = await requestSmsCode(t.app, phone);
    expect(code).toMatch(/^\d{6}$/);
    const first = await post('/api/v1/identity/resident-sessions', { phone, code });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().user).toMatchObject({ kind: 'resident', roles: ['resident'], permissions: [] });
    const me = await t.app.inject({ url: '/api/v1/identity/me', headers: { cookie: sessionCookieOf(first) } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.id).toBe(first.json().user.id);
    const again = await post('/api/v1/identity/resident-sessions', { phone, code });
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('sms.code_invalid');
  });

  it('shows the number masked in the answer and the dev inbox', async () => {
    const phone = uniquePhone();
    const sent = await post('/api/v1/identity/sms-codes', { phone: `+86 ${phone}` });
    expect(sent.statusCode).toBe(202);
    expect(sent.json()).toEqual({
      sentTo: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
      expiresInSeconds: 300,
      resendAfterSeconds: 60,
    });
    const inbox = await t.app.inject({ url: '/api/v1/identity/dev/sms-inbox' });
    expect(inbox.body).not.toContain(phone);
  });

  it('rejects a wrong code, and keeps the right one usable after fewer than five misses', async () => {
    const phone = uniquePhone();
    const code = await requestSmsCode(t.app, phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) {
      const res = await post('/api/v1/identity/resident-sessions', { phone, code: wrong });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({
        code: 'sms.code_invalid',
        errors: [{ path: 'code', code: 'sms.code_invalid' }],
      });
    }
    expect((await post('/api/v1/identity/resident-sessions', { phone, code })).statusCode).toBe(200);
  });

  it('burns the code after five wrong tries', async () => {
    const phone = uniquePhone();
    const code = await requestSmsCode(t.app, phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await post('/api/v1/identity/resident-sessions', { phone, code: wrong });
    const res = await post('/api/v1/identity/resident-sessions', { phone, code });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('sms.code_invalid');
  });

  it('refuses a resend within the cooldown with 429 and Retry-After', async () => {
    const phone = uniquePhone();
    await requestSmsCode(t.app, phone);
    const res = await post('/api/v1/identity/sms-codes', { phone }, { 'accept-language': 'en' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      code: 'sms.too_soon',
      title: 'A code was sent just now; wait before asking again',
    });
    const retry = Number(res.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
  });

  it('sends one number at most ten codes a day, each a minute apart', async () => {
    const phone = uniquePhone();
    // The minute between two codes passing, without waiting for it.
    const minutePassed = () =>
      t.zt.platform.cache.del(`sms:cooldown:${t.zt.platform.vault.blindIndex('phone', phone)}`);
    for (let i = 0; i < SMS_PER_DAY; i++) {
      await requestSmsCode(t.app, phone);
      await minutePassed();
    }
    const over = await post('/api/v1/identity/sms-codes', { phone }, { 'accept-language': 'en' });
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({
      code: 'sms.daily_limit',
      title: 'This number has had all its codes for today; try again tomorrow',
    });
    const retry = Number(over.headers['retry-after']);
    expect(retry).toBeGreaterThan(23 * 3600);
    expect(retry).toBeLessThanOrEqual(86_400);
    // The last code sent still signs in; another number is not held back by this one.
    const inbox = (await t.app.inject({ url: '/api/v1/identity/dev/sms-inbox' })).json() as {
      items: { phone: string; code: string }[];
    };
    const last = inbox.items.find((i) => i.phone === `${phone.slice(0, 3)}****${phone.slice(-4)}`)!;
    expect((await post('/api/v1/identity/resident-sessions', { phone, code: last.code })).statusCode).toBe(200);
    expect((await post('/api/v1/identity/sms-codes', { phone: uniquePhone() })).statusCode).toBe(202);
  });

  it("a code the SMS gateway did not take is not one of the number's ten, and can be asked for again", async () => {
    const phone = uniquePhone();
    const minutePassed = () =>
      t.zt.platform.cache.del(`sms:cooldown:${t.zt.platform.vault.blindIndex('phone', phone)}`);
    const down = vi.spyOn(t.zt.platform.sms, 'send').mockRejectedValueOnce(new Error('gateway timeout'));
    try {
      const failed = await post('/api/v1/identity/sms-codes', { phone });
      expect(failed.statusCode).toBe(503);
      expect(failed.json().code).toBe('sms.unavailable');
      expect(failed.headers['retry-after']).toBe('30');
      // Asking again before the time it was told is "too soon", for no longer than that.
      const early = await post('/api/v1/identity/sms-codes', { phone });
      expect(early.json().code).toBe('sms.too_soon');
      expect(Number(early.headers['retry-after'])).toBeLessThanOrEqual(30);
    } finally {
      down.mockRestore();
    }
    await minutePassed();
    for (let i = 0; i < SMS_PER_DAY; i++) {
      await requestSmsCode(t.app, phone);
      await minutePassed();
    }
    expect((await post('/api/v1/identity/sms-codes', { phone })).json().code).toBe('sms.daily_limit');
  });

  it('rejects a malformed phone with a field error', async () => {
    const res = await post('/api/v1/identity/sms-codes', { phone: '12345' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'phone.format', errors: [{ path: 'phone', code: 'phone.format' }] });
  });

  it('links the account to the resident record holding the phone', async () => {
    const phone = uniquePhone();
    const reg = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: { name: '王小明', idNumber: makeIdNumber(JIANGAN, '19880808', 311), phone, regionCode: JIANGAN },
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const resident = await signInResident(t.app, phone);
    expect(resident.session.user.displayName).toBe('王*明');
    const mine = await t.app.inject({ url: '/api/v1/identity/residents/me', headers: resident.headers });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().id).toBe(reg.json().id);
  });
});

describe('staff sign-in', () => {
  it('signs in with the right password and sets a HttpOnly, SameSite=Lax session cookie', async () => {
    const res = await post('/api/v1/identity/staff-sessions', { username: 'cdc', password: 'Demo-2026-zt' });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'zt_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.maxAge).toBe(SESSION_TTL);
    expect(res.json()).toMatchObject({
      user: {
        kind: 'staff',
        username: 'cdc',
        roles: ['cdc'],
        jurisdiction: { code: '4201', name: '武汉市' },
        totpEnabled: false,
      },
    });
    expect(res.json().csrfToken).toEqual(expect.any(String));
    // The cookie carries no readable account data; the CSRF token is not the cookie.
    expect(cookie.value).not.toContain('cdc');
    expect(cookie.value).not.toBe(res.json().csrfToken);
  });

  it('answers the same error for an unknown user and a wrong password', async () => {
    const unknown = await post('/api/v1/identity/staff-sessions', { username: 'nobody', password: 'Demo-2026-zt' });
    const wrong = await post('/api/v1/identity/staff-sessions', { username: 'leader', password: 'wrong-password' });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().code).toBe('auth.bad_credentials');
    expect(wrong.json()).toEqual({ ...unknown.json() });
    // A wrong password followed by the right one still signs in (one failure does not lock).
    expect(
      (await post('/api/v1/identity/staff-sessions', { username: 'leader', password: 'Demo-2026-zt' })).statusCode,
    ).toBe(200);
  });

  it('locks the account after five wrong passwords, even against the right one', async () => {
    await createStaff('locktest');
    for (let i = 1; i <= 4; i++) {
      const res = await post('/api/v1/identity/staff-sessions', { username: 'locktest', password: `wrong-${i}` });
      expect(res.statusCode).toBe(401);
    }
    const fifth = await post('/api/v1/identity/staff-sessions', { username: 'locktest', password: 'wrong-5' });
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().code).toBe('auth.locked');
    expect(Number(fifth.headers['retry-after'])).toBe(15 * 60);
    const right = await post(
      '/api/v1/identity/staff-sessions',
      { username: 'locktest', password: 'Strong-pass-2026' },
      { 'accept-language': 'en' },
    );
    expect(right.statusCode).toBe(429);
    expect(right.json()).toMatchObject({
      code: 'auth.locked',
      title: 'Too many failed attempts; the account is locked for a while',
    });
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    // The lock is on the username, whatever its case, and does not spread to other accounts.
    expect(
      (await post('/api/v1/identity/staff-sessions', { username: 'LockTest', password: 'Strong-pass-2026' }))
        .statusCode,
    ).toBe(429);
    expect(
      (await post('/api/v1/identity/staff-sessions', { username: 'steward', password: 'Demo-2026-zt' })).statusCode,
    ).toBe(200);
  });

  it('enrols TOTP and then requires it at sign-in', async () => {
    await createStaff('totptest');
    const me = await signInStaff(t.app, 'totptest', 'Strong-pass-2026');
    const begin = await as(t.app, me, { method: 'POST', url: '/api/v1/identity/me/totp' });
    expect(begin.statusCode).toBe(200);
    const { secret, otpauthUrl } = begin.json() as { secret: string; otpauthUrl: string };
    expect(otpauthUrl).toContain(`secret=${secret}`);
    // Not yet confirmed: a password alone still works.
    expect(
      (await post('/api/v1/identity/staff-sessions', { username: 'totptest', password: 'Strong-pass-2026' }))
        .statusCode,
    ).toBe(200);

    const bad = await as(t.app, me, {
      method: 'POST',
      url: '/api/v1/identity/me/totp/confirm',
      payload: { code: wrongTotp(secret) },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'auth.totp_invalid',
      errors: [{ path: 'code', code: 'auth.totp_invalid' }],
    });
    const ok = await as(t.app, me, {
      method: 'POST',
      url: '/api/v1/identity/me/totp/confirm',
      payload: { code: authenticator.generate(secret) },
    });
    expect(ok.statusCode, ok.body).toBe(204);

    const noCode = await post('/api/v1/identity/staff-sessions', {
      username: 'totptest',
      password: 'Strong-pass-2026',
    });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json().code).toBe('auth.totp_required');
    expect(noCode.cookies.find((c) => c.name === 'zt_session')).toBeUndefined();
    const wrong = await post('/api/v1/identity/staff-sessions', {
      username: 'totptest',
      password: 'Strong-pass-2026',
      totp: wrongTotp(secret),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('auth.totp_invalid');
    const code = authenticator.generate(secret);
    const good = await post('/api/v1/identity/staff-sessions', {
      username: 'totptest',
      password: 'Strong-pass-2026',
      totp: code,
    });
    expect(good.statusCode).toBe(200);
    expect(good.json().user.totpEnabled).toBe(true);
    // The same code cannot open a second session.
    const replay = await post('/api/v1/identity/staff-sessions', {
      username: 'totptest',
      password: 'Strong-pass-2026',
      totp: code,
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('auth.totp_invalid');
    // The TOTP secret is stored encrypted.
    const { sql } = await import('kysely');
    const row = await sql<{
      s: string;
    }>`select totp_secret_enc as s from staff_accounts where username = 'totptest'`.execute(t.zt.platform.database.db);
    expect(row.rows[0]!.s).not.toContain(secret);
  });

  it('accepts the code of the step that just ended, but not an older one', async () => {
    await createStaff('totpdelay');
    const me = await signInStaff(t.app, 'totpdelay', 'Strong-pass-2026');
    const { secret } = (await as(t.app, me, { method: 'POST', url: '/api/v1/identity/me/totp' })).json() as {
      secret: string;
    };
    // The clock stands still 1 s into a step: under load the password check can take seconds, and a
    // code made "30 s ago" must not slide two steps back before the server checks it.
    const step = 30_000;
    vi.useFakeTimers({ toFake: ['Date'], now: Math.floor(Date.now() / step) * step + 1000 });
    const at = (secondsAgo: number) => authenticator.clone({ epoch: Date.now() - secondsAgo * 1000 }).generate(secret);
    const confirm = await as(t.app, me, {
      method: 'POST',
      url: '/api/v1/identity/me/totp/confirm',
      payload: { code: at(30) },
    });
    expect(confirm.statusCode, confirm.body).toBe(204);
    const late = await post('/api/v1/identity/staff-sessions', {
      username: 'totpdelay',
      password: 'Strong-pass-2026',
      totp: at(30),
    });
    expect(late.statusCode).toBe(200);
    const stale = at(90);
    if (stale !== authenticator.generate(secret) && stale !== at(30)) {
      const old = await post('/api/v1/identity/staff-sessions', {
        username: 'totpdelay',
        password: 'Strong-pass-2026',
        totp: stale,
      });
      expect(old.statusCode).toBe(401);
      expect(old.json().code).toBe('auth.totp_invalid');
    }
  });

  it('counts wrong TOTP codes towards the lockout', async () => {
    await createStaff('totplock');
    const me = await signInStaff(t.app, 'totplock', 'Strong-pass-2026');
    const { secret } = (await as(t.app, me, { method: 'POST', url: '/api/v1/identity/me/totp' })).json() as {
      secret: string;
    };
    await as(t.app, me, {
      method: 'POST',
      url: '/api/v1/identity/me/totp/confirm',
      payload: { code: authenticator.generate(secret) },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (
          await post('/api/v1/identity/staff-sessions', {
            username: 'totplock',
            password: 'Strong-pass-2026',
            totp: wrongTotp(secret),
          })
        ).statusCode,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it('refuses TOTP enrolment to residents', async () => {
    const resident = await signInResident(t.app, uniquePhone());
    const res = await as(t.app, resident, { method: 'POST', url: '/api/v1/identity/me/totp' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('auth.forbidden');
  });
});

describe('sessions and CSRF', () => {
  it('refuses a write with the cookie but without or with a wrong X-CSRF-Token, and writes nothing', async () => {
    const me = await signInStaff(t.app, 'admin');
    const payload = { name: 'csrf', scopes: ['regions.read'], jurisdictionCode: JIANGAN };
    const before = (await as(t.app, me, { url: '/api/v1/identity/api-tokens' })).json().items.length;
    for (const headers of [
      { cookie: me.cookie },
      { cookie: me.cookie, 'x-csrf-token': 'forged' },
      { cookie: me.cookie, 'x-csrf-token': admin.csrf },
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/identity/api-tokens', headers, payload });
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe('auth.csrf');
    }
    const after = (await as(t.app, me, { url: '/api/v1/identity/api-tokens' })).json().items.length;
    expect(after).toBe(before);
    const ok = await as(t.app, me, { method: 'POST', url: '/api/v1/identity/api-tokens', payload });
    expect(ok.statusCode).toBe(201);
  });

  it('lets reads through without the CSRF header', async () => {
    const res = await t.app.inject({ url: '/api/v1/identity/me', headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().csrfToken).toBe(admin.csrf);
  });

  it('answers 401 auth.unauthenticated without a session', async () => {
    const res = await t.app.inject({ url: '/api/v1/identity/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('auth.unauthenticated');
    const forged = await t.app.inject({ url: '/api/v1/identity/me', headers: { cookie: 'zt_session=forged-value' } });
    expect(forged.statusCode).toBe(401);
  });

  it('answers 401 auth.session_expired once the session has expired, for reads and writes', async () => {
    const me = await signInStaff(t.app, 'cdc');
    expect((await as(t.app, me, { url: '/api/v1/identity/me' })).statusCode).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + (SESSION_TTL + 5) * 1000 });
    const read = await as(t.app, me, { url: '/api/v1/identity/me', headers: { 'accept-language': 'en' } });
    expect(read.statusCode).toBe(401);
    expect(read.json()).toMatchObject({
      code: 'auth.session_expired',
      title: 'Your session has expired, please sign in again',
    });
    const write = await as(t.app, me, { method: 'DELETE', url: '/api/v1/identity/sessions/current' });
    expect(write.statusCode).toBe(401);
    expect(write.json().code).toBe('auth.session_expired');
    // Public routes still answer with a stale cookie.
    expect((await as(t.app, me, { url: '/api/v1/regions?parent=4201' })).statusCode).toBe(200);
  });

  it('ends the session on sign-out', async () => {
    const me = await signInStaff(t.app, 'cdc');
    const out = await as(t.app, me, { method: 'DELETE', url: '/api/v1/identity/sessions/current' });
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies.find((c) => c.name === 'zt_session')!;
    expect(cleared.value).toBe('');
    const after = await as(t.app, me, { url: '/api/v1/identity/me' });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('auth.session_expired');
    // Other sessions of the same account are untouched.
    expect((await as(t.app, admin, { url: '/api/v1/identity/me' })).statusCode).toBe(200);
  });

  it('lets a signed-in user sign in again without the CSRF header of the old session', async () => {
    const res = await post(
      '/api/v1/identity/staff-sessions',
      { username: 'cdc', password: 'Demo-2026-zt' },
      { cookie: admin.cookie },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().user.username).toBe('cdc');
  });
});

describe('API tokens', () => {
  let residentIn: { jiangan: string; wuchang: string };
  beforeAll(async () => {
    const reg = async (region: string, seq: number) => {
      const res = await as(t.app, admin, {
        method: 'POST',
        url: '/api/v1/identity/residents',
        payload: {
          name: '赵六',
          idNumber: makeIdNumber(region, '19770707', seq),
          phone: uniquePhone(),
          regionCode: region,
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    residentIn = { jiangan: await reg(JIANGAN, 801), wuchang: await reg(WUCHANG, 802) };
  });

  it('issues a token shown once, usable as Bearer within its scopes and region, until revoked', async () => {
    const created = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/api-tokens',
      payload: { name: '江岸区卫健委', scopes: ['residents.read'], jurisdictionCode: JIANGAN },
    });
    expect(created.statusCode).toBe(201);
    const { token, item } = created.json() as {
      token: string;
      item: { id: string; scopes: string[]; revokedAt: null };
    };
    expect(token).toMatch(/^zt_/);
    expect(item).toMatchObject({ scopes: ['residents.read'], jurisdiction: { code: JIANGAN }, revokedAt: null });
    const bearer = { authorization: `Bearer ${token}` };

    const list = await as(t.app, bearer, { url: '/api/v1/identity/residents?limit=200' });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.length).toBeGreaterThan(0);
    expect(list.json().items.every((r: { region: { code: string } }) => r.region.code.startsWith(JIANGAN))).toBe(true);
    expect((await as(t.app, bearer, { url: `/api/v1/identity/residents/${residentIn.jiangan}` })).statusCode).toBe(200);
    expect((await as(t.app, bearer, { url: `/api/v1/identity/residents/${residentIn.wuchang}` })).statusCode).toBe(404);
    // Outside the token's scopes: no writes, no staff administration, no audit.
    const write = await as(t.app, bearer, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: {
        name: '钱七',
        idNumber: makeIdNumber(JIANGAN, '19700101', 803),
        phone: uniquePhone(),
        regionCode: JIANGAN,
      },
    });
    expect(write.statusCode).toBe(403);
    expect((await as(t.app, bearer, { url: '/api/v1/identity/staff' })).statusCode).toBe(403);
    expect((await as(t.app, bearer, { url: '/api/v1/identity/audit-events' })).statusCode).toBe(403);
    // A token is no session.
    expect((await as(t.app, bearer, { url: '/api/v1/identity/me' })).statusCode).toBe(401);

    const listed = (await as(t.app, admin, { url: '/api/v1/identity/api-tokens' }))
      .json()
      .items.find((i: { id: string }) => i.id === item.id);
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);

    const revoke = await as(t.app, admin, { method: 'DELETE', url: `/api/v1/identity/api-tokens/${item.id}` });
    expect(revoke.statusCode).toBe(204);
    const after = await as(t.app, bearer, { url: '/api/v1/identity/residents' });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('auth.bad_token');
  });

  it('answers 401 auth.bad_token for an unknown token', async () => {
    const res = await t.app.inject({ url: '/api/v1/identity/residents', headers: { authorization: 'Bearer zt_nope' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('auth.bad_token');
  });

  it('refuses a token outside the issuer’s jurisdiction or permissions', async () => {
    const outside = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/identity/api-tokens',
      payload: { name: 'x', scopes: ['regions.read'], jurisdictionCode: '4202' },
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().errors).toEqual([
      expect.objectContaining({ path: 'jurisdictionCode', code: 'region.outside_jurisdiction' }),
    ]);
    const steward = await signInStaff(t.app, 'steward');
    const notAdmin = await as(t.app, steward, {
      method: 'POST',
      url: '/api/v1/identity/api-tokens',
      payload: { name: 'x', scopes: ['residents.read'], jurisdictionCode: JIANGAN },
    });
    expect(notAdmin.statusCode).toBe(403);
  });
});

function wrongTotp(secret: string) {
  const right = authenticator.generate(secret);
  return String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
}

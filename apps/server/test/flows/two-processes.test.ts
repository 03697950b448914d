import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../../../scripts/lib/server-process.ts';
import { createScratchDatabase, TEST_MASTER_KEY } from '../build-test-app.ts';

/**
 * Scale-out: two real server processes on one PostgreSQL database and one Redis. Whatever a second
 * process needs (sessions, one-time codes, lockouts) must not live in one process's memory.
 */
const enabled = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const title = enabled
  ? 'two server processes on PostgreSQL and Redis'
  : 'two server processes (skipped: set DATABASE_URL and REDIS_URL to run)';

async function call(
  server: ServerProcess,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('zt_session='));
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    json: (text ? JSON.parse(text) : null) as Record<string, any>, // eslint-disable-line @typescript-eslint/no-explicit-any
    cookie: setCookie?.split(';')[0],
  };
}

// Without the services the test is listed as skipped, with the reason in its name.
if (!enabled) it.skip(title, () => {});
else
  describe(title, () => {
    let a: ServerProcess | undefined;
    let b: ServerProcess | undefined;
    let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
    let dataDir: string;

    beforeAll(async () => {
      scratch = await createScratchDatabase(process.env.DATABASE_URL!);
      dataDir = mkdtempSync(join(tmpdir(), 'zt-two-'));
      const env = {
        DATABASE_URL: scratch.url,
        REDIS_URL: process.env.REDIS_URL,
        ZT_MASTER_KEY: TEST_MASTER_KEY.toString('base64'),
        ZT_DATA_DIR: dataDir,
        ZT_DEMO: '1',
        ZT_DEMO_RESIDENTS: '100',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'development',
      };
      // The original environment stays (PATH and the like); the test's own settings win.
      a = await startServerProcess({ ...process.env, ...env }, { timeoutMs: 150_000 });
      b = await startServerProcess({ ...process.env, ...env }, { timeoutMs: 150_000 });
    }, 320_000);

    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await scratch?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }, 30_000);

    it('a session made on A works on B, for reads and CSRF-checked writes, and a sign-out on B ends it on A', async () => {
      const signIn = await call(a!, 'POST', '/api/v1/identity/staff-sessions', {
        username: 'admin',
        password: 'Demo-2026-zt',
      });
      expect(signIn.status).toBe(200);
      const headers = { cookie: signIn.cookie!, 'x-csrf-token': signIn.json.csrfToken as string };
      const me = await call(b!, 'GET', '/api/v1/identity/me', undefined, { cookie: signIn.cookie! });
      expect(me.status).toBe(200);
      expect(me.json.user.username).toBe('admin');
      const write = await call(
        b!,
        'POST',
        '/api/v1/identity/api-tokens',
        { name: 'two-process', scopes: ['regions.read'], jurisdictionCode: '4201' },
        headers,
      );
      expect(write.status).toBe(201);
      const out = await call(b!, 'DELETE', '/api/v1/identity/sessions/current', undefined, headers);
      expect(out.status).toBe(204);
      const after = await call(a!, 'GET', '/api/v1/identity/me', undefined, { cookie: signIn.cookie! });
      expect(after.status).toBe(401);
    });

    it('an SMS code requested on A signs in on B, once', async () => {
      const phone = `165${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;
      expect((await call(a!, 'POST', '/api/v1/identity/sms-codes', { phone })).status).toBe(202);
      const inbox = await call(b!, 'GET', '/api/v1/identity/dev/sms-inbox');
      const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
      const code = (inbox.json.items as { phone: string; code: string }[]).find((i) => i.phone === masked)!.code;
      const signIn = await call(b!, 'POST', '/api/v1/identity/resident-sessions', { phone, code });
      expect(signIn.status).toBe(200);
      expect(signIn.json.user.kind).toBe('resident');
      expect((await call(a!, 'POST', '/api/v1/identity/resident-sessions', { phone, code })).status).toBe(401);
      // The resend cooldown holds across processes too.
      expect((await call(b!, 'POST', '/api/v1/identity/sms-codes', { phone })).status).toBe(429);
    });

    it('a lockout made on A holds on B', async () => {
      const admin = await call(a!, 'POST', '/api/v1/identity/staff-sessions', {
        username: 'admin',
        password: 'Demo-2026-zt',
      });
      const username = `lock${randomBytes(4).toString('hex')}`;
      const created = await call(
        a!,
        'POST',
        '/api/v1/identity/staff',
        { username, password: 'Strong-pass-2026', displayName: 'lockout', roles: ['cdc'], jurisdictionCode: '4201' },
        { cookie: admin.cookie!, 'x-csrf-token': admin.json.csrfToken as string },
      );
      expect(created.status).toBe(201);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (await call(a!, 'POST', '/api/v1/identity/staff-sessions', { username, password: `wrong-${i}` })).status,
        );
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      const onB = await call(b!, 'POST', '/api/v1/identity/staff-sessions', { username, password: 'Strong-pass-2026' });
      expect(onB.status).toBe(429);
      expect(onB.json.code).toBe('auth.locked');
      expect(Number(onB.retryAfter)).toBeGreaterThan(0);
    });
  });

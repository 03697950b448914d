import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { permissionsOf, type Session } from '@zhengtong/contracts';
import { buildApp, type BuildOptions, type Zhengtong } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { DEMO_PASSWORD, ensureDemoCity } from '../src/demo/demo-city.ts';
import type { Actor } from '../src/platform/auth/actor.ts';
import { maskPhone } from '../src/platform/vault/index.ts';

/** A fixed data key, so tests can build a second Vault that reads what the app wrote. */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7);
export const DEMO_STAFF = [
  'admin',
  'cdc',
  'medical',
  'grid',
  'venue',
  'enterprise',
  'officer',
  'leader',
  'steward',
] as const;
export type DemoStaff = (typeof DEMO_STAFF)[number];
/** Real GB/T 2260 districts of the demo city (武汉市). */
export const JIANGAN = '420102';
export const WUCHANG = '420106';

export interface TestAppOptions {
  /** Synthetic residents of the demo city; 0 skips the demo city entirely. */
  residents?: number;
  config?: Partial<Config>;
  /** More build options: job workers, listeners added before start. */
  build?: Pick<BuildOptions, 'startJobs' | 'beforeStart' | 'rateLimitMax'>;
}

export interface TestApp {
  zt: Zhengtong;
  app: Zhengtong['app'];
  /** 'pglite' or 'postgresql', for test names. */
  database: 'pglite' | 'postgresql';
  /** The demo city's grids, first one is the grid worker's. */
  grids: string[];
  close(): Promise<void>;
}

/** Creates an empty PostgreSQL database next to DATABASE_URL and answers its URL and a way to drop it. */
export async function createScratchDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `zt_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * The app on its own database: a fresh PostgreSQL database when DATABASE_URL is set (dropped on close),
 * in-memory PGlite otherwise; Redis under a unique key prefix when REDIS_URL is set.
 */
export async function buildTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : null;
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      ZT_MASTER_KEY: TEST_MASTER_KEY.toString('base64'),
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      LOG_LEVEL: process.env.ZT_TEST_LOG_LEVEL ?? 'silent',
    },
    // Load shedding would refuse requests whenever the test machine is busy; its own test turns it on.
    // Public snapshots would show a change up to a second late; their own tests set an age.
    { demo: false, maxEventLoopDelayMs: 0, publicSnapshotMs: 0, ...opts.config },
  );
  const prefix = `zt-test:${randomBytes(6).toString('hex')}:`;
  let zt: Zhengtong;
  try {
    zt = await buildApp(config, {
      inMemory: !scratch,
      regionProvinces: ['42'],
      rateLimitMax: 100_000,
      cachePrefix: prefix,
      ...opts.build,
    });
  } catch (e) {
    await scratch?.drop();
    throw e;
  }
  const residents = opts.residents ?? 200;
  const demo = residents > 0 ? await ensureDemoCity(zt, { residents }) : { grids: [] };
  return {
    zt,
    app: zt.app,
    database: scratch ? 'postgresql' : 'pglite',
    grids: demo.grids,
    close: async () => {
      try {
        // A cache that cannot be reached (its outage test) holds nothing to forget.
        await forgetCacheKeys(zt, prefix).catch(() => undefined);
        await zt.close();
      } finally {
        await scratch?.drop();
      }
    },
  };
}

/** Removes this app's keys from a shared Redis (they would expire anyway, within a day). */
async function forgetCacheKeys(zt: Zhengtong, prefix: string) {
  const redis = zt.platform.cache.redis;
  if (!redis) return;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    // The client adds its key prefix to every command's keys, so strip it here.
    if (keys.length) await redis.del(...keys.map((k) => k.slice(prefix.length)));
  } while (cursor !== '0');
}

export interface Signed {
  session: Session;
  /** The session cookie as a Cookie header value. */
  cookie: string;
  csrf: string;
  /** Cookie and CSRF headers for any request, safe or not. */
  headers: { cookie: string; 'x-csrf-token': string };
}

let addressSeq = 0;
/** A distinct client address, so sign-in helpers never trip the per-address limits of sign-in routes. */
export const freshAddress = () => `10.${(addressSeq >> 16) & 255}.${(addressSeq >> 8) & 255}.${addressSeq++ & 255}`;

export function sessionCookieOf(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'zt_session');
  if (!c) throw new Error(`no session cookie in ${res.statusCode} ${res.body}`);
  return `zt_session=${c.value}`;
}

function signed(res: LightMyRequestResponse): Signed {
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const session = res.json() as Session;
  const cookie = sessionCookieOf(res);
  return { session, cookie, csrf: session.csrfToken, headers: { cookie, 'x-csrf-token': session.csrfToken } };
}

/** Signs in a demo staff account (password Demo-2026-zt unless given). */
export async function signInStaff(app: TestApp['app'], username: string, password = DEMO_PASSWORD): Promise<Signed> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/identity/staff-sessions',
    payload: { username, password },
    remoteAddress: freshAddress(),
  });
  return signed(res);
}

/** Asks for an SMS code and reads it from the development inbox. */
export async function requestSmsCode(app: TestApp['app'], phone: string): Promise<string> {
  const sent = await app.inject({
    method: 'POST',
    url: '/api/v1/identity/sms-codes',
    payload: { phone },
    remoteAddress: freshAddress(),
  });
  if (sent.statusCode !== 202) throw new Error(`sms code refused: ${sent.statusCode} ${sent.body}`);
  const inbox = await app.inject({ method: 'GET', url: '/api/v1/identity/dev/sms-inbox' });
  const entry = (inbox.json() as { items: { phone: string; code: string }[] }).items.find(
    (i) => i.phone === maskPhone(phone),
  );
  if (!entry) throw new Error(`no SMS for ${maskPhone(phone)} in the dev inbox`);
  return entry.code;
}

/** Signs in a resident by phone and SMS code. */
export async function signInResident(app: TestApp['app'], phone: string): Promise<Signed> {
  const code = await requestSmsCode(app, phone);
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/identity/resident-sessions',
    payload: { phone, code },
    remoteAddress: freshAddress(),
  });
  return signed(res);
}

/** app.inject with the signed-in user's cookie and CSRF header. */
export function as(app: TestApp['app'], who: Signed | { authorization: string }, options: InjectOptions) {
  const auth = 'headers' in who ? who.headers : who;
  return app.inject({ ...options, headers: { ...auth, ...(options.headers ?? {}) } });
}

/** Checksum-valid ID number for a region and birth date, with a sequence number of 3 digits. */
export function makeIdNumber(region6: string, birth = '19900101', seq = 123): string {
  const first17 = `${region6}${birth}${String(seq).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!;
  return first17 + '10X98765432'[sum % 11]!;
}

let phoneSeq = 0;
/** A mobile number no demo resident holds (the demo prefixes are different). */
export const uniquePhone = () =>
  `166${String(process.pid % 10_000).padStart(4, '0')}${String(phoneSeq++).padStart(4, '0')}`;

/** Row count of a table, for "no partial write" checks. */
export async function countRows(t: TestApp, table: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
    t.zt.platform.database.db,
  );
  return r.rows[0]!.n;
}

/** A signed-in resident as the services see one, for calls made without HTTP (many people at once). */
export const residentActor = (residentId: string): Actor => ({
  kind: 'resident',
  id: residentId,
  label: 'resident',
  roles: ['resident'],
  permissions: permissionsOf(['resident']),
  jurisdiction: null,
  residentId,
});

/** Ids of the demo residents living in a region, in id order. */
export async function residentIdsIn(
  t: TestApp,
  region: string,
  limit: number,
  order: 'asc' | 'desc' = 'asc',
): Promise<string[]> {
  const r = await sql<{ id: string }>`select id from residents where region_code like ${`${region}%`}
    order by id ${sql.raw(order)} limit ${limit}`.execute(t.zt.platform.database.db);
  return r.rows.map((x) => x.id);
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '../../apps/server/test/build-test-app.ts';
import { startServerProcess } from '../../scripts/lib/server-process.ts';

export interface BenchServer {
  url: string;
  /** The server process, for its CPU time. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the real server in its own process on a fresh data dir and, with DATABASE_URL, a fresh
 * database beside it (each run has its own data key, so it cannot reuse another run's rows), or on the
 * database the bench prepared (`databaseUrl`, with the bench's ZT_MASTER_KEY in `env`).
 */
export async function startServer(
  env: Record<string, string> = {},
  options: { databaseUrl?: string } = {},
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zt-bench-'));
  // A database the bench prepared itself is the caller's to drop.
  const scratch =
    !options.databaseUrl && process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : null;
  const server = await startServerProcess({
    ...process.env,
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ZT_DATA_DIR: dataDir,
    ZT_DEMO: '1',
    ZT_DEMO_RESIDENTS: '2000',
    ZT_RATE_LIMIT: '100000000',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    ...env,
  });
  return {
    url: server.url,
    pid: server.child.pid!,
    stop: async () => {
      await server.stop();
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in a demo staff account and returns the headers of its session. */
export async function staffSession(url: string, username = 'admin'): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/v1/identity/staff-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'Demo-2026-zt' }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status}`);
  return sessionHeaders(res);
}

/** Signs in the demo resident through the development SMS inbox and returns its session headers. */
export async function residentSession(url: string, phone = '13800138000'): Promise<Record<string, string>> {
  const sent = await fetch(`${url}/api/v1/identity/sms-codes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone }),
  });
  if (!sent.ok) throw new Error(`sms code refused: ${sent.status}`);
  const inbox = (await (await fetch(`${url}/api/v1/identity/dev/sms-inbox`)).json()) as {
    items: { phone: string; code: string }[];
  };
  const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  const code = inbox.items.find((i) => i.phone === masked)?.code;
  const res = await fetch(`${url}/api/v1/identity/resident-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone, code }),
  });
  if (!res.ok) throw new Error(`resident sign-in failed: ${res.status}`);
  return sessionHeaders(res);
}

/** Cookie and CSRF headers of a sign-in answer, for the requests that follow. */
async function sessionHeaders(res: Response): Promise<Record<string, string>> {
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, 'x-csrf-token': csrfToken };
}

// Staff set up a suite's data over HTTP from Node: the page's request context would share (and replace)
// the cookie of whoever is signed in to the app under test.
import { assert } from './harness.ts';

export const DEMO_PASSWORD = 'Demo-2026-zt';

export interface StaffApi {
  /** One JSON call as this staff member; the CSRF token goes along on writes. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** Signs a demo staff account in and keeps its session cookie. */
export async function staffApi(baseUrl: string, username: string): Promise<StaffApi> {
  const res = await fetch(`${baseUrl}/api/v1/identity/staff-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  assert(res.ok, `${username} sign-in answered ${res.status}`);
  return sessionApi(baseUrl, res);
}

/**
 * Signs a resident in by phone as the H5 does (an SMS code, read from the dev inbox) and keeps the
 * session: for suites that need other people beside the one in the browser.
 */
export async function residentApi(baseUrl: string, phone: string): Promise<StaffApi> {
  const post = (path: string, body: unknown) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const sent = await post('/api/v1/identity/sms-codes', { phone });
  assert(sent.status === 202, `SMS code for ${phone} answered ${sent.status}`);
  const res = await post('/api/v1/identity/resident-sessions', { phone, code: await devSmsCode(baseUrl, phone) });
  assert(res.ok, `resident sign-in answered ${res.status}`);
  return sessionApi(baseUrl, res);
}

/** The sign-in code the development inbox holds for this phone (the inbox shows numbers masked). */
export async function devSmsCode(baseUrl: string, phone: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/identity/dev/sms-inbox`);
  assert(res.ok, `dev inbox answered ${res.status}`);
  const { items } = (await res.json()) as { items: { phone: string; code: string }[] };
  const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  const sms = items.find((i) => i.phone === masked);
  assert(sms, `no code for ${masked} in ${JSON.stringify(items.slice(0, 3))}`);
  return sms.code;
}

async function sessionApi(baseUrl: string, res: Response): Promise<StaffApi> {
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return {
    async call<T>(method: string, path: string, body?: unknown) {
      const answer = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          cookie,
          ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await answer.text();
      return { status: answer.status, body: (text ? JSON.parse(text) : null) as T };
    },
  };
}

/** Calendar date in Asia/Shanghai (the server's day), `daysAgo` before now. */
export function shanghaiDay(daysAgo = 0): string {
  return new Date(Date.now() - daysAgo * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** As the CDC: reports a confirmed case (a name only, no resident behind it) and answers its id. */
export async function reportConfirmedCase(cdc: StaffApi, name: string): Promise<string> {
  const now = new Date();
  const reported = await cdc.call<{ id: string }>('POST', '/api/v1/case-report/cases', {
    name,
    onsetDate: shanghaiDay(1),
    diagnosedAt: now.toISOString(),
    classification: 'confirmed',
    symptoms: [],
  });
  assert(reported.status === 201, `case report answered ${reported.status}: ${JSON.stringify(reported.body)}`);
  return reported.body.id;
}

/** As the CDC: adds a trip to the case's investigation and lists it in the public 同程查询. */
export async function publishTrip(
  cdc: StaffApi,
  caseId: string,
  trip: {
    mode: 'train' | 'flight';
    number: string;
    date: string;
    carriage?: number;
    fromStation: string;
    toStation: string;
  },
): Promise<void> {
  const base = `/api/v1/contact-tracing/cases/${caseId}`;
  const added = await cdc.call<{ trips: { id: string; number: string }[] }>('POST', `${base}/trips`, trip);
  assert(added.status === 201, `trip answered ${added.status}: ${JSON.stringify(added.body)}`);
  const id = added.body.trips.find((t) => t.number === trip.number)?.id;
  assert(id, `the new trip is not in ${JSON.stringify(added.body.trips)}`);
  const published = await cdc.call('PUT', `${base}/trips/${id}/published`, { published: true });
  assert(published.status === 200, `publishing answered ${published.status}: ${JSON.stringify(published.body)}`);
}

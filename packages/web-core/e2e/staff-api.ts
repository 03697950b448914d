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

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, signInStaff, type TestApp } from '../../test/build-test-app.ts';
import { ensureTracingLoad, tripsOfLastDays } from './demo-tracing-load.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ residents: 50 });
});
afterAll(() => t?.close());

describe('synthetic tracing load (npm run seed -- --check-ins)', () => {
  it('checks in the demo residents at its places on whole past days, and grows only by what is missing', async () => {
    const db = t.zt.platform.database.db;
    const options = { checkIns: 3000, checkInsPerDay: 1000, places: 40, manifestRows: 500 };
    await ensureTracingLoad(t.zt, options);
    const first = await sql<{ id: string }>`select id from check_ins order by id limit 5`.execute(db);
    // Past 5,000 rows: manifests go in statements the embedded database accepts.
    await ensureTracingLoad(t.zt, { ...options, checkIns: 5000, manifestRows: 6000 });
    expect(await t.zt.services.checkIn.countCheckIns()).toBe(5000);
    expect(await t.zt.services.contactTracing.countManifestRows()).toBe(6000);
    // Growing kept what was there.
    const kept = await sql<{ n: number }>`select count(*)::int as n from check_ins
      where id = any(${first.rows.map((r) => r.id)}::uuid[])`.execute(db);
    expect(kept.rows[0]!.n).toBe(5);
    const facts = await sql<{ strangers: number; future: number; days: number; places: number; hours: number[] }>`
      select count(*) filter (where not exists (select 1 from health_subjects s where s.pseudonym = c.subject))::int as strangers,
        count(*) filter (where at > now())::int as future,
        count(distinct (at at time zone 'Asia/Shanghai')::date)::int as days,
        count(distinct place_id)::int as places,
        array[min(extract(hour from at at time zone 'Asia/Shanghai')), max(extract(hour from at at time zone 'Asia/Shanghai'))]::int[] as hours
      from check_ins c`.execute(db);
    expect(facts.rows[0]).toEqual({ strangers: 0, future: 0, days: 5, places: 40, hours: [7, 21] });
  });

  it('fills the trips of its manifests seat by seat, so a case on one of them has neighbours', async () => {
    const { trips } = tripsOfLastDays(7);
    const g1 = trips[0]!;
    expect(g1).toMatchObject({ mode: 'train', number: 'G1' });
    const cdc = await signInStaff(t.app, 'cdc');
    const found = await t.app.inject({
      url: `/api/v1/contact-tracing/co-travel?date=${g1.date}&number=G1&carriage=1`,
    });
    // Nothing is published: the answer tells no one about an unpublished trip.
    expect(found.json()).toMatchObject({ found: false });
    const reported = await as(t.app, cdc, {
      method: 'POST',
      url: '/api/v1/case-report/cases',
      headers: { 'content-type': 'application/json' },
      payload: {
        name: '李雷',
        onsetDate: g1.date,
        diagnosedAt: new Date(Date.now() - 3_600_000).toISOString(),
        classification: 'confirmed',
        symptoms: ['fever'],
      },
    });
    expect(reported.statusCode, reported.body).toBe(201);
    const trip = await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/contact-tracing/cases/${reported.json().id}/trips`,
      payload: { mode: 'train', number: 'G1', date: g1.date, carriage: 1, seat: '3A' },
    });
    expect(trip.statusCode, trip.body).toBe(201);
    const contacts = (
      await as(t.app, cdc, {
        method: 'GET',
        url: `/api/v1/contact-tracing/contacts?caseId=${reported.json().id}&limit=200`,
      })
    ).json().items;
    // Carriage 1 of G1 is full (90 seats).
    expect(contacts.length).toBe(90);
    expect(contacts.every((c: { exposures: { kind: string }[] }) => c.exposures[0]!.kind === 'train')).toBe(true);
  });
});

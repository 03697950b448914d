import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESIDENT_REGISTERED, type ResidentRegistered } from '../../src/modules/identity/index.ts';
import { as, buildTestApp, makeIdNumber, signInStaff, uniquePhone, WUCHANG, type TestApp } from '../build-test-app.ts';

const LISTENER_QUEUE = `test.welcome.on.${RESIDENT_REGISTERED}`;

describe('events published with the change that caused them', () => {
  let t: TestApp;
  const received: ResidentRegistered[] = [];
  beforeAll(async () => {
    t = await buildTestApp({
      residents: 0,
      build: {
        startJobs: true,
        beforeStart: ({ events }) =>
          events.on<ResidentRegistered>(RESIDENT_REGISTERED, 'test.welcome', async (fact) => void received.push(fact)),
      },
    });
  });
  afterAll(async () => t?.close());

  const queued = async () =>
    (
      await sql<{ n: number }>`select count(*)::int as n from jobs.job where name = ${LISTENER_QUEUE}`.execute(
        t.zt.platform.database.db,
      )
    ).rows[0]!.n;

  it('delivers a registration to its listener, without personal data', async () => {
    await t.zt.services.identity.seedStaff({
      username: 'registrar',
      displayName: '登记员',
      password: 'Strong-pass-2026',
      roles: ['grid_worker'],
      jurisdictionCode: WUCHANG,
    });
    const registrar = await signInStaff(t.app, 'registrar', 'Strong-pass-2026');
    const person = {
      name: '钱七',
      idNumber: makeIdNumber(WUCHANG, '19800101', 321),
      phone: uniquePhone(),
      regionCode: WUCHANG,
    };
    const res = await as(t.app, registrar, { method: 'POST', url: '/api/v1/identity/residents', payload: person });
    expect(res.statusCode, res.body).toBe(201);
    const deadline = Date.now() + 20_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual([{ residentId: res.json().id, regionCode: WUCHANG }]);
    const stored = await sql<{ data: unknown }>`select data from jobs.job where name = ${LISTENER_QUEUE}`.execute(
      t.zt.platform.database.db,
    );
    const text = JSON.stringify(stored.rows);
    expect(text).not.toContain(person.idNumber);
    expect(text).not.toContain(person.phone);
    expect(text).not.toContain(person.name);

    // A refused registration (the same ID number again) publishes nothing.
    const before = await queued();
    const again = await as(t.app, registrar, {
      method: 'POST',
      url: '/api/v1/identity/residents',
      payload: { ...person, phone: uniquePhone() },
    });
    expect(again.statusCode).toBe(409);
    expect(await queued()).toBe(before);
  }, 40_000);

  it('queues nothing when the publishing transaction rolls back', async () => {
    const before = await queued();
    await expect(
      t.zt.platform.database.db.transaction().execute(async (trx) => {
        await t.zt.platform.events.publish(trx, RESIDENT_REGISTERED, { residentId: 'x', regionCode: WUCHANG });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await queued()).toBe(before);
  });
});

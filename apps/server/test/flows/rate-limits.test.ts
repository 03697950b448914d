import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/platform/auth/actor.ts';
import { buildTestApp, type TestApp } from '../build-test-app.ts';

describe('rate limits', () => {
  let t: TestApp;
  let cookies: string[];
  let district: string;
  let csrf: string[];
  const LIMIT = 8;
  beforeAll(async () => {
    t = await buildTestApp({ residents: 20, build: { rateLimitMax: LIMIT } });
    const people = await sql<{
      id: string;
      region_code: string;
    }>`select id, region_code from residents order by id limit 2`.execute(t.zt.platform.database.db);
    const sessions = await t.zt.services.identity.seedResidentSessions(
      people.rows.map((r, i) => ({ residentId: r.id, phone: `1380013${String(9000 + i)}` })),
    );
    cookies = sessions.map((s) => `zt_session=${s.token}`);
    csrf = sessions.map((s) => s.csrfToken);
    district = people.rows[1]!.region_code.slice(0, 6);
  });
  afterAll(() => t?.close());

  // One carrier-grade NAT address in front of everyone.
  const ask = (cookie?: string) =>
    t.app.inject({
      url: '/api/v1/identity/me',
      remoteAddress: '198.51.100.7',
      ...(cookie ? { headers: { cookie } } : {}),
    });

  it('gives each signed-in account its own budget behind one address, and counts the rest by address', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await ask(cookies[0])).statusCode).toBe(200);
    const over = await ask(cookies[0]);
    expect(over.statusCode).toBe(429);
    expect(over.json().code).toBe('request.rate_limited');
    // The next resident behind the same address is not refused for the first one's clicks.
    expect((await ask(cookies[1])).statusCode).toBe(200);
    // Nor is an anonymous visitor there; anonymous visitors share the address's budget.
    const anonymous = [];
    for (let i = 0; i <= LIMIT; i++) anonymous.push((await ask()).statusCode);
    expect(anonymous.slice(0, LIMIT).every((s) => s === 401)).toBe(true);
    expect(anonymous[LIMIT]).toBe(429);
  });

  it('lets more residents behind one address sign in than one machine needs (the budgets are per number)', async () => {
    const nat = { remoteAddress: '198.51.100.8' };
    // Thirty is more than the old per-address budget of sign-ins (20 a minute) and of codes (10).
    for (let i = 0; i < 30; i++) {
      const phone = `1390027${String(1000 + i)}`;
      const sent = await t.app.inject({
        method: 'POST',
        url: '/api/v1/identity/sms-codes',
        payload: { phone },
        ...nat,
      });
      expect(sent.statusCode, sent.body).toBe(202);
      const inbox = (
        await t.app.inject({ url: '/api/v1/identity/dev/sms-inbox', remoteAddress: `203.0.113.${i}` })
      ).json() as {
        items: { phone: string; code: string }[];
      };
      const code = inbox.items.find((m) => m.phone === `${phone.slice(0, 3)}****${phone.slice(-4)}`)!.code;
      const signedIn = await t.app.inject({
        method: 'POST',
        url: '/api/v1/identity/resident-sessions',
        payload: { phone, code },
        ...nat,
      });
      expect(signedIn.statusCode, signedIn.body).toBe(200);
    }
  });

  it("does not limit a resident's joins of a waiting room: each keeps the one place", async () => {
    const officer: Actor = {
      kind: 'staff',
      id: 'test-officer',
      label: 'test-officer',
      roles: ['department_officer'],
      permissions: ['reservations.manage'],
      jurisdiction: district,
      residentId: null,
    };
    const { reservation } = t.zt.services;
    const campaign = await reservation.createCampaign(officer, {
      kind: 'masks',
      title: '排队限流测试',
      regionCode: district,
      mode: 'first_come',
      oncePerDays: 0,
      itemsPerPerson: 1,
      opensAt: new Date(Date.now() + 3_600_000).toISOString(),
      sites: [
        {
          name: '测试药房',
          address: '测试路 1 号',
          regionCode: district,
          slots: [
            { startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 7_200_000).toISOString(), quota: 5 },
          ],
        },
      ],
    });
    await reservation.setStatus(officer, campaign.id, 'open');
    // A phone reloading the page joins again each time, more often than the budget of other requests.
    const answers = [];
    for (let i = 0; i < LIMIT * 2; i++)
      answers.push(
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/reservation/campaigns/${campaign.id}/queue`,
          remoteAddress: '198.51.100.9',
          headers: { cookie: cookies[1]!, 'x-csrf-token': csrf[1]! },
        }),
      );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(LIMIT * 2).fill(200));
    expect(new Set(answers.map((a) => a.json().position)).size).toBe(1);
  });
});

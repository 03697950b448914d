import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../build-test-app.ts';

describe('rate limits', () => {
  let t: TestApp;
  let cookies: string[];
  const LIMIT = 8;
  beforeAll(async () => {
    t = await buildTestApp({ residents: 20, build: { rateLimitMax: LIMIT } });
    const people = await sql<{ id: string }>`select id from residents order by id limit 2`.execute(
      t.zt.platform.database.db,
    );
    const sessions = await t.zt.services.identity.seedResidentSessions(
      people.rows.map((r, i) => ({ residentId: r.id, phone: `1380013${String(9000 + i)}` })),
    );
    cookies = sessions.map((s) => `zt_session=${s.token}`);
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
});

import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignInput } from '@zhengtong/contracts';
import {
  as,
  buildTestApp,
  JIANGAN,
  makeIdNumber,
  signInResident,
  signInStaff,
  uniquePhone,
  type Signed,
  type TestApp,
} from '../../../test/build-test-app.ts';
import { testCaches } from '../../../test/caches.ts';
import type { Cache } from '../../platform/cache/index.ts';
import { WaitingRoom } from './reservation.waiting-room.ts';

describe.each(testCaches)('waiting room on the %s cache', (_name, make) => {
  let cache: Cache;
  const room = (startRate = 10) =>
    new WaitingRoom(cache, { startRate, minRate: 5, maxRate: 100, targetMs: 250, tickMs: 0, maxInFlight: 2 });
  // Each case has a cache of its own: the leader's lease and the rate are shared state.
  beforeEach(() => {
    cache = make();
  });
  afterEach(() => cache.close());

  it('shuffles those who came before the opening, queues later arrivals behind them, admits none early', async () => {
    const wr = room();
    const opensAt = new Date(Date.now() + 60_000);
    const early = Array.from({ length: 60 }, (_, i) => `early-${String(i).padStart(2, '0')}`);
    for (const m of early) {
      const s = await wr.join('c-open', m, opensAt);
      expect(s).toMatchObject({ admitted: false, opensAt: opensAt.toISOString() });
      // Before the opening nobody needs to ask more than every 10 s (or at the opening, if sooner).
      expect(s.retryAfterSeconds).toBeLessThanOrEqual(
        Math.min(10, Math.ceil((opensAt.getTime() - Date.now()) / 1000) + 1),
      );
      expect(s.retryAfterSeconds).toBeGreaterThan(0);
    }
    // Nobody is let in before the opening, however often the controller runs.
    await wr.tick(Date.now());
    await wr.tick(Date.now() + 500);
    expect((await wr.state('c-open', 'early-00', opensAt)).admitted).toBe(false);
    const line = await cache.rankedMembers('wr:c-open:q');
    expect(line).toHaveLength(60);
    expect(line).not.toEqual(early); // arrival order is not the line's order
    expect([...line].sort()).toEqual(early);

    const after = opensAt.getTime() + 1000;
    const late = await wr.join('c-open', 'late', opensAt, after);
    expect(late).toMatchObject({ admitted: false, position: 61 });
    expect(late.etaSeconds).toBe(Math.ceil(61 / 10));
    expect(late.retryAfterSeconds).toBe(4); // half the wait
  });

  it('works on at most maxInFlight admitted reservations at once, and takes the next when one ends', () => {
    const wr = room(10);
    expect([wr.enter(), wr.enter(), wr.enter()]).toEqual([true, true, false]);
    wr.leave();
    expect(wr.enter()).toBe(true);
  });

  it('tells those it turns away to come back when the reservations ahead are done at its pace', () => {
    const wr = new WaitingRoom(cache, {
      startRate: 10,
      minRate: 5,
      maxRate: 100,
      targetMs: 250,
      tickMs: 0,
      maxInFlight: 40,
    });
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    for (let i = 0; i < 40; i++) wr.enter();
    // Nothing finished yet: no pace to go by, so the longest wait.
    expect(wr.busyRetryAfterSeconds(t0)).toBe(10);
    // Ten finished in the last second and are taken again: 40 ahead at 10 a second is 4 s.
    for (let i = 0; i < 10; i++) wr.leave(t0 + 100);
    for (let i = 0; i < 10; i++) wr.enter();
    expect(wr.busyRetryAfterSeconds(t0 + 1200)).toBe(4);
    // Forty a second: come back in a second.
    for (let i = 0; i < 40; i++) wr.leave(t0 + 1300);
    for (let i = 0; i < 40; i++) wr.enter();
    expect(wr.busyRetryAfterSeconds(t0 + 1400)).toBe(1);
  });

  it('admits in line order at the rate, says each place and wait, and keeps a place on rejoin', async () => {
    const wr = room(10);
    const t0 = Date.now();
    // A crowd larger than a second's budget: the first ten are let in at once, the rest wait.
    const states = [];
    for (let i = 0; i < 60; i++) states.push(await wr.join('c-rate', `p${i}`, null, t0));
    expect(states.filter((s) => s.admitted)).toHaveLength(10);
    expect(states[29]).toMatchObject({ admitted: false, position: 20, etaSeconds: 2, retryAfterSeconds: 1 });
    expect(states[59]).toMatchObject({ position: 50, etaSeconds: 5, retryAfterSeconds: 3 });
    expect(states[0]!.retryAfterSeconds).toBe(0);
    expect(await wr.join('c-rate', 'p29', null, t0)).toMatchObject({ position: 20 });
    // The controller then lets in `rate` people a second (a little more as the idle backend allows), in order.
    await wr.tick(t0 + 500);
    await wr.tick(t0 + 1000);
    const after = await Promise.all(states.map((_, i) => wr.state('c-rate', `p${i}`, null)));
    const admitted = after.filter((s) => s.admitted).length;
    expect(admitted).toBeGreaterThanOrEqual(20);
    expect(admitted).toBeLessThan(60);
    expect(after.map((s) => s.admitted)).toEqual(after.map((_, i) => i < admitted));
    expect(after.slice(admitted).map((s) => s.position)).toEqual(after.slice(admitted).map((_, i) => i + 1));
  });

  it('gives a waiting person a signed ticket that says where they stand without the line, and only a good one', async () => {
    const wr = room(10);
    const t0 = Date.now();
    // Before the opening places still move as people join: no ticket yet.
    expect((await wr.join('c-early', 'e', new Date(t0 + 60_000), t0)).ticket).toBeNull();
    const states = [];
    for (let i = 0; i < 30; i++) states.push(await wr.join('c-ticket', `t${i}`, null, t0));
    expect(states[0]).toMatchObject({ admitted: true, ticket: null });
    const last = states[29]!;
    expect(last.ticket).toEqual(expect.any(String));
    expect(await wr.ticketState(last.ticket!, t0)).toMatchObject({
      admitted: false,
      position: last.position,
      ticket: last.ticket,
    });
    // The controller lets the line on; a copy of it older than a quarter of a second answers once more
    // while it is read again, and the next ask sees the line moved.
    for (const at of [1000, 2000, 3000]) await wr.tick(t0 + at);
    expect((await wr.ticketState(last.ticket!, t0 + 3000))?.admitted).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(await wr.ticketState(last.ticket!, t0 + 3010)).toMatchObject({ admitted: true, position: 0 });
    // A ticket with another place written in, an expired one, or one another key signed are refused.
    expect(await wr.ticketState(last.ticket!.replace(/\.29\./, '.0.'), t0)).toBeNull();
    expect(await wr.ticketState(last.ticket!, t0 + 5 * 3_600_000)).toBeNull();
    expect(await room(10).ticketState(last.ticket!, t0)).toBeNull();
    expect(await wr.ticketState('not-a-ticket', t0)).toBeNull();
  });

  it('follows the backend: faster while reservations stay quick, slower when they slow down', async () => {
    const wr = room(20);
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    for (let i = 0; i < 300; i++) await wr.join('c-aimd', `q${i}`, null, t0);
    for (let i = 0; i < 50; i++) wr.observe(40, false);
    await wr.tick(t0 + 100); // reports the healthy second t0
    await wr.tick(t0 + 1100); // decides on it: a backlog and quick answers → more per second
    // Until the first sign of strain the start rate was only a guess: a second the backend kept up
    // with doubles it (the second before, with nothing to judge by, added 5).
    const faster = (await wr.state('c-aimd', 'q299', null)).rate;
    expect(faster).toBe((20 + 5) * 2);
    for (let i = 0; i < 20; i++) wr.observe(i < 8 ? 900 : 40, false); // 40 % slow, and fewer than the rate
    await wr.tick(t0 + 1200);
    await wr.tick(t0 + 2100);
    const slower = (await wr.state('c-aimd', 'q299', null)).rate;
    expect(slower).toBe(Math.round(faster * 0.7));
    // After it, a quick second adds a tenth (at least 5), as near the backend's limit as it can stay.
    for (let i = 0; i < 50; i++) wr.observe(40, false);
    await wr.tick(t0 + 2200);
    await wr.tick(t0 + 3100);
    expect((await wr.state('c-aimd', 'q299', null)).rate).toBe(Math.round(faster * 0.7 + 5));
    // Strain while the backend still serves many: the rate backs off no further than 0.9 × those it
    // served, slowly or not (the admitted who come back late arrive together); shed ones do not count.
    for (let i = 0; i < 100; i++) wr.observe(i < 10 ? 900 : i < 20 ? 0 : 40, i >= 10 && i < 20);
    await wr.tick(t0 + 3200);
    await wr.tick(t0 + 4100);
    const held = (await wr.state('c-aimd', 'q299', null)).rate;
    expect(held).toBe(Math.round(faster * 0.7 + 5)); // 0.9 × 90 served is more than it: kept
    // Shed requests (503) count as slow: the room backs off to its floor, never below.
    for (let n = 5; n < 14; n++) {
      for (let i = 0; i < 10; i++) wr.observe(1, true);
      await wr.tick(t0 + n * 1000 - 900);
      await wr.tick(t0 + n * 1000 + 100);
    }
    expect((await wr.state('c-aimd', 'q299', null)).rate).toBe(5);
    // Once the backend keeps up again the rate doubles back to half the highest it reached (50 → 25),
    // not a tenth at a time from the floor, then goes on adding a tenth.
    for (let i = 300; i < 600; i++) await wr.join('c-aimd', `q${i}`, null, t0 + 13_500); // a line still
    const rates: number[] = [];
    for (let n = 14; n < 18; n++) {
      for (let i = 0; i < 20; i++) wr.observe(40, false);
      await wr.tick(t0 + n * 1000 - 900);
      await wr.tick(t0 + n * 1000 + 100);
      rates.push((await wr.state('c-aimd', 'q599', null)).rate);
    }
    expect(rates).toEqual([10, 20, 25, 30]);
    // A rate the admitted use less than half of is kept, not raised: 14 reservations at 30 a second.
    for (let i = 0; i < 14; i++) wr.observe(40, false);
    await wr.tick(t0 + 17_200);
    await wr.tick(t0 + 18_100);
    expect((await wr.state('c-aimd', 'q599', null)).rate).toBe(30);
  });
});

describe('waiting room in front of reservations', () => {
  let t: TestApp;
  let officer: Signed;
  const people: Signed[] = [];
  const HOUR = 3_600_000;

  beforeAll(async () => {
    // A small admission budget, so a dozen people make a line.
    t = await buildTestApp({
      residents: 120,
      config: { waitingRoom: { startRate: 5, maxRate: 5, targetMs: 250, tickMs: 1000, maxInFlight: 64 } },
    });
    officer = await signInStaff(t.app, 'officer');
    const admin = await signInStaff(t.app, 'admin');
    for (let i = 0; i < 12; i++) {
      const phone = uniquePhone();
      const made = await as(t.app, admin, {
        method: 'POST',
        url: '/api/v1/identity/residents',
        payload: {
          name: `排队${i}`,
          idNumber: makeIdNumber(JIANGAN, '19900101', 300 + i),
          phone,
          regionCode: t.grids[0],
        },
      });
      expect(made.statusCode, made.body).toBe(201);
      people.push(await signInResident(t.app, phone));
    }
  });
  afterAll(() => t?.close());

  const campaign = (over: Partial<CampaignInput> = {}): CampaignInput => ({
    kind: 'masks',
    title: '排队测试',
    regionCode: JIANGAN,
    mode: 'first_come',
    oncePerDays: 0,
    itemsPerPerson: 5,
    sites: [
      {
        name: '江岸大药房',
        address: '江岸区解放大道 1 号',
        regionCode: JIANGAN,
        slots: [
          {
            startsAt: new Date(Date.now()).toISOString(),
            endsAt: new Date(Date.now() + 2 * HOUR).toISOString(),
            quota: 100,
          },
        ],
      },
    ],
    ...over,
  });
  async function open(over: Partial<CampaignInput> = {}) {
    const c = (
      await as(t.app, officer, { method: 'POST', url: '/api/v1/reservation/campaigns', payload: campaign(over) })
    ).json();
    const opened = await as(t.app, officer, {
      method: 'POST',
      url: `/api/v1/reservation/campaigns/${c.id}/status`,
      payload: { status: 'open' },
    });
    expect(opened.statusCode, opened.body).toBe(200);
    return opened.json() as { id: string; opensAt: string | null; sites: { slots: { id: string }[] }[] };
  }

  it('a campaign announced ahead takes people into the room but not yet their reservations', async () => {
    const opensAt = new Date(Date.now() + HOUR).toISOString();
    const c = await open({ opensAt });
    expect(c.opensAt).toBe(opensAt);
    const joined = await as(t.app, people[0]!, { method: 'POST', url: `/api/v1/reservation/campaigns/${c.id}/queue` });
    expect(joined.statusCode, joined.body).toBe(200);
    expect(joined.json()).toMatchObject({ admitted: false, opensAt });
    const early = await as(t.app, people[0]!, {
      method: 'POST',
      url: '/api/v1/reservation/reservations',
      payload: { slotId: c.sites[0]!.slots[0]!.id },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('reservation.not_yet_open');
  });

  it('when more come than the backend takes, the rest wait with a place and a time, then get in', async () => {
    const c = await open();
    const slotId = c.sites[0]!.slots[0]!.id;
    const reserve = (who: Signed) =>
      as(t.app, who, { method: 'POST', url: '/api/v1/reservation/reservations', payload: { slotId } });
    const first = await Promise.all(people.map(reserve));
    const made = first.filter((r) => r.statusCode === 201);
    const waiting = first.filter((r) => r.statusCode === 429);
    // Five a second may pass (at most one controller step falls within the burst); the rest wait.
    expect(made.length).toBeGreaterThan(0);
    expect(waiting.length).toBeGreaterThan(0);
    expect(made.length + waiting.length).toBe(people.length);
    expect(waiting[0]!.json().code).toBe('reservation.waiting');
    expect(Number(waiting[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const last = people[first.findLastIndex((r) => r.statusCode === 429)]!;
    const state = await as(t.app, last, { method: 'GET', url: `/api/v1/reservation/campaigns/${c.id}/queue` });
    expect(state.json()).toMatchObject({ admitted: false });
    expect(state.json().position).toBeGreaterThan(0);
    expect(state.json().etaSeconds).toBeGreaterThan(0);
    // While waiting, the H5 asks with the signed ticket of its place: no session, the same answer.
    const byTicket = (ticket?: string) =>
      t.app.inject({
        method: 'GET',
        url: '/api/v1/reservation/public/queue',
        headers: ticket === undefined ? {} : { 'x-queue-ticket': ticket },
      });
    const ticket = state.json().ticket as string;
    // The same place, unless the room's once-a-second step let people in between the two answers.
    const seen = (await byTicket(ticket)).json();
    expect(seen.ticket).toBe(ticket);
    expect(seen.position).toBeLessThanOrEqual(state.json().position);
    expect(seen.position).toBeGreaterThan(state.json().position - 6);
    const forged = await byTicket(ticket.replace(/\.(\d+)\./, '.0.'));
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe('reservation.ticket_invalid');
    expect((await byTicket()).statusCode).toBe(400);
    // The room lets the rest in within a few seconds; each then reserves once.
    for (const [i, r] of first.entries()) {
      if (r.statusCode !== 429) continue;
      const mine = await as(t.app, people[i]!, { method: 'GET', url: `/api/v1/reservation/campaigns/${c.id}/queue` });
      for (let tries = 0, s = mine.json(); !s.admitted; tries++) {
        expect(tries).toBeLessThan(100);
        await new Promise((r) => setTimeout(r, 200));
        s = (await byTicket(s.ticket)).json();
      }
      expect((await reserve(people[i]!)).statusCode).toBe(201);
    }
    const n = await sql<{ n: number }>`select count(*)::int as n from reservations where campaign_id = ${c.id}`.execute(
      t.zt.platform.database.db,
    );
    expect(n.rows[0]!.n).toBe(people.length);
  });

  it('serves the public campaign page from a snapshot a CDN may keep, and answers 304 to a client holding it', async () => {
    const c = await open({ title: '快照测试' });
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/reservation/public/campaigns/${c.id}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toMatch(/public, max-age=\d+/);
    expect(page.json()).toMatchObject({ id: c.id, title: '快照测试', status: 'open' });
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reservation/public/campaigns/${c.id}`,
      headers: { 'if-none-match': String(page.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    const draft = (
      await as(t.app, officer, { method: 'POST', url: '/api/v1/reservation/campaigns', payload: campaign() })
    ).json();
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/reservation/public/campaigns/${draft.id}` })).statusCode,
    ).toBe(404);
  });
});

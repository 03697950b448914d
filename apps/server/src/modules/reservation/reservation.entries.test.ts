import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignInput } from '@zhengtong/contracts';
import {
  as,
  buildTestApp,
  JIANGAN,
  residentActor,
  residentIdsIn,
  signInStaff,
  type Signed,
  type TestApp,
} from '../../../test/build-test-app.ts';

const HOUR = 3_600_000;
let t: TestApp;
let officer: Signed;
let people: string[];

beforeAll(async () => {
  t = await buildTestApp({ residents: 120 });
  officer = await signInStaff(t.app, 'officer');
  people = await residentIdsIn(t, JIANGAN, 10);
});
afterAll(() => t?.close());

const campaign = (over: Partial<CampaignInput>, quota: number): CampaignInput => ({
  kind: 'masks',
  title: '登记测试',
  regionCode: JIANGAN,
  mode: 'first_come',
  oncePerDays: 0,
  itemsPerPerson: 5,
  sites: [
    {
      name: '江岸大药房',
      address: '江岸区解放大道 1 号',
      regionCode: JIANGAN,
      slots: [{ startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 2 * HOUR).toISOString(), quota }],
    },
  ],
  ...over,
});

async function open(input: CampaignInput) {
  const created = await as(t.app, officer, { method: 'POST', url: '/api/v1/reservation/campaigns', payload: input });
  expect(created.statusCode, created.body).toBe(201);
  const opened = await as(t.app, officer, {
    method: 'POST',
    url: `/api/v1/reservation/campaigns/${created.json().id}/status`,
    payload: { status: 'open' },
  });
  return opened.json() as { id: string; sites: { id: string; slots: { id: string }[] }[] };
}

/** The SMS notices in the development inbox, newest first. */
const notices = async () =>
  (await t.app.inject({ method: 'GET', url: '/api/v1/identity/dev/sms-inbox' })).json().notices as {
    phone: string;
    template: string;
    text: string;
  }[];
const maskedPhones = async (ids: string[]) =>
  [...(await t.zt.services.identity.residentCards(ids)).values()].map((c) => c.maskedPhone);
/** The notice jobs queued for a campaign (the queue's own table). */
const noticeJobs = async (campaignId: string) =>
  (
    await sql<{ n: number }>`select count(*)::int as n from jobs.job
      where name = 'reservation.notify-won' and data->>'campaignId' = ${campaignId}`.execute(t.zt.platform.database.db)
  ).rows[0]!.n;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string }) => e.code,
  );

describe('lottery (抽签)', () => {
  it('refuses a lottery without a registration period', async () => {
    const bad = await as(t.app, officer, {
      method: 'POST',
      url: '/api/v1/reservation/campaigns',
      payload: campaign({ mode: 'lottery' }, 3),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      expect.objectContaining({ path: 'registrationEndsAt', code: 'reservation.registration_required' }),
    ]);
  });

  it('collects registrations, draws once from the published seed, and anyone can redo the draw', async () => {
    const ends = new Date(Date.now() + HOUR);
    const c = await open(campaign({ mode: 'lottery', title: '抽签测试', registrationEndsAt: ends.toISOString() }, 3));
    const svc = t.zt.services.reservation;
    for (const id of people.slice(0, 8)) await svc.register(residentActor(id), c.id, c.sites[0]!.id);
    expect(await codeOf(svc.register(residentActor(people[0]!), c.id))).toBe('reservation.already_registered');
    expect(await codeOf(svc.reserve(residentActor(people[9]!), c.sites[0]!.slots[0]!.id))).toBe(
      'reservation.lottery_only',
    );
    const early = await as(t.app, officer, {
      method: 'POST',
      url: `/api/v1/reservation/campaigns/${c.id}/draw`,
      payload: { seed: '2026-12-01 福彩3D 123' },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('reservation.registration_open');

    // The registration period ends (moved back rather than waited for).
    await sql`update reservation_campaigns set registration_ends_at = now() - interval '1 second'
      where id = ${c.id}`.execute(t.zt.platform.database.db);
    expect(await codeOf(svc.register(residentActor(people[9]!), c.id))).toBe('reservation.registration_closed');
    const drawn = await as(t.app, officer, {
      method: 'POST',
      url: `/api/v1/reservation/campaigns/${c.id}/draw`,
      payload: { seed: '2026-12-01 福彩3D 123' },
    });
    expect(drawn.statusCode, drawn.body).toBe(200);
    expect(drawn.json()).toMatchObject({ seed: '2026-12-01 福彩3D 123', winners: 3 });
    const again = await as(t.app, officer, {
      method: 'POST',
      url: `/api/v1/reservation/campaigns/${c.id}/draw`,
      payload: { seed: 'another seed' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('reservation.already_drawn');

    // The published record, redone here from its seed and tickets alone.
    const record = (
      await t.app.inject({ method: 'GET', url: `/api/v1/reservation/public/campaigns/${c.id}/draw` })
    ).json() as { seed: string; entries: { ticket: string; won: boolean }[] };
    expect(record.entries).toHaveLength(8);
    for (const id of people) expect(JSON.stringify(record)).not.toContain(id); // tickets name nobody
    const digest = (ticket: string) => createHash('sha256').update(`${record.seed}:${ticket}`).digest('hex');
    const redone = [...record.entries].sort((a, b) => (digest(a.ticket) < digest(b.ticket) ? -1 : 1));
    expect(record.entries.map((e) => e.ticket)).toEqual(redone.map((e) => e.ticket));
    expect(redone.map((e) => e.won)).toEqual([true, true, true, false, false, false, false, false]);

    const db = t.zt.platform.database.db;
    const held = await sql<{ n: number; taken: number }>`select count(*)::int as n,
        (select taken from reservation_slots where campaign_id = ${c.id}) as taken
      from reservations where campaign_id = ${c.id} and status = 'confirmed'`.execute(db);
    expect(held.rows[0]).toEqual({ n: 3, taken: 3 });
    // Each person sees the result: a winner's registration points at the reservation they were given.
    const results = await Promise.all(people.slice(0, 8).map((id) => svc.myEntries(residentActor(id))));
    const mineHere = results.map((r) => r.items.find((e) => e.campaignId === c.id)!);
    expect(mineHere.filter((e) => e.status === 'won' && e.reservationId)).toHaveLength(3);
    expect(mineHere.filter((e) => e.status === 'lost')).toHaveLength(5);

    // The draw queued the winners' SMS notice; its job tells each winner once, where and when.
    expect(await noticeJobs(c.id)).toBe(1);
    const winners = people.slice(0, 8).filter((_, i) => mineHere[i]!.status === 'won');
    expect(await svc.notifyWon(c.id)).toBe(3);
    expect(await svc.notifyWon(c.id)).toBe(0);
    const told = (await notices()).filter((n) => n.text.includes('抽签测试'));
    expect(told.map((n) => n.phone).sort()).toEqual((await maskedPhones(winners)).sort());
    expect(told[0]).toMatchObject({ template: 'reservation-won', text: expect.stringContaining('江岸大药房') });
    const audited = await sql<{ n: number }>`select count(*)::int as n from audit_events
      where purpose = 'notification' and subject_id = any(${winners}::text[])`.execute(t.zt.platform.database.db);
    expect(audited.rows[0]!.n).toBe(3);
  });
});

describe('waiting list (候补)', () => {
  it('takes registrations only when full, and gives a freed place to the first on the list', async () => {
    const c = await open(campaign({ title: '候补测试' }, 2));
    const svc = t.zt.services.reservation;
    const slotId = c.sites[0]!.slots[0]!.id;
    expect(await codeOf(svc.register(residentActor(people[2]!), c.id))).toBe('reservation.places_left');
    // Before an announced opening as well: the waiting room's line is where one waits for it.
    const later = await open(
      campaign({ title: '候补测试（未开始）', opensAt: new Date(Date.now() + HOUR).toISOString() }, 2),
    );
    expect(await codeOf(svc.register(residentActor(people[2]!), later.id))).toBe('reservation.places_left');
    const first = await svc.reserve(residentActor(people[0]!), slotId);
    await svc.reserve(residentActor(people[1]!), slotId);
    expect(await codeOf(svc.register(residentActor(people[0]!), c.id))).toBe('reservation.already');
    const second = await svc.register(residentActor(people[3]!), c.id);
    const third = await svc.register(residentActor(people[2]!), c.id);
    expect(second).toMatchObject({ status: 'waiting', ahead: 0 });
    expect(third).toMatchObject({ status: 'waiting', ahead: 1 });

    await svc.cancel(residentActor(people[0]!), first.id);
    const entry = (await svc.myEntries(residentActor(people[3]!))).items.find((e) => e.campaignId === c.id)!;
    expect(entry.status).toBe('won');
    const theirs = (await svc.mine(residentActor(people[3]!))).items.find((r) => r.campaignId === c.id)!;
    expect(theirs).toMatchObject({ id: entry.reservationId, status: 'confirmed' });
    expect(await noticeJobs(c.id)).toBe(1);
    expect(await svc.notifyWon(c.id)).toBe(1);
    const [told] = (await notices()).filter((n) => n.text.includes('候补测试'));
    expect(told).toMatchObject({ phone: (await maskedPhones([people[3]!]))[0], template: 'reservation-won' });
    expect((await svc.myEntries(residentActor(people[2]!))).items.find((e) => e.campaignId === c.id)).toMatchObject({
      status: 'waiting',
      ahead: 0,
    });
    const withdrawn = await svc.withdrawEntry(residentActor(people[2]!), third.id);
    expect(withdrawn.status).toBe('withdrawn');
    expect(await codeOf(svc.withdrawEntry(residentActor(people[2]!), third.id))).toBe('reservation.entry_decided');
  });
});

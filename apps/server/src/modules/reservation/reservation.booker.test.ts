import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
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
import { ReservationBooker, type Booking } from './reservation.booker.ts';
import { ReservationRepository } from './reservation.repository.ts';

const HOUR = 3_600_000;
let t: TestApp;
let officer: Signed;
let street: string;
let people: string[];

beforeAll(async () => {
  t = await buildTestApp({ residents: 60 });
  street = (await t.zt.services.regions.list({ parent: JIANGAN, limit: 1 })).items[0]!.code;
  officer = await signInStaff(t.app, 'officer');
  people = await residentIdsIn(t, JIANGAN, 30);
});
afterAll(() => t?.close());

/** An open mask campaign of two slots, once per `oncePerDays` days; answers its id and slot ids. */
async function openCampaign(oncePerDays: number, quotas: [number, number]) {
  const slot = (quota: number, h: number) => ({
    startsAt: new Date(Date.now() - HOUR + h * HOUR).toISOString(),
    endsAt: new Date(Date.now() + (h + 1) * HOUR).toISOString(),
    quota,
  });
  const input: CampaignInput = {
    kind: 'masks',
    title: '批量写入测试',
    regionCode: JIANGAN,
    mode: 'first_come',
    oncePerDays,
    itemsPerPerson: 5,
    sites: [
      {
        name: '江岸大药房',
        address: '江岸区解放大道 1 号',
        regionCode: street,
        slots: [slot(quotas[0], 0), slot(quotas[1], 1)],
      },
    ],
  };
  const created = await as(t.app, officer, { method: 'POST', url: '/api/v1/reservation/campaigns', payload: input });
  expect(created.statusCode, created.body).toBe(201);
  const c = created.json() as { id: string; sites: { id: string; slots: { id: string }[] }[] };
  return { id: c.id, siteId: c.sites[0]!.id, slots: c.sites[0]!.slots.map((s) => s.id) };
}

const booking = (
  c: { id: string; siteId: string },
  slotId: string,
  residentId: string,
  oncePerDays: number,
): Booking => ({
  actor: residentActor(residentId),
  oncePerDays,
  regionCode: street,
  row: {
    id: uuidv7(),
    campaign_id: c.id,
    kind: 'masks',
    slot_id: slotId,
    site_id: c.siteId,
    resident_id: residentId,
    items: 5,
    status: 'confirmed',
    channel: 'self',
    made_by: 'resident',
    created_at: new Date(),
    redeemed_at: null,
    redeemed_by: null,
    cancelled_at: null,
  },
});

async function settle(booker: ReservationBooker, bookings: Booking[]) {
  const results = await Promise.allSettled(bookings.map((b) => booker.book(b)));
  return results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code));
}

// The booker is what stands between the counters in front (which may drift, or be lost with Redis)
// and the record: these bookings reach it with no waiting room or stock gate before them.
describe('reservations written in batches', () => {
  it('keeps the rules of one booking at a time: no place sold twice, one per person, once per N days', async () => {
    const db = t.zt.platform.database.db;
    const booker = new ReservationBooker(new ReservationRepository(db), t.zt.platform.audit);
    const a = await openCampaign(7, [4, 30]);
    const b = await openCampaign(7, [30, 30]);
    const [a1, a2] = a.slots as [string, string];

    // 12 people at once for 4 places: one batch at most as long as the first is being written.
    const first = await settle(
      booker,
      people.slice(0, 12).map((p) => booking(a, a1, p, 7)),
    );
    expect(first.filter((x) => x === 'ok')).toHaveLength(4);
    expect(first.filter((x) => x === 'reservation.sold_out')).toHaveLength(8);
    // First come first served: the four who asked first got the places.
    expect(first.slice(0, 4)).toEqual(['ok', 'ok', 'ok', 'ok']);

    // The winners again, at the campaign's other slot (the index refuses them; their places go back),
    // and at another campaign of the same kind (too soon); with them, new people who get places.
    const again = await settle(booker, [
      ...people.slice(0, 4).map((p) => booking(a, a2, p, 7)),
      ...people.slice(0, 2).map((p) => booking(b, b.slots[0]!, p, 7)),
      ...people.slice(12, 15).map((p) => booking(a, a2, p, 7)),
    ]);
    expect(again).toEqual([
      ...Array(4).fill('reservation.already'),
      ...Array(2).fill('reservation.too_soon'),
      'ok',
      'ok',
      'ok',
    ]);

    // One person asking twice at once (two slots of a campaign counting once per campaign): one wins.
    const c = await openCampaign(0, [30, 30]);
    const twice = await settle(booker, [
      booking(c, c.slots[0]!, people[20]!, 0),
      booking(c, c.slots[1]!, people[20]!, 0),
    ]);
    expect(twice.sort()).toEqual(['ok', 'reservation.already']);

    const taken = await sql<{ id: string; taken: number }>`select id, taken from reservation_slots
      where id = any(${[a1, a2, ...c.slots]}::uuid[])`.execute(db);
    const count = await sql<{ slot_id: string; n: number }>`select slot_id, count(*)::int as n from reservations
      where slot_id = any(${[a1, a2, ...c.slots]}::uuid[]) and status = 'confirmed' group by slot_id`.execute(db);
    const n = new Map(count.rows.map((r) => [r.slot_id, r.n]));
    // Every counter is what its slot's reservations say: refused bookings gave their places back.
    for (const s of taken.rows) expect(s.taken, s.id).toBe(n.get(s.id) ?? 0);
    expect(n.get(a1)).toBe(4);
    expect(n.get(a2)).toBe(3);
    // Each written reservation is audited as its own person's.
    const audited = await sql<{ n: number }>`select count(distinct actor_id)::int as n from audit_events
      where subject_type = 'reservation' and actor_id = any(${people.slice(0, 21)}::text[])`.execute(db);
    expect(audited.rows[0]!.n).toBe(8);
  });
});

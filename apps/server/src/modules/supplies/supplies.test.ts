import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedgerRun, type LedgerEntry } from '@zhengtong/contracts';
import {
  as,
  buildTestApp,
  countRows,
  signInStaff,
  WUCHANG,
  type Signed,
  type TestApp,
} from '../../../test/build-test-app.ts';
import { systemActor } from '../../platform/auth/actor.ts';

const CITY = '4201';
const DONGXIHU = '420112';
let t: TestApp;
let city: Signed;
let medical: Signed;
let officer: Signed;
let items: { n95: string; kn95: string; suit: string };
let warehouse: string;
let hospital: string;
let seq = 0;

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
const post = (who: Signed, url: string, payload: unknown) =>
  as(t.app, who, { method: 'POST', url: `/api/v1/supplies${url}`, payload: payload as object });
const get = (who: Signed, url: string) => as(t.app, who, { method: 'GET', url: `/api/v1/supplies${url}` });

async function created(res: Awaited<ReturnType<typeof post>>) {
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

async function location(kind: string, name: string, regionCode: string, who = city): Promise<string> {
  return (await created(await post(who, '/locations', { kind, name, regionCode }))).id;
}

async function stockOf(locationId: string, itemId: string) {
  const res = await get(city, `/stock?locationId=${locationId}&itemId=${itemId}`);
  return res.json().items[0];
}

/** An anonymous donation of protective suits, received into the warehouse as one lot. */
async function donatedSuits(lotNumber: string, quantity: number, expiresInDays: number) {
  const donation = await created(
    await post(city, '/donations', {
      donorKind: 'anonymous',
      regionCode: CITY,
      items: [{ itemId: items.suit, quantity }],
    }),
  );
  await created(
    await post(city, `/donations/${donation.id}/receipts`, {
      locationId: warehouse,
      lines: [{ itemId: items.suit, lotNumber, expiresOn: inDays(expiresInDays), quantity }],
    }),
  );
  return donation as { id: string };
}

beforeAll(async () => {
  t = await buildTestApp({ residents: 20 });
  await t.zt.services.identity.seedStaff({
    username: 'logistics',
    displayName: '市物资保障专员',
    password: 'Strong-pass-2026',
    roles: ['department_officer'],
    jurisdictionCode: CITY,
  });
  [city, medical, officer] = await Promise.all([
    signInStaff(t.app, 'logistics', 'Strong-pass-2026'),
    signInStaff(t.app, 'medical'),
    signInStaff(t.app, 'officer'),
  ]);
  const item = async (code: string, nameZh: string, grade: string | null, substituteIds: string[] = []) =>
    (
      await created(
        await post(city, '/items', {
          code,
          nameZh,
          nameEn: code,
          category: 'mask',
          unit: '只',
          grade,
          substituteIds,
        }),
      )
    ).id as string;
  const kn95 = await item('MASK-KN95', 'KN95 口罩', 'KN95');
  const n95 = await item('MASK-N95', 'N95 医用防护口罩', 'N95', [kn95]);
  const suit = await item('SUIT', '医用防护服', null);
  items = { n95, kn95, suit };
  warehouse = await location('warehouse', '武汉市应急物资储备库', CITY);
  hospital = await location('hospital', '武汉大学人民医院', WUCHANG);
});
afterAll(() => t?.close());

describe('supplies', () => {
  it('follows a donation from pledge to proof of delivery, on the stock cards and the public ledger', async () => {
    const donation = await created(
      await post(city, '/donations', {
        donorKind: 'organisation',
        donorName: '武汉市红十字会',
        regionCode: CITY,
        items: [{ itemId: items.n95, quantity: 1000 }],
      }),
    );
    await created(
      await post(city, `/donations/${donation.id}/receipts`, {
        locationId: warehouse,
        lines: [{ itemId: items.n95, lotNumber: 'N95-2026A', expiresOn: inDays(300), quantity: 600 }],
      }),
    );
    await created(
      await post(city, '/receipts', {
        locationId: warehouse,
        lines: [{ itemId: items.kn95, lotNumber: 'KN-01', expiresOn: inDays(200), quantity: 500 }],
      }),
    );
    const donations = (await get(city, '/donations')).json().items;
    expect(donations.find((d: { id: string }) => d.id === donation.id).items).toEqual([
      expect.objectContaining({ itemId: items.n95, pledged: 1000, received: 600 }),
    ]);

    // The hospital asks for more N95 than there is: the proposal tops it up with KN95, which may replace it.
    const request = await created(
      await post(medical, '/requests', {
        locationId: hospital,
        urgency: 'urgent',
        lines: [{ itemId: items.n95, quantity: 800 }],
      }),
    );
    expect(request).toMatchObject({ status: 'open', location: { name: '武汉大学人民医院' } });
    const proposal = (await get(city, `/allocation-proposal?warehouseId=${warehouse}`)).json();
    const mine = proposal.lines.filter((l: { requestId: string }) => l.requestId === request.id);
    expect(
      mine.map((l: { item: { id: string }; quantity: number; substitute: boolean }) => [
        l.item.id,
        l.quantity,
        l.substitute,
      ]),
    ).toEqual([
      [items.n95, 600, false],
      [items.kn95, 200, true],
    ]);
    // Medical staff may ask, not allocate.
    expect((await get(medical, `/allocation-proposal?warehouseId=${warehouse}`)).statusCode).toBe(403);

    const approved = await created(
      await post(city, '/allocations', {
        warehouseId: warehouse,
        lines: mine.map((l: { lineId: string; item: { id: string }; quantity: number }) => ({
          lineId: l.lineId,
          itemId: l.item.id,
          quantity: l.quantity,
        })),
      }),
    );
    expect(approved.items).toHaveLength(2);
    const n95Transfer = approved.items.find((x: { item: { id: string } }) => x.item.id === items.n95);
    expect(n95Transfer).toMatchObject({
      status: 'approved',
      quantity: 600,
      lots: [{ lotNumber: 'N95-2026A', quantity: 600 }],
    });
    const requests = (await get(medical, '/requests')).json().items;
    expect(requests.find((r: { id: string }) => r.id === request.id)).toMatchObject({
      status: 'allocated',
      lines: [expect.objectContaining({ quantity: 800, allocated: 800 })],
    });
    // Reserved for the transfer: no longer usable, still on hand until it leaves.
    expect(await stockOf(warehouse, items.n95)).toMatchObject({ onHand: 600, usable: 0 });

    // Delivering before dispatch is refused; dispatch moves the stock out; delivery twice is refused.
    const early = await post(medical, `/transfers/${n95Transfer.id}/delivery`, {
      receivedQuantity: 600,
      receiverName: '张三丰',
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('supplies.not_dispatched');
    // Two officials click 发运 at once: one dispatch, one refusal, the stock leaves once.
    const both = await Promise.all([1, 2].map(() => post(city, `/transfers/${n95Transfer.id}/dispatch`, {})));
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.statusCode === 409)!.json().code).toBe('supplies.already_dispatched');
    expect(await stockOf(warehouse, items.n95)).toMatchObject({ onHand: 0, usable: 0 });
    const pod = { receivedQuantity: 600, receiverName: '张三丰', note: '箱体完好' };
    // Signed for twice at once (two phones on the ward): one delivery, the other refused; stock arrives once.
    const answers = await Promise.all([1, 2].map(() => post(medical, `/transfers/${n95Transfer.id}/delivery`, pod)));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const delivered = answers.find((r) => r.statusCode === 200)!;
    expect(delivered.json()).toMatchObject({ status: 'delivered', receivedQuantity: 600, receiverName: '张*丰' });
    expect(delivered.body).not.toContain('张三丰');
    expect(answers.find((r) => r.statusCode === 409)!.json().code).toBe('supplies.already_delivered');
    expect(await stockOf(hospital, items.n95)).toMatchObject({ onHand: 600, usable: 600 });

    const card = (await get(city, `/stock-card?locationId=${warehouse}&itemId=${items.n95}`)).json().items;
    expect(
      card.map((m: { kind: string; quantity: number; balanceAfter: number }) => [m.kind, m.quantity, m.balanceAfter]),
    ).toEqual([
      ['transfer_out', -600, 0],
      ['receipt', 600, 600],
    ]);
    const hospitalCard = (await get(medical, `/stock-card?locationId=${hospital}&itemId=${items.n95}`)).json().items;
    expect(hospitalCard).toEqual([
      expect.objectContaining({ kind: 'transfer_in', quantity: 600, balanceAfter: 600, referenceId: n95Transfer.id }),
    ]);

    // The public ledger, no sign-in: the donation's whole trail, chained, with no personal data.
    const trail = await t.app.inject({ url: `/api/v1/supplies/public/ledger?donationId=${donation.id}` });
    expect(trail.statusCode).toBe(200);
    const entries = trail.json().items as LedgerEntry[];
    expect(entries.map((e) => e.kind)).toEqual(['pledge', 'receipt', 'allocation', 'dispatch', 'delivery']);
    expect(entries[0]!.body).toMatchObject({ donor: '武汉市红十字会', items: [{ code: 'MASK-N95', quantity: 1000 }] });
    expect(entries[4]!.body).toMatchObject({ quantity: 600, to: '武汉大学人民医院', lotNumber: 'N95-2026A' });
    expect(trail.body).not.toContain('张');
    const verified = await t.app.inject({ url: '/api/v1/supplies/public/ledger/verify' });
    expect(verified.json()).toMatchObject({ ok: true, firstBroken: null });
    const whole = (await t.app.inject({ url: '/api/v1/supplies/public/ledger?limit=1000' })).json().items;
    expect((await verifyLedgerRun(whole)).ok).toBe(true);
    const publicList = (await t.app.inject({ url: '/api/v1/supplies/public/donations' })).json().items;
    expect(publicList.find((d: { id: string }) => d.id === donation.id)).toMatchObject({ donor: '武汉市红十字会' });
  });

  it('cancels an approved transfer before it leaves: lots free, request open again, the ledger says why', async () => {
    const donation = await donatedSuits('SUIT-D1', 300, 400);
    const usableBefore = (await stockOf(warehouse, items.suit)).usable as number;
    const request = await created(
      await post(medical, '/requests', {
        locationId: hospital,
        urgency: 'critical',
        lines: [{ itemId: items.suit, quantity: 200 }],
      }),
    );
    const line = request.lines[0].id as string;
    const approve = async () =>
      (
        await created(
          await post(city, '/allocations', {
            warehouseId: warehouse,
            lines: [{ lineId: line, itemId: items.suit, quantity: 200 }],
          }),
        )
      ).items[0] as { id: string };
    const transfer = await approve();
    expect((await stockOf(warehouse, items.suit)).usable).toBe(usableBefore - 200);

    const reason = '医院改由省级储备供应';
    expect((await post(medical, `/transfers/${transfer.id}/cancel`, { reason })).statusCode).toBe(403);
    expect((await post(city, `/transfers/${transfer.id}/cancel`, { reason: '' })).statusCode).toBe(400);
    const cancelled = await post(city, `/transfers/${transfer.id}/cancel`, { reason });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelReason: reason });
    expect(cancelled.json().cancelledAt).toEqual(expect.any(String));
    // The lots are free again and the hospital's line asks for them again.
    expect((await stockOf(warehouse, items.suit)).usable).toBe(usableBefore);
    const again = (await get(medical, '/requests')).json().items.find((r: { id: string }) => r.id === request.id);
    expect(again).toMatchObject({ status: 'open', lines: [expect.objectContaining({ quantity: 200, allocated: 0 })] });
    // A cancelled transfer neither leaves nor is cancelled twice.
    for (const [url, body] of [
      [`/transfers/${transfer.id}/dispatch`, {}],
      [`/transfers/${transfer.id}/cancel`, { reason }],
    ] as const) {
      const refused = await post(city, url, body);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().code).toBe('supplies.transfer_cancelled');
    }
    // The public ledger follows the donated lot out and back, still a verified chain.
    const trail = (await t.app.inject({ url: `/api/v1/supplies/public/ledger?donationId=${donation.id}` })).json()
      .items as LedgerEntry[];
    expect(trail.map((e) => e.kind)).toEqual(['pledge', 'receipt', 'allocation', 'cancellation']);
    expect(trail[3]!.body).toMatchObject({ quantity: 200, note: reason, lotNumber: 'SUIT-D1', to: '武汉大学人民医院' });
    expect((await t.app.inject({ url: '/api/v1/supplies/public/ledger/verify' })).json()).toMatchObject({ ok: true });
    // Anyone recomputing the chain from what the API shows gets the same hashes.
    const whole = (await t.app.inject({ url: '/api/v1/supplies/public/ledger?limit=1000' })).json().items;
    expect((await verifyLedgerRun(whole)).ok).toBe(true);

    // Allocated anew, it goes; once it has left it is no longer cancelled.
    const second = await approve();
    expect((await post(city, `/transfers/${second.id}/dispatch`, {})).statusCode).toBe(200);
    const late = await post(city, `/transfers/${second.id}/cancel`, { reason });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('supplies.already_dispatched');
  });

  it('takes a short delivery only with its reason, and puts the loss on the public ledger beside the delivery', async () => {
    const donation = await donatedSuits('SUIT-L1', 120, 30);
    const request = await created(
      await post(medical, '/requests', {
        locationId: hospital,
        urgency: 'critical',
        lines: [{ itemId: items.suit, quantity: 120 }],
      }),
    );
    // The lot expiring first goes first: the whole of SUIT-L1.
    const transfer = (
      await created(
        await post(city, '/allocations', {
          warehouseId: warehouse,
          lines: [{ lineId: request.lines[0].id, itemId: items.suit, quantity: 120 }],
        }),
      )
    ).items[0] as { id: string; lots: { lotNumber: string }[] };
    expect(transfer.lots.map((l) => l.lotNumber)).toEqual(['SUIT-L1']);
    expect((await post(city, `/transfers/${transfer.id}/dispatch`, {})).statusCode).toBe(200);
    const onHand = async () => ((await stockOf(hospital, items.suit))?.onHand as number | undefined) ?? 0;
    const onHandBefore = await onHand();

    // Fewer arrived and nobody says why: refused, nothing received.
    for (const note of [undefined, '   ']) {
      const silent = await post(medical, `/transfers/${transfer.id}/delivery`, {
        receivedQuantity: 112,
        receiverName: '周护士长',
        ...(note === undefined ? {} : { note }),
      });
      expect(silent.statusCode).toBe(400);
      expect(silent.json().errors).toEqual([
        expect.objectContaining({ path: 'note', code: 'supplies.shortfall_note' }),
      ]);
    }
    expect(await onHand()).toBe(onHandBefore);

    const reason = '运输途中一箱破损（8 件）';
    const delivered = await post(medical, `/transfers/${transfer.id}/delivery`, {
      receivedQuantity: 112,
      receiverName: '周护士长',
      note: reason,
    });
    expect(delivered.statusCode, delivered.body).toBe(200);
    expect(delivered.json()).toMatchObject({
      status: 'delivered',
      quantity: 120,
      receivedQuantity: 112,
      deliveryNote: reason,
    });
    expect(await onHand()).toBe(onHandBefore + 112);
    // The hospital's card takes in the 120 the warehouse's card gave out, then the 8 lost, with the reason.
    const card = (await get(medical, `/stock-card?locationId=${hospital}&itemId=${items.suit}`)).json().items;
    expect(
      card
        .slice(0, 2)
        .map((m: { kind: string; quantity: number; balanceAfter: number; note: string | null }) => [
          m.kind,
          m.quantity,
          m.balanceAfter,
          m.note,
        ]),
    ).toEqual([
      ['transit_loss', -8, onHandBefore + 112, reason],
      ['transfer_in', 120, onHandBefore + 120, '武汉市应急物资储备库'],
    ]);
    // The lot's trail adds up in public: 120 sent = 112 delivered + 8 lost, with the reason; still a verified chain.
    const trail = (await t.app.inject({ url: `/api/v1/supplies/public/ledger?donationId=${donation.id}` })).json()
      .items as LedgerEntry[];
    expect(trail.map((e) => [e.kind, e.body.quantity])).toEqual([
      ['pledge', undefined],
      ['receipt', 120],
      ['allocation', 120],
      ['dispatch', 120],
      ['delivery', 112],
      ['loss', 8],
    ]);
    expect(trail[5]!.body).toMatchObject({ lotNumber: 'SUIT-L1', to: '武汉大学人民医院', note: reason });
    expect(JSON.stringify(trail)).not.toContain('周');
    const whole = (await t.app.inject({ url: '/api/v1/supplies/public/ledger?limit=1000' })).json().items;
    expect((await verifyLedgerRun(whole)).ok).toBe(true);
  });

  it('lets the hospital withdraw an open request, which then leaves the proposal, once', async () => {
    const request = await created(
      await post(medical, '/requests', {
        locationId: hospital,
        urgency: 'routine',
        lines: [{ itemId: items.suit, quantity: 40 }],
      }),
    );
    const proposed = async () =>
      (await get(city, `/allocation-proposal?warehouseId=${warehouse}`))
        .json()
        .lines.concat((await get(city, `/allocation-proposal?warehouseId=${warehouse}`)).json().unmet)
        .some((l: { requestId: string }) => l.requestId === request.id);
    expect(await proposed()).toBe(true);
    // Someone outside the hospital's jurisdiction (or without the right) sees no such request.
    const outside = await post(officer, `/requests/${request.id}/cancel`, undefined);
    expect(outside.statusCode).toBe(404);
    expect(outside.json().code).toBe('supplies.request_not_found');
    const cancelled = await post(medical, `/requests/${request.id}/cancel`, undefined);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ id: request.id, status: 'cancelled' });
    expect(await proposed()).toBe(false);
    const again = await post(medical, `/requests/${request.id}/cancel`, undefined);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('supplies.request_closed');
    expect((await post(city, `/requests/${crypto.randomUUID()}/cancel`, undefined)).statusCode).toBe(404);
  });

  it('never issues more than is there, however many issue at once, and each reference once', async () => {
    const pharmacy = await location('pharmacy', `江岸大药房${++seq}`, '420102', officer);
    await created(
      await post(officer, '/receipts', {
        locationId: pharmacy,
        lines: [
          { itemId: items.n95, lotNumber: 'LATE', expiresOn: inDays(90), quantity: 20 },
          { itemId: items.n95, lotNumber: 'SOON', expiresOn: inDays(10), quantity: 10 },
        ],
      }),
    );
    const supplies = t.zt.services.supplies;
    const db = t.zt.platform.database.db;
    const issue = (ref: string) =>
      db.transaction().execute((trx) =>
        supplies.issueWithin(trx, {
          locationId: pharmacy,
          itemId: items.n95,
          quantity: 1,
          referenceKind: 'reservation',
          referenceId: ref,
          actor: systemActor('test'),
        }),
      );
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => issue(`r-${seq}-${i}`)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []));
    expect(ok).toHaveLength(30);
    expect(new Set(refused)).toEqual(new Set(['supplies.insufficient_stock']));
    const stock = await stockOf(pharmacy, items.n95);
    expect(stock).toMatchObject({ onHand: 0, usable: 0, lots: [] });
    const balances = await sql<{ lot_number: string; quantity: number }>`
      select l.lot_number, b.quantity from supply_balances b join supply_lots l on l.id = b.lot_id
      where b.location_id = ${pharmacy} order by l.lot_number`.execute(db);
    expect(balances.rows).toEqual([
      { lot_number: 'LATE', quantity: 0 },
      { lot_number: 'SOON', quantity: 0 },
    ]);
    // First expiry first out: the ten of the lot expiring soon went first.
    const card = (await get(officer, `/stock-card?locationId=${pharmacy}&itemId=${items.n95}&limit=200`)).json().items;
    const issues = card.filter((m: { kind: string }) => m.kind === 'issue').reverse();
    expect(issues).toHaveLength(30);
    expect(issues.slice(0, 10).every((m: { lotNumber: string }) => m.lotNumber === 'SOON')).toBe(true);
    expect(issues.map((m: { balanceAfter: number }) => m.balanceAfter)).toEqual(
      Array.from({ length: 30 }, (_, i) => 29 - i),
    );

    // The same reference again, even at once: one issue.
    await created(
      await post(officer, '/receipts', {
        locationId: pharmacy,
        lines: [{ itemId: items.n95, lotNumber: 'MORE', expiresOn: inDays(90), quantity: 10 }],
      }),
    );
    const again = await Promise.all([issue('same'), issue('same'), issue('same')]);
    expect(again.filter((r) => r.issued)).toHaveLength(1);
    expect((await stockOf(pharmacy, items.n95)).onHand).toBe(9);
  });

  it('shows days of supply from the last week of issues and alerts below the order points', async () => {
    const ward = await location('hospital', `金银潭医院${++seq}`, DONGXIHU);
    await created(
      await post(city, '/receipts', {
        locationId: ward,
        lines: [{ itemId: items.suit, lotNumber: 'S-1', expiresOn: inDays(400), quantity: 200 }],
      }),
    );
    expect(await stockOf(ward, items.suit)).toMatchObject({ alert: 'none', daysOfSupply: null });
    // 70 used this week: 10 a day, 130 left: 13 days, above the minimum of 7.
    await created(await post(city, '/issues', { locationId: ward, itemId: items.suit, quantity: 70 }));
    expect(await stockOf(ward, items.suit)).toMatchObject({
      averageDailyConsumption: 10,
      daysOfSupply: 13,
      alert: 'ok',
      minDays: 7,
      emergencyDays: 3,
    });
    // This hospital keeps two weeks of suits: its own order points put the same stock under the minimum.
    const thresholds = (body: unknown, who = city, id = ward) => post(who, `/locations/${id}/thresholds`, body);
    const own = await thresholds({ minDays: 14, emergencyDays: 5 });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ id: ward, minDays: 14, emergencyDays: 5 });
    expect(await stockOf(ward, items.suit)).toMatchObject({ daysOfSupply: 13, alert: 'low', minDays: 14 });
    const crossed = await thresholds({ minDays: 5, emergencyDays: 5 });
    expect(crossed.statusCode).toBe(400);
    expect(crossed.json().errors).toEqual([
      expect.objectContaining({ path: 'emergencyDays', code: 'supplies.thresholds' }),
    ]);
    expect((await thresholds({ minDays: 30, emergencyDays: null }, medical)).statusCode).toBe(403);
    expect((await thresholds({ minDays: 30, emergencyDays: null }, city, crypto.randomUUID())).statusCode).toBe(404);
    // 0 is no number of days, not "follow the item"; nor is "14" a number (a JSON body is taken as sent).
    for (const minDays of [0, 400, '14'])
      expect((await thresholds({ minDays, emergencyDays: null })).statusCode).toBe(400);
    // Back to each item's own.
    expect((await thresholds({ minDays: null, emergencyDays: null })).statusCode).toBe(200);
    expect(await stockOf(ward, items.suit)).toMatchObject({ alert: 'ok', minDays: 7, emergencyDays: 3 });
    // 70 more: 20 a day, 60 left: 3 days, under the minimum.
    await created(await post(city, '/issues', { locationId: ward, itemId: items.suit, quantity: 70 }));
    expect(await stockOf(ward, items.suit)).toMatchObject({ daysOfSupply: 3, alert: 'low' });
    await created(await post(city, '/issues', { locationId: ward, itemId: items.suit, quantity: 30 }));
    expect(await stockOf(ward, items.suit)).toMatchObject({ usable: 30, alert: 'emergency' });
    // A stock take finds five fewer: the adjustment is on the card with the balance after it.
    const lot = (await stockOf(ward, items.suit)).lots[0];
    const adjusted = await created(
      await post(city, '/adjustments', { locationId: ward, lotId: lot.lotId, quantity: -5, note: '盘点短缺' }),
    );
    expect(adjusted).toMatchObject({ kind: 'adjustment', quantity: -5, balanceAfter: 25, note: '盘点短缺' });
    expect(await stockOf(ward, items.suit)).toMatchObject({ onHand: 25, usable: 25 });
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    const store = await location('warehouse', `东西湖区储备库${++seq}`, CITY);
    await created(
      await post(city, '/receipts', {
        locationId: store,
        lines: [
          { itemId: items.suit, lotNumber: 'OLD', expiresOn: inDays(5), quantity: 10 },
          { itemId: items.suit, lotNumber: 'NEW', expiresOn: inDays(50), quantity: 5 },
        ],
      }),
    );
    const db = t.zt.platform.database.db;
    // The first lot expires behind our back (lots are dated when received).
    await sql`update supply_lots set expires_on = ${inDays(-1)} where lot_number = 'OLD'`.execute(db);
    const before = await Promise.all(
      ['supply_movements', 'supply_transfers', 'donation_ledger'].map((x) => countRows(t, x)),
    );
    const [oldLot] = (await stockOf(store, items.suit)).lots.filter(
      (l: { lotNumber: string }) => l.lotNumber === 'OLD',
    );
    expect(oldLot).toMatchObject({ expired: true, quantity: 10 });

    const negative = await post(city, '/receipts', {
      locationId: store,
      lines: [{ itemId: items.suit, lotNumber: 'X', quantity: -5 }],
    });
    expect(negative.statusCode).toBe(400);
    const expiredReceipt = await post(city, '/receipts', {
      locationId: store,
      lines: [{ itemId: items.suit, lotNumber: 'X', expiresOn: inDays(-3), quantity: 5 }],
    });
    expect(expiredReceipt.json().errors[0].code).toBe('supplies.expired_on_receipt');
    const namedExpired = await post(city, '/issues', {
      locationId: store,
      itemId: items.suit,
      quantity: 1,
      lotId: oldLot.lotId,
    });
    expect(namedExpired.statusCode).toBe(409);
    expect(namedExpired.json().code).toBe('supplies.lot_expired');
    // Five usable; the other ten are past expiry, which is why eight cannot be issued.
    const eight = await post(city, '/issues', { locationId: store, itemId: items.suit, quantity: 8 });
    expect(eight.json().code).toBe('supplies.lot_expired');
    const sixteen = await post(city, '/issues', { locationId: store, itemId: items.suit, quantity: 16 });
    expect(sixteen.json().code).toBe('supplies.insufficient_stock');
    const drop = await post(city, '/adjustments', {
      locationId: store,
      lotId: oldLot.lotId,
      quantity: -11,
      note: '盘点',
    });
    expect(drop.json().code).toBe('supplies.insufficient_stock');
    const zero = await post(city, '/adjustments', {
      locationId: store,
      lotId: oldLot.lotId,
      quantity: 0,
      note: '盘点',
    });
    expect(zero.json().errors[0].code).toBe('supplies.adjustment_zero');

    const request = await created(
      await post(medical, '/requests', {
        locationId: hospital,
        urgency: 'critical',
        lines: [{ itemId: items.suit, quantity: 20 }],
      }),
    );
    const line = request.lines[0].id;
    const allocate = (quantity: number) =>
      post(city, '/allocations', { warehouseId: store, lines: [{ lineId: line, itemId: items.suit, quantity }] });
    const tooMuch = await allocate(16);
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json().code).toBe('supplies.insufficient_stock');
    // Six would need the expired lot.
    expect((await allocate(6)).json().code).toBe('supplies.lot_expired');
    const overAsked = await allocate(21);
    expect(overAsked.json().code).toBe('supplies.over_allocated');
    const wrongItem = await post(city, '/allocations', {
      warehouseId: store,
      lines: [{ lineId: line, itemId: items.n95, quantity: 1 }],
    });
    expect(wrongItem.json().errors[0].code).toBe('supplies.not_substitute');
    expect(
      (await get(medical, '/requests?status=open')).json().items.find((r: { id: string }) => r.id === request.id)
        .lines[0].allocated,
    ).toBe(0);

    const allFive = await allocate(5);
    const transfer = (await created(allFive)).items[0];
    const receivedMore = await post(medical, `/transfers/${transfer.id}/delivery`, {
      receivedQuantity: 6,
      receiverName: '李四',
    });
    expect(receivedMore.json().errors[0].code).toBe('supplies.received_too_many');
    // Medical staff of 武昌 neither request for a hospital elsewhere nor dispatch.
    const elsewhere = await location('hospital', `金银潭医院${++seq}`, DONGXIHU);
    const foreign = await post(medical, '/requests', {
      locationId: elsewhere,
      urgency: 'routine',
      lines: [{ itemId: items.suit, quantity: 1 }],
    });
    expect(foreign.json().errors[0].code).toBe('supplies.location_not_found');
    expect((await post(medical, `/transfers/${transfer.id}/dispatch`, {})).statusCode).toBe(403);
    // Hospital staff move stock at hospitals only, not at a pharmacy of their district.
    const pharmacy = await location('pharmacy', `武昌药房${++seq}`, WUCHANG);
    const notTheirs = await post(medical, '/issues', { locationId: pharmacy, itemId: items.suit, quantity: 1 });
    expect(notTheirs.json().errors[0].code).toBe('supplies.location_not_found');
    expect((await post(officer, `/transfers/${transfer.id}/dispatch`, {})).statusCode).toBe(404);

    const after = await Promise.all(
      ['supply_movements', 'supply_transfers', 'donation_ledger'].map((x) => countRows(t, x)),
    );
    expect(after).toEqual([before[0], before[1]! + 1, before[2]]);
    // Stock never negative, whatever a statement tries: the table refuses it.
    await expect(sql`update supply_stock set on_hand = -1 where location_id = ${store}`.execute(db)).rejects.toThrow();
  });

  it('keeps donors private, corrects by appending, and names the first entry changed behind its back', async () => {
    const person = await created(
      await post(city, '/donations', {
        donorKind: 'person',
        donorName: '王小明',
        regionCode: CITY,
        items: [{ itemId: items.suit, quantity: 50 }],
      }),
    );
    expect(person.donor).toBe('王*明');
    const anonymous = await created(
      await post(city, '/donations', {
        donorKind: 'anonymous',
        regionCode: CITY,
        items: [{ itemId: items.kn95, quantity: 300 }],
      }),
    );
    expect(anonymous.donor).toBe('');
    expect(
      (
        await post(city, '/donations', {
          donorKind: 'organisation',
          regionCode: CITY,
          items: [{ itemId: items.suit, quantity: 1 }],
        })
      ).json().errors[0].code,
    ).toBe('supplies.donor_name_required');
    const all = await t.app.inject({ url: '/api/v1/supplies/public/ledger?limit=1000' });
    expect(all.body).not.toContain('王');
    const publicList = (await t.app.inject({ url: '/api/v1/supplies/public/donations' })).json().items;
    expect(publicList.find((d: { id: string }) => d.id === person.id).donor).toBe('');
    const stored = await sql<{
      person_name_enc: string;
    }>`select person_name_enc from supply_donations where id = ${person.id}`.execute(t.zt.platform.database.db);
    expect(stored.rows[0]!.person_name_enc).not.toContain('王');

    const pledge = (await t.app.inject({ url: `/api/v1/supplies/public/ledger?donationId=${person.id}` })).json()
      .items[0];
    const correction = await created(
      await post(city, '/ledger/corrections', { corrects: pledge.seq, note: '数量应为 40 套' }),
    );
    expect(correction).toMatchObject({ kind: 'correction', donationId: person.id, body: { corrects: pledge.seq } });
    expect((await t.app.inject({ url: '/api/v1/supplies/public/ledger/verify' })).json().ok).toBe(true);

    // The database refuses to change or remove an entry; someone with the owner's rights goes around it.
    const db = t.zt.platform.database.db;
    await expect(sql`update donation_ledger set body = '{}' where seq = ${pledge.seq}`.execute(db)).rejects.toThrow();
    await expect(sql`delete from donation_ledger where seq = ${pledge.seq}`.execute(db)).rejects.toThrow();
    await expect(sql`update supply_movements set quantity = 1`.execute(db)).rejects.toThrow();
    await sql`alter table donation_ledger disable trigger donation_ledger_append_only`.execute(db);
    await sql`update donation_ledger set body = jsonb_set(body, '{items,0,quantity}', '5') where seq = ${pledge.seq}`.execute(
      db,
    );
    await sql`alter table donation_ledger enable trigger donation_ledger_append_only`.execute(db);
    const broken = (await t.app.inject({ url: '/api/v1/supplies/public/ledger/verify' })).json();
    expect(broken).toMatchObject({ ok: false, firstBroken: { seq: pledge.seq, reason: 'hash' } });
    const entries = (await t.app.inject({ url: '/api/v1/supplies/public/ledger?limit=1000' })).json().items;
    expect((await verifyLedgerRun(entries)).firstBroken).toEqual({ seq: pledge.seq, reason: 'hash' });
  });
});

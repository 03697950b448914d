import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  buildTestApp,
  countRows,
  signInResident,
  signInStaff,
  uniquePhone,
  type Signed,
  type TestApp,
} from '../../../test/build-test-app.ts';

const CITY = '4201';
const WUCHANG = '420106';
const JIANGAN = '420102';
const DONGXIHU = '420112';
let t: TestApp;
let logistics: Signed;
let medical: Signed;
let enterprise: Signed;
let officer: Signed;
let farmer: Signed;
let items: { n95: string; kn95: string; suit: string };

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
const monthDay = (d: number) => inDays(d).slice(5);
const call = (who: Signed, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, lang = 'zh-CN') =>
  as(t.app, who, {
    method,
    url: `/api/v1/supplies/matching${url}`,
    payload,
    headers: { 'accept-language': lang },
  });

async function ok(res: Awaited<ReturnType<typeof call>>) {
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

const capacity = (over: object = {}) => ({
  kind: 'capacity',
  itemId: items.kn95,
  quantity: 5000,
  basis: 'per_day',
  availableUntil: inDays(30),
  regionCode: WUCHANG,
  deliveryScope: 'city',
  organisation: '武汉某防护用品厂',
  contactName: '王建国',
  contactPhone: '13912345678',
  ...over,
});
const need = (over: object = {}) => ({
  kind: 'need',
  itemId: items.n95,
  quantity: 20000,
  availableUntil: inDays(9),
  regionCode: WUCHANG,
  organisation: '武汉大学人民医院',
  contactName: '李秀英',
  contactPhone: '13787654321',
  ...over,
});

beforeAll(async () => {
  t = await buildTestApp({ residents: 20 });
  await t.zt.services.identity.seedStaff({
    username: 'logistics',
    displayName: '市物资保障专员',
    password: 'Strong-pass-2026',
    roles: ['department_officer'],
    jurisdictionCode: CITY,
  });
  [logistics, medical, enterprise, officer, farmer] = await Promise.all([
    signInStaff(t.app, 'logistics', 'Strong-pass-2026'),
    signInStaff(t.app, 'medical'),
    signInStaff(t.app, 'enterprise'),
    signInStaff(t.app, 'officer'),
    signInResident(t.app, uniquePhone()),
  ]);
  const item = async (code: string, nameZh: string, substituteIds: string[] = []) =>
    (
      await ok(
        await as(t.app, logistics, {
          method: 'POST',
          url: '/api/v1/supplies/items',
          payload: { code, nameZh, nameEn: code, category: 'mask', unit: '只', substituteIds },
        }),
      )
    ).id as string;
  const kn95 = await item('MASK-KN95', 'KN95 口罩');
  const n95 = await item('MASK-N95', 'N95 医用防护口罩', [kn95]);
  const suit = await item('SUIT', '医用防护服');
  items = { n95, kn95, suit };
});
afterAll(() => t?.close());

describe('supply-demand matching', () => {
  it('proposes a substitute match with a readable reason; both accept, quantities are taken and contacts revealed', async () => {
    const offer = await ok(await call(enterprise, 'POST', '/postings', capacity()));
    expect(offer).toMatchObject({
      kind: 'capacity',
      side: 'offer',
      status: 'open',
      unit: '只',
      openQuantity: 5000,
      contactName: '王*国',
      contactPhone: '139****5678',
      region: { code: WUCHANG, name: '武昌区' },
      mine: true,
    });
    const posted = await ok(await call(medical, 'POST', '/postings', need()));
    expect(posted.matches).toEqual({ proposed: 1, confirmed: 0 });

    // Both sides see the proposal, with the reason and masked contacts only.
    const [forHospital] = (await ok(await call(medical, 'GET', `/matches?postingId=${posted.id}`))).items;
    expect(forHospital).toMatchObject({
      status: 'proposed',
      mySide: 'need',
      quantity: 20000,
      reason: `KN95 口罩 可替代 N95 医用防护口罩；同在武昌区；可供 5,000 只/天；需 20,000 只；需在 ${monthDay(9)} 前`,
      offer: { organisation: '武汉某防护用品厂', contactPhone: '139****5678' },
    });
    expect(forHospital.score).toBeGreaterThan(70);
    const mine = (await ok(await call(enterprise, 'GET', '/matches?mine=true'))).items;
    expect(mine.map((m: { id: string; mySide: string }) => [m.id, m.mySide])).toEqual([[forHospital.id, 'offer']]);
    const en = await ok(await call(enterprise, 'GET', `/matches/${forHospital.id}`, undefined, 'en'));
    expect(en.reason).toBe(
      `MASK-KN95 may replace MASK-N95; both in 武昌区; offers 5,000 只 a day; needs 20,000 只; needed by ${monthDay(9)}`,
    );
    const body = JSON.stringify(mine);
    expect(body).not.toContain('13787654321');
    expect(body).not.toContain('李秀英');

    // No contact before both have accepted.
    const early = await call(medical, 'GET', `/matches/${forHospital.id}/contact`);
    expect(early.statusCode).toBe(403);
    expect(early.json().code).toBe('supplies.match_not_confirmed');

    // Outside the jurisdiction it does not exist; a coordinator sees it but is not a side.
    expect((await call(officer, 'GET', `/matches/${forHospital.id}`)).statusCode).toBe(404);
    const foreign = await call(officer, 'POST', `/matches/${forHospital.id}/accept`);
    expect([foreign.statusCode, foreign.json().code]).toEqual([404, 'supplies.match_not_found']);
    expect((await ok(await call(logistics, 'GET', `/matches/${forHospital.id}`))).mySide).toBeNull();
    const coordinator = await call(logistics, 'POST', `/matches/${forHospital.id}/accept`);
    expect([coordinator.statusCode, coordinator.json().code]).toEqual([403, 'supplies.match_not_party']);

    const half = await ok(await call(enterprise, 'POST', `/matches/${forHospital.id}/accept`));
    expect(half.status).toBe('proposed');
    expect(half.offer.acceptedAt).not.toBeNull();
    const twice = await call(enterprise, 'POST', `/matches/${forHospital.id}/accept`, undefined, 'en');
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({
      code: 'supplies.match_already_accepted',
      title: 'You have already accepted this match',
    });
    expect((await call(enterprise, 'GET', `/matches/${forHospital.id}/contact`)).statusCode).toBe(403);

    const confirmed = await ok(await call(medical, 'POST', `/matches/${forHospital.id}/accept`));
    expect(confirmed).toMatchObject({ status: 'confirmed', quantity: 20000 });
    // 20,000 by day 9 from 5,000 a day over 10 days: 2,000 a day of the capacity is taken.
    expect(await ok(await call(enterprise, 'GET', `/postings/${offer.id}`))).toMatchObject({
      openQuantity: 3000,
      status: 'open',
      matches: { proposed: 0, confirmed: 1 },
    });
    expect(await ok(await call(medical, 'GET', `/postings/${posted.id}`))).toMatchObject({
      openQuantity: 0,
      status: 'matched',
    });

    const before = await sql<{ n: number }>`select count(*)::int as n from audit_events
      where subject_type = 'supply_posting' and purpose = 'supply-match'`.execute(t.zt.platform.database.db);
    expect(await ok(await call(medical, 'GET', `/matches/${forHospital.id}/contact`))).toEqual({
      organisation: '武汉某防护用品厂',
      contactName: '王建国',
      contactPhone: '13912345678',
    });
    expect(await ok(await call(enterprise, 'GET', `/matches/${forHospital.id}/contact`))).toEqual({
      organisation: '武汉大学人民医院',
      contactName: '李秀英',
      contactPhone: '13787654321',
    });
    const after = await sql<{ n: number }>`select count(*)::int as n from audit_events
      where subject_type = 'supply_posting' and purpose = 'supply-match'`.execute(t.zt.platform.database.db);
    expect(after.rows[0]!.n - before.rows[0]!.n).toBe(2);
    const coordinatorReveal = await call(logistics, 'GET', `/matches/${forHospital.id}/contact`);
    expect(coordinatorReveal.statusCode).toBe(403);

    const late = await call(medical, 'POST', `/matches/${forHospital.id}/decline`);
    expect([late.statusCode, late.json().code]).toEqual([409, 'supplies.match_closed']);
    await ok(await call(enterprise, 'POST', `/postings/${offer.id}/close`));
  });

  it('matches a farmer’s produce with a canteen’s need across districts of the city, and shows it publicly without contacts', async () => {
    const produce = await ok(
      await call(farmer, 'POST', '/postings', {
        kind: 'produce',
        produceCategory: 'vegetables',
        product: '大白菜',
        quantity: 3000,
        unit: '斤',
        priceYuan: 1.2,
        availableUntil: inDays(12),
        regionCode: DONGXIHU,
        organisation: '东西湖区柏泉农场',
        contactName: '张大山',
        contactPhone: '13611112222',
      }),
    );
    expect(produce).toMatchObject({ side: 'offer', priceYuan: 1.2, deliveryScope: 'city', postedBy: 'resident' });
    const canteen = await ok(
      await call(logistics, 'POST', '/postings', {
        kind: 'need',
        produceCategory: 'vegetables',
        product: '白菜',
        quantity: 1000,
        unit: '斤',
        availableUntil: inDays(5),
        regionCode: JIANGAN,
        organisation: '江岸区方舱医院食堂',
        contactName: '赵敏',
        contactPhone: '13533334444',
      }),
    );
    const [m] = (await ok(await call(farmer, 'GET', '/matches'))).items;
    expect(m).toMatchObject({ mySide: 'offer', need: { postingId: canteen.id }, quantity: 1000 });
    expect(m.reason).toBe(`同为 大白菜；同在武汉市；可供 3,000 斤；需 1,000 斤；需在 ${monthDay(5)} 前`);

    // A resident sees only their own postings.
    const own = (await ok(await call(farmer, 'GET', '/postings'))).items;
    expect(own.map((p: { id: string }) => p.id)).toEqual([produce.id]);
    expect((await call(farmer, 'GET', `/postings/${canteen.id}`)).statusCode).toBe(404);
    const capacityByResident = await call(farmer, 'POST', '/postings', capacity());
    expect(capacityByResident.json().errors).toContainEqual(
      expect.objectContaining({ path: 'kind', code: 'supplies.kind_not_allowed' }),
    );

    const pub = await t.app.inject({ url: '/api/v1/supplies/public/matching' });
    expect(pub.statusCode).toBe(200);
    const listed = pub.json().items;
    expect(listed.map((p: { organisation: string }) => p.organisation)).toEqual(
      expect.arrayContaining(['东西湖区柏泉农场', '江岸区方舱医院食堂']),
    );
    expect(listed.some((p: { kind: string }) => p.kind === 'capacity')).toBe(false);
    expect(pub.body).not.toMatch(/1361111|张|\*\*\*\*|contact/);

    // The farmer declines; the proposal is not made again on a rematch.
    expect((await ok(await call(farmer, 'POST', `/matches/${m.id}/decline`))).declinedBy).toBe('offer');
    expect((await ok(await call(farmer, 'POST', `/postings/${produce.id}/rematch`))).items).toEqual([]);
    await ok(await call(logistics, 'POST', `/postings/${canteen.id}/close`));
  });

  it('matches produce offered by the 吨 with a need counted in 斤, and takes whole 吨 off the offer', async () => {
    const potatoes = await ok(
      await call(farmer, 'POST', '/postings', {
        kind: 'produce',
        produceCategory: 'vegetables',
        product: '土豆',
        quantity: 2,
        unit: '吨',
        availableUntil: inDays(10),
        regionCode: DONGXIHU,
        organisation: '东西湖区土豆合作社',
        contactName: '刘长根',
        contactPhone: '13611113333',
      }),
    );
    const need = (quantity: number, unit: string, organisation: string) =>
      call(logistics, 'POST', '/postings', {
        kind: 'need',
        produceCategory: 'vegetables',
        product: '土豆',
        quantity,
        unit,
        availableUntil: inDays(4),
        regionCode: JIANGAN,
        organisation,
        contactName: '赵敏',
        contactPhone: '13533334444',
      });
    const byWeight = await ok(await need(1500, '斤', '江岸区隔离点食堂'));
    // Boxes are no weight: nothing to convert, no match.
    const byBox = await ok(await need(30, '箱', '江岸区社区团购点'));
    const mine = (await ok(await call(farmer, 'GET', '/matches'))).items.filter(
      (m: { offer: { postingId: string } }) => m.offer.postingId === potatoes.id,
    );
    expect(mine.map((m: { need: { postingId: string } }) => m.need.postingId)).toEqual([byWeight.id]);
    expect(mine[0]).toMatchObject({ quantity: 1500 });
    expect(mine[0].reason).toContain('可供 2 吨；需 1,500 斤');
    expect((await ok(await call(logistics, 'GET', `/postings/${byBox.id}`))).matches).toMatchObject({ proposed: 0 });

    await ok(await call(farmer, 'POST', `/matches/${mine[0].id}/accept`));
    expect(await ok(await call(logistics, 'POST', `/matches/${mine[0].id}/accept`))).toMatchObject({
      status: 'confirmed',
      quantity: 1500,
    });
    // 1,500 斤 is 0.75 吨: one whole 吨 leaves the offer, and the need is met.
    expect(await ok(await call(farmer, 'GET', `/postings/${potatoes.id}`))).toMatchObject({
      openQuantity: 1,
      status: 'open',
    });
    expect(await ok(await call(logistics, 'GET', `/postings/${byWeight.id}`))).toMatchObject({
      openQuantity: 0,
      status: 'matched',
    });
    await ok(await call(farmer, 'POST', `/postings/${potatoes.id}/close`));
    await ok(await call(logistics, 'POST', `/postings/${byBox.id}/close`));
  });

  it('converts through the catalogue packs: an offer by the 盒 meets needs by the 只 and by another item’s 盒', async () => {
    const item = (payload: object) => as(t.app, logistics, { method: 'POST', url: '/api/v1/supplies/items', payload });
    // A pack named like the unit is refused, and nothing is added.
    const same = await item({
      code: 'GLOVE-X',
      nameZh: '手套',
      nameEn: 'Glove',
      category: 'gloves',
      unit: '只',
      pack: { unit: '只', size: 10 },
    });
    expect(same.statusCode).toBe(400);
    expect(same.json().errors).toEqual([
      expect.objectContaining({ path: 'pack.unit', code: 'supplies.pack_unit_same' }),
    ]);
    const latex = await ok(
      await item({
        code: 'GLOVE-LATEX',
        nameZh: '乳胶手套',
        nameEn: 'Latex glove',
        category: 'gloves',
        unit: '只',
        pack: { unit: '盒', size: 50 },
      }),
    );
    expect(latex.pack).toEqual({ unit: '盒', size: 50 });
    const nitrile = await ok(
      await item({
        code: 'GLOVE-NITRILE',
        nameZh: '丁腈手套',
        nameEn: 'Nitrile glove',
        category: 'gloves',
        unit: '只',
        pack: { unit: '盒', size: 100 },
        substituteIds: [latex.id],
      }),
    );
    const offer = await ok(
      await call(
        enterprise,
        'POST',
        '/postings',
        capacity({ itemId: latex.id, unit: '盒', basis: 'total', quantity: 40 }),
      ),
    );
    // 40 盒 of 50 is 2,000 只; a 盒 of the nitrile gloves is 100, so the same 40 盒 are 20 of those.
    const byPiece = await ok(await call(medical, 'POST', '/postings', need({ itemId: nitrile.id, quantity: 1500 })));
    const byBox = await ok(
      await call(
        medical,
        'POST',
        '/postings',
        need({ itemId: nitrile.id, unit: '盒', quantity: 30, organisation: '武汉市第七医院' }),
      ),
    );
    const matches = (await ok(await call(enterprise, 'GET', `/matches?postingId=${offer.id}`))).items as {
      id: string;
      quantity: number;
      need: { postingId: string; unit: string };
    }[];
    const of = (id: string) => matches.find((m) => m.need.postingId === id)!;
    expect(of(byPiece.id)).toMatchObject({ quantity: 1500, need: { unit: '只' } });
    expect(of(byBox.id)).toMatchObject({ quantity: 20, need: { unit: '盒' } });
    // Agreed: 1,500 只 take 30 of the offer's 盒, and 10 are left.
    await ok(await call(enterprise, 'POST', `/matches/${of(byPiece.id).id}/accept`));
    expect(await ok(await call(medical, 'POST', `/matches/${of(byPiece.id).id}/accept`))).toMatchObject({
      status: 'confirmed',
      quantity: 1500,
    });
    expect(await ok(await call(enterprise, 'GET', `/postings/${offer.id}`))).toMatchObject({ openQuantity: 10 });
    for (const [who, id] of [
      [enterprise, offer.id],
      [medical, byBox.id],
    ] as const)
      await ok(await call(who, 'POST', `/postings/${id}/close`));
  });

  it('follows a change of a posting, and withdraws proposals when a posting closes', async () => {
    const offer = await ok(
      await call(enterprise, 'POST', '/postings', capacity({ itemId: items.suit, basis: 'total', quantity: 800 })),
    );
    const wanted = await ok(await call(medical, 'POST', '/postings', need({ itemId: items.suit, quantity: 500 })));
    const [m] = (await ok(await call(medical, 'GET', `/matches?postingId=${wanted.id}`))).items;
    expect(m.quantity).toBe(500);
    await ok(await call(medical, 'POST', `/matches/${m.id}/accept`));

    // A changed quantity is proposed anew and needs both sides' consent again.
    const changed = await ok(await call(medical, 'PATCH', `/postings/${wanted.id}`, { quantity: 1200 }));
    expect(changed).toMatchObject({ quantity: 1200, openQuantity: 1200 });
    const [again] = (await ok(await call(medical, 'GET', `/matches?postingId=${wanted.id}`))).items;
    expect(again).toMatchObject({ id: m.id, status: 'proposed', quantity: 800, need: { acceptedAt: null } });
    const notYours = await call(enterprise, 'PATCH', `/postings/${wanted.id}`, { quantity: 5 });
    expect([notYours.statusCode, notYours.json().code]).toEqual([403, 'supplies.posting_not_yours']);

    await ok(await call(enterprise, 'POST', `/postings/${offer.id}/close`));
    const [gone] = (await ok(await call(medical, 'GET', `/matches?postingId=${wanted.id}`))).items;
    expect(gone.status).toBe('withdrawn');
    const closedAgain = await call(enterprise, 'POST', `/postings/${offer.id}/close`);
    expect([closedAgain.statusCode, closedAgain.json().code]).toEqual([409, 'supplies.posting_closed']);
    await ok(await call(medical, 'POST', `/postings/${wanted.id}/close`));
  });

  it('matches nothing outside what the offer delivers to, or after the need is due', async () => {
    const local = await ok(
      await call(enterprise, 'POST', '/postings', capacity({ deliveryScope: 'district', basis: 'total' })),
    );
    // Fields that do not apply may come as null, as the web forms send them.
    const elsewhere = await ok(
      await call(
        officer,
        'POST',
        '/postings',
        need({
          regionCode: JIANGAN,
          organisation: '江岸区某社区',
          priceYuan: null,
          deliveryRadiusKm: null,
          note: null,
        }),
      ),
    );
    expect(elsewhere).toMatchObject({ priceYuan: null, deliveryRadiusKm: null, note: null });
    expect(elsewhere.matches.proposed).toBe(0);
    const later = await ok(
      await call(medical, 'POST', '/postings', need({ availableFrom: inDays(40), availableUntil: inDays(45) })),
    );
    expect(later.matches.proposed).toBe(0);
    for (const [who, id] of [
      [enterprise, local.id],
      [officer, elsewhere.id],
      [medical, later.id],
    ] as const)
      await ok(await call(who, 'POST', `/postings/${id}/close`));
  });

  it('confirms once when both sides accept at the same moment, taking the quantity once', async () => {
    const offer = await ok(
      await call(enterprise, 'POST', '/postings', capacity({ itemId: items.suit, basis: 'total', quantity: 300 })),
    );
    const wanted = await ok(await call(medical, 'POST', '/postings', need({ itemId: items.suit, quantity: 200 })));
    const [m] = (await ok(await call(medical, 'GET', `/matches?postingId=${wanted.id}`))).items;
    const answers = await Promise.all([
      call(enterprise, 'POST', `/matches/${m.id}/accept`),
      call(medical, 'POST', `/matches/${m.id}/accept`),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    expect((await ok(await call(medical, 'GET', `/matches/${m.id}`))).status).toBe('confirmed');
    expect((await ok(await call(enterprise, 'GET', `/postings/${offer.id}`))).openQuantity).toBe(100);
    expect((await ok(await call(medical, 'GET', `/postings/${wanted.id}`))).status).toBe('matched');
    await ok(await call(enterprise, 'POST', `/postings/${offer.id}/close`));
  });

  it('refuses bad postings with field errors in both languages and writes nothing', async () => {
    const before = await countRows(t, 'supply_postings');
    const zero = await call(medical, 'POST', '/postings', need({ quantity: 0 }));
    expect(zero.statusCode).toBe(400);
    expect(zero.json().errors).toContainEqual(
      expect.objectContaining({ path: 'body.quantity', code: 'field.out_of_range' }),
    );
    const negative = await call(medical, 'POST', '/postings', need({ quantity: -5 }));
    expect(negative.statusCode).toBe(400);

    const dates = await call(
      medical,
      'POST',
      '/postings',
      need({ availableFrom: inDays(5), availableUntil: inDays(2), itemId: '0190a0b0-0000-7000-8000-000000000000' }),
      'en',
    );
    expect(dates.statusCode).toBe(400);
    expect(dates.headers['content-type']).toContain('application/problem+json');
    const errors = dates.json().errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'availableUntil', code: 'supplies.until_before_from', message: 'The last day is before the first day' },
        { path: 'itemId', code: 'supplies.item_not_found', message: 'No such item' },
      ]),
    );
    for (const e of errors) expect(e.message).toMatch(/^[\x20-\x7e]+$/);
    const zh = await call(medical, 'POST', '/postings', need({ contactPhone: '12345', regionCode: JIANGAN }));
    expect(zh.json().errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'contactPhone', code: 'phone.format' }),
        { path: 'regionCode', code: 'region.outside_jurisdiction', message: '超出您的管辖范围' },
      ]),
    );
    // N95 are counted in 只 (no pack here): a need by the 包 would never convert, so it is refused.
    const packet = await call(medical, 'POST', '/postings', need({ unit: '包' }));
    expect(packet.json().errors).toEqual([
      { path: 'unit', code: 'supplies.unit_not_of_item', message: '请按该物资的计量单位或包装单位填写' },
    ]);
    const nothing = await call(medical, 'POST', '/postings', need({ itemId: null }));
    expect(nothing.json().errors).toContainEqual(expect.objectContaining({ code: 'supplies.goods_required' }));
    expect(await countRows(t, 'supply_postings')).toBe(before);

    // Staff without the permission (a venue) cannot use it at all.
    const venue = await signInStaff(t.app, 'venue');
    expect((await call(venue, 'GET', '/postings')).statusCode).toBe(403);
  });

  it('expires postings after their last day and withdraws what they had proposed', async () => {
    const offer = await ok(await call(enterprise, 'POST', '/postings', capacity({ availableUntil: inDays(3) })));
    const wanted = await ok(await call(medical, 'POST', '/postings', need({ availableUntil: inDays(3) })));
    expect(wanted.matches.proposed).toBe(1);
    expect(await t.zt.services.matching.expire(new Date(Date.now() + 5 * 86_400_000))).toBeGreaterThanOrEqual(2);
    expect((await ok(await call(enterprise, 'GET', `/postings/${offer.id}`))).status).toBe('expired');
    const [m] = (await ok(await call(medical, 'GET', `/matches?postingId=${wanted.id}`))).items;
    expect(m.status).toBe('withdrawn');
    const late = await call(medical, 'POST', `/matches/${m.id}/accept`);
    expect([late.statusCode, late.json().code]).toEqual([409, 'supplies.match_closed']);
  });
});

import { permissionsOf, type ItemInput, type Role } from '@zhengtong/contracts';
import type { Actor } from '../platform/auth/actor.ts';
import type { Zhengtong } from '../app.ts';
import { DEMO_PASSWORD } from './demo-city.ts';
import { DEMO_RESERVATION_REGION } from './demo-reservations.ts';

const DAY_MS = 86_400_000;
export const DEMO_CITY = '4201';
export const DEMO_WAREHOUSE = '武汉市应急物资储备库';
export const DEMO_DONOR = '武汉市慈善总会（演示）';
/** Gave the masks the demo pharmacies hand out to residents with a reservation. */
export const DEMO_MASK_DONOR = '湖北爱心医药企业（演示）';
/** The city's warehouse and hospitals in several districts need an official for the whole city. */
export const DEMO_LOGISTICS_ACCOUNT = 'logistics';
export const demoLogisticsAccount = {
  username: DEMO_LOGISTICS_ACCOUNT,
  role: 'department_officer',
  displayName: '市物资保障专员',
  jurisdiction: DEMO_CITY,
} as const;

const actor = (role: Role, jurisdiction: string): Actor => ({
  kind: 'staff',
  id: `demo-supplies-${role}`,
  label: 'demo',
  roles: [role],
  permissions: permissionsOf([role]),
  jurisdiction,
  residentId: null,
});

/** 'YYYY-MM-DD' so many days from now, in Asia/Shanghai. */
const inDays = (d: number) => new Date(Date.now() + d * DAY_MS + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * The demo city's supplies, made through the supplies service: a catalogue, the city warehouse, two
 * hospitals and the mask campaign's pharmacies, stock with lots and a week of consumption (one hospital
 * in emergency), two donations with their ledger trails, and an open hospital request. Once the
 * catalogue holds MASK-N95, a start adds nothing.
 */
export async function ensureDemoSupplies(zt: Zhengtong, options: { log?: (m: string) => void } = {}) {
  const { supplies, identity, regions } = zt.services;
  await identity.seedStaff({
    username: demoLogisticsAccount.username,
    displayName: demoLogisticsAccount.displayName,
    password: DEMO_PASSWORD,
    roles: [demoLogisticsAccount.role],
    jurisdictionCode: demoLogisticsAccount.jurisdiction,
  });
  const city = actor('department_officer', DEMO_CITY);
  if ((await supplies.items(city)).items.some((i) => i.code === 'MASK-N95')) return;

  const item = async (input: ItemInput) => (await supplies.createItem(city, input)).id;
  const kn95 = await item({
    code: 'MASK-KN95',
    nameZh: 'KN95 口罩',
    nameEn: 'KN95 respirator',
    category: 'mask',
    unit: '只',
    pack: { unit: '箱', size: 400 },
    grade: 'KN95',
  });
  const n95 = await item({
    code: 'MASK-N95',
    nameZh: 'N95 医用防护口罩',
    nameEn: 'N95 medical respirator',
    category: 'mask',
    unit: '只',
    pack: { unit: '箱', size: 400 },
    grade: 'N95',
    substituteIds: [kn95],
  });
  const surgical = await item({
    code: 'MASK-SURGICAL',
    nameZh: '医用外科口罩',
    nameEn: 'Surgical mask',
    category: 'mask',
    unit: '只',
    pack: { unit: '箱', size: 2000 },
    grade: '医用外科',
  });
  const suit = await item({
    code: 'SUIT-PROTECTIVE',
    nameZh: '医用一次性防护服',
    nameEn: 'Disposable protective suit',
    category: 'protective_clothing',
    unit: '套',
  });
  const goggles = await item({
    code: 'GOGGLES',
    nameZh: '医用护目镜',
    nameEn: 'Medical goggles',
    category: 'goggles',
    unit: '副',
  });
  const kit = await item({
    code: 'TEST-PCR',
    nameZh: '新型冠状病毒核酸检测试剂盒',
    nameEn: 'SARS-CoV-2 PCR test kit',
    category: 'test_kit',
    unit: '人份',
  });
  const ventilator = await item({
    code: 'VENT-ICU',
    nameZh: '有创呼吸机',
    nameEn: 'Invasive ventilator',
    category: 'ventilator',
    unit: '台',
    minDays: 30,
    emergencyDays: 10,
  });

  const streets = (await regions.list({ parent: DEMO_RESERVATION_REGION, limit: 2 })).items;
  const place = (kind: 'warehouse' | 'hospital' | 'pharmacy', name: string, regionCode: string) =>
    supplies.createLocation(city, { kind, name, regionCode }).then((l) => l.id);
  const warehouse = await place('warehouse', DEMO_WAREHOUSE, DEMO_CITY);
  const jinyintan = await place('hospital', '武汉市金银潭医院', '420112');
  const renmin = await place('hospital', '武汉大学人民医院', '420106');
  // The pharmacies of the demo mask campaign, where redeemed reservations will be issued from.
  const pharmacies = [
    await place('pharmacy', '江岸大药房解放大道店', streets[0]?.code ?? DEMO_RESERVATION_REGION),
    await place('pharmacy', '同济堂药房黄浦路店', streets[1]?.code ?? DEMO_RESERVATION_REGION),
  ];

  await supplies.receive(city, {
    locationId: warehouse,
    note: '市级储备',
    lines: [
      { itemId: n95, lotNumber: 'N95-2026-031', expiresOn: inDays(240), quantity: 3000 },
      { itemId: kn95, lotNumber: 'KN95-2026-112', expiresOn: inDays(200), quantity: 5000 },
      { itemId: surgical, lotNumber: 'SM-2026-0408', expiresOn: inDays(300), quantity: 20000 },
      { itemId: suit, lotNumber: 'PS-2026-077', expiresOn: inDays(500), quantity: 1500 },
      { itemId: goggles, lotNumber: 'GG-2026-02', expiresOn: null, quantity: 800 },
      { itemId: kit, lotNumber: 'PCR-2026-15', expiresOn: inDays(90), quantity: 10000 },
      { itemId: ventilator, lotNumber: 'VT-SN-2026', expiresOn: null, quantity: 12 },
    ],
  });
  await supplies.receive(city, {
    locationId: jinyintan,
    lines: [
      { itemId: n95, lotNumber: 'N95-2025-208', expiresOn: inDays(120), quantity: 800 },
      { itemId: suit, lotNumber: 'PS-2025-310', expiresOn: inDays(400), quantity: 300 },
    ],
  });
  await supplies.receive(city, {
    locationId: renmin,
    lines: [
      { itemId: n95, lotNumber: 'N95-2025-215', expiresOn: inDays(150), quantity: 500 },
      { itemId: suit, lotNumber: 'PS-2025-311', expiresOn: inDays(400), quantity: 200 },
    ],
  });
  // The pharmacies' masks are donated, so what residents pick up shows on the public ledger too.
  for (const [i, p] of pharmacies.entries()) {
    const gift = await supplies.createDonation(city, {
      donorKind: 'organisation',
      donorName: DEMO_MASK_DONOR,
      regionCode: DEMO_CITY,
      items: [{ itemId: surgical, quantity: 2000 }],
    });
    await supplies.receiveDonation(city, gift.id, {
      locationId: p,
      lines: [{ itemId: surgical, lotNumber: `DN-SM-00${i + 1}`, expiresOn: inDays(300), quantity: 2000 }],
    });
  }

  // A donation from an organisation, received, allocated to 金银潭 on its critical request and delivered.
  const donation = await supplies.createDonation(city, {
    donorKind: 'organisation',
    donorName: DEMO_DONOR,
    regionCode: DEMO_CITY,
    items: [
      { itemId: n95, quantity: 2000 },
      { itemId: suit, quantity: 500 },
    ],
  });
  await supplies.receiveDonation(city, donation.id, {
    locationId: warehouse,
    lines: [
      { itemId: n95, lotNumber: 'DN-N95-001', expiresOn: inDays(180), quantity: 2000 },
      { itemId: suit, lotNumber: 'DN-PS-001', expiresOn: inDays(450), quantity: 500 },
    ],
  });
  const anonymous = await supplies.createDonation(city, {
    donorKind: 'anonymous',
    regionCode: DEMO_CITY,
    items: [{ itemId: kn95, quantity: 1000 }],
  });
  await supplies.receiveDonation(city, anonymous.id, {
    locationId: warehouse,
    lines: [{ itemId: kn95, lotNumber: 'DN-KN95-002', expiresOn: inDays(160), quantity: 1000 }],
  });

  const jinyintanStaff = actor('medical_staff', '420112');
  const critical = await supplies.createRequest(jinyintanStaff, {
    locationId: jinyintan,
    urgency: 'critical',
    lines: [{ itemId: n95, quantity: 1000 }],
    note: '重症病区防护物资告急',
  });
  const [transfer] = (
    await supplies.approve(city, {
      warehouseId: warehouse,
      lines: [{ lineId: critical.lines[0]!.id, itemId: n95, quantity: 1000 }],
    })
  ).items;
  await supplies.dispatch(city, transfer!.id);
  await supplies.deliver(jinyintanStaff, transfer!.id, {
    receivedQuantity: 1000,
    receiverName: '陈晓华',
    note: '箱体完好，数量无误',
  });

  // A week on the wards: 金银潭 runs short of N95 (emergency), 人民医院 of protective suits (below minimum).
  const use = (locationId: string, itemId: string, quantity: number, who: Actor) =>
    supplies.issue(who, { locationId, itemId, quantity, note: '病区领用' });
  await use(jinyintan, n95, 1500, jinyintanStaff);
  await use(jinyintan, suit, 140, jinyintanStaff);
  const renminStaff = actor('medical_staff', '420106');
  await use(renmin, n95, 210, renminStaff);
  await use(renmin, suit, 105, renminStaff);
  for (const p of pharmacies) await use(p, surgical, 350, city);

  await supplies.createRequest(renminStaff, {
    locationId: renmin,
    urgency: 'urgent',
    lines: [
      { itemId: n95, quantity: 600 },
      { itemId: suit, quantity: 200 },
    ],
    note: '发热门诊扩容',
  });
  options.log?.(
    `demo supplies: ${DEMO_WAREHOUSE}, 2 hospitals, ${pharmacies.length} pharmacies, ${2 + pharmacies.length} donations`,
  );
}

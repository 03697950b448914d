import { permissionsOf, type PostingInput } from '@zhengtong/contracts';
import { systemActor, type Actor } from '../platform/auth/actor.ts';
import type { Zhengtong } from '../app.ts';
import { DEMO_LOGISTICS_ACCOUNT } from './demo-supplies.ts';

const DAY_MS = 86_400_000;
const inDays = (d: number) => new Date(Date.now() + d * DAY_MS + 8 * 3_600_000).toISOString().slice(0, 10);
export const DEMO_PRODUCER = '武汉某防护用品有限公司（演示）';
export const DEMO_COOPERATIVE = '黄陂区木兰乡蔬菜合作社（演示）';

/**
 * 供需对接 in the demo city, posted through the matching service by demo accounts: a producer's KN95
 * capacity and a hospital's N95 need (a substitute match the producer has accepted), a co-operative's
 * cabbages and a field hospital canteen's need (confirmed, so contacts can be revealed), eggs, and a
 * factory's need for surgical masks. Needs the demo catalogue; once any posting exists, adds nothing.
 */
export async function ensureDemoMatching(zt: Zhengtong, options: { log?: (m: string) => void } = {}) {
  const { matching, supplies, identity } = zt.services;
  const system = systemActor('demo');
  if ((await matching.postings(system, { limit: 1 })).items.length) return;
  const admin: Actor = { ...system, permissions: ['staff.manage'], jurisdiction: '' };
  const accounts = (await identity.listStaff(admin, { limit: 200 })).items;
  const as = (username: string): Actor => {
    const s = accounts.find((a) => a.username === username);
    if (!s) throw new Error(`demo matching: no account ${username}`);
    return {
      kind: 'staff',
      id: s.id,
      label: `staff:${s.username}`,
      roles: s.roles,
      permissions: permissionsOf(s.roles),
      jurisdiction: s.jurisdiction.code,
      residentId: null,
    };
  };
  const catalogue = (await supplies.items(system)).items;
  const item = (code: string) => catalogue.find((i) => i.code === code)?.id;
  if (!item('MASK-KN95') || !item('MASK-N95')) return;
  const [enterprise, medical, officer, logistics] = ['enterprise', 'medical', 'officer', DEMO_LOGISTICS_ACCOUNT].map(
    as,
  ) as [Actor, Actor, Actor, Actor];
  const post = (who: Actor, input: PostingInput) => matching.create(who, input);

  await post(enterprise, {
    kind: 'capacity',
    itemId: item('MASK-KN95'),
    quantity: 5000,
    basis: 'per_day',
    availableUntil: inDays(30),
    regionCode: '420106',
    deliveryScope: 'city',
    deliveryRadiusKm: 50,
    organisation: DEMO_PRODUCER,
    contactName: '王建国',
    contactPhone: '13900000101',
  });
  const hospitalNeed = await post(medical, {
    kind: 'need',
    itemId: item('MASK-N95'),
    quantity: 20000,
    availableUntil: inDays(9),
    regionCode: '420106',
    organisation: '武汉大学人民医院',
    contactName: '李秀英',
    contactPhone: '13900000102',
    note: '发热门诊与隔离病区使用',
  });
  await post(logistics, {
    kind: 'produce',
    produceCategory: 'vegetables',
    product: '大白菜',
    quantity: 8000,
    unit: '斤',
    priceYuan: 0.8,
    availableUntil: inDays(14),
    regionCode: '420116',
    deliveryScope: 'city',
    organisation: DEMO_COOPERATIVE,
    contactName: '陈大山',
    contactPhone: '13900000103',
    note: '当季采收，可整车配送',
  });
  const canteenNeed = await post(officer, {
    kind: 'need',
    produceCategory: 'vegetables',
    product: '白菜',
    quantity: 2000,
    unit: '斤',
    availableUntil: inDays(6),
    regionCode: '420102',
    organisation: '江岸区方舱医院食堂（演示）',
    contactName: '赵敏',
    contactPhone: '13900000104',
  });
  await post(logistics, {
    kind: 'produce',
    produceCategory: 'eggs',
    product: '土鸡蛋',
    quantity: 3000,
    unit: '枚',
    priceYuan: 1.5,
    availableUntil: inDays(10),
    regionCode: '420115',
    deliveryScope: 'city',
    organisation: '江夏区山坡乡养殖户（演示）',
    contactName: '刘桂芳',
    contactPhone: '13900000105',
  });
  if (item('MASK-SURGICAL'))
    await post(enterprise, {
      kind: 'need',
      itemId: item('MASK-SURGICAL'),
      quantity: 10000,
      availableUntil: inDays(7),
      regionCode: '420106',
      organisation: '武昌区某电子厂（复工，演示）',
      contactName: '孙伟',
      contactPhone: '13900000106',
    });

  // The producer has agreed to the hospital's match; the canteen's is agreed by both.
  const [masks] = (await matching.matches(medical, { postingId: hospitalNeed.id, limit: 5 }, 'zh-CN')).items;
  if (masks) await matching.accept(enterprise, masks.id, 'zh-CN');
  const [cabbage] = (await matching.matches(officer, { postingId: canteenNeed.id, limit: 5 }, 'zh-CN')).items;
  if (cabbage) {
    await matching.accept(officer, cabbage.id, 'zh-CN');
    await matching.accept(logistics, cabbage.id, 'zh-CN');
  }
  options.log?.('demo supply-demand matching: 6 postings, 1 match confirmed');
}

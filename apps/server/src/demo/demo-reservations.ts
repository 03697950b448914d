import { permissionsOf, type CampaignInput } from '@zhengtong/contracts';
import type { Actor } from '../platform/auth/actor.ts';
import type { Zhengtong } from '../app.ts';
import { DEMO_PASSWORD } from './demo-city.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** 江岸区, where the demo resident lives and the `officer` account works. */
export const DEMO_RESERVATION_REGION = '420102';
export const DEMO_CAMPAIGN_TITLE = '江岸区口罩预约（演示）';
/** Site staff of 江岸区 who redeem the demo campaign's pickup codes (the `venue` account is in 武昌区). */
export const DEMO_PHARMACY_ACCOUNT = 'pharmacy';
/** As the start-up banner lists it beside the demo city's accounts. */
export const demoPharmacyAccount = {
  username: DEMO_PHARMACY_ACCOUNT,
  role: 'venue_staff',
  displayName: '江岸区药店店员',
  jurisdiction: DEMO_RESERVATION_REGION,
} as const;

/**
 * A demo mask campaign in 江岸区, open, with two pharmacies and hourly slots from tomorrow for a week,
 * made through the reservation service; the masks come from the pharmacies' demo stock. Once one is open with a slot still ahead, a start adds nothing.
 */
export async function ensureDemoReservations(zt: Zhengtong, options: { log?: (m: string) => void } = {}) {
  const { reservation, regions, identity, supplies } = zt.services;
  await identity.seedStaff({
    username: demoPharmacyAccount.username,
    displayName: demoPharmacyAccount.displayName,
    password: DEMO_PASSWORD,
    roles: [demoPharmacyAccount.role],
    jurisdictionCode: demoPharmacyAccount.jurisdiction,
  });
  const officer: Actor = {
    kind: 'staff',
    id: 'demo-reservations',
    label: 'demo',
    roles: ['department_officer'],
    permissions: permissionsOf(['department_officer']),
    jurisdiction: DEMO_RESERVATION_REGION,
    residentId: null,
  };
  const now = Date.now();
  const existing = (await reservation.listManaged(officer, { limit: 50 })).items;
  const live = existing.some(
    (c) =>
      c.title === DEMO_CAMPAIGN_TITLE &&
      c.status === 'open' &&
      c.sites.some((s) => s.slots.some((slot) => Date.parse(slot.endsAt) > now)),
  );
  if (live) return;
  const streets = (await regions.list({ parent: DEMO_RESERVATION_REGION, limit: 2 })).items;
  // Shanghai midnight tomorrow, then 09:00–12:00 and 14:00–17:00 each day.
  const tomorrow = Math.floor((now + 8 * HOUR_MS) / DAY_MS) * DAY_MS - 8 * HOUR_MS + DAY_MS;
  const slots = Array.from({ length: 7 }, (_, d) =>
    [9, 10, 11, 14, 15, 16].map((h) => ({
      startsAt: new Date(tomorrow + d * DAY_MS + h * HOUR_MS).toISOString(),
      endsAt: new Date(tomorrow + d * DAY_MS + (h + 1) * HOUR_MS).toISOString(),
      quota: 30,
    })),
  ).flat();
  // The masks come from the pharmacies' own stock when the demo supplies are there (seeded first).
  const masks = (await supplies.items(officer)).items.find((i) => i.code === 'MASK-SURGICAL');
  const pharmacies = (await supplies.locations(officer, 'pharmacy')).items;
  const stockOf = (name: string) => pharmacies.find((p) => p.name === name)?.id;
  const input: CampaignInput = {
    kind: 'masks',
    title: DEMO_CAMPAIGN_TITLE,
    regionCode: DEMO_RESERVATION_REGION,
    mode: 'first_come',
    oncePerDays: 7,
    itemsPerPerson: 5,
    ...(masks ? { supplyItemId: masks.id } : {}),
    sites: [
      {
        name: '江岸大药房解放大道店',
        address: '江岸区解放大道 1001 号',
        regionCode: streets[0]?.code ?? DEMO_RESERVATION_REGION,
        slots,
      },
      {
        name: '同济堂药房黄浦路店',
        address: '江岸区黄浦路 25 号',
        regionCode: streets[1]?.code ?? DEMO_RESERVATION_REGION,
        slots,
      },
    ].map((site) => {
      const stock = masks && stockOf(site.name);
      return stock ? { ...site, stockLocationId: stock } : site;
    }),
  };
  const created = await reservation.createCampaign(officer, input);
  await reservation.setStatus(officer, created.id, 'open');
  options.log?.(
    `demo reservations: "${DEMO_CAMPAIGN_TITLE}" open at ${input.sites.length} sites, ${created.quota} places`,
  );
}

import { campaignKinds } from '@zhengtong/contracts';

export { campaignKinds };
export type CampaignKind = (typeof campaignKinds)[number];

/** How a site's slots are drawn up in the form: days from a date, opening hours cut into equal slots. */
export interface SlotPlan {
  /** First day, YYYY-MM-DD in Asia/Shanghai. */
  date: string;
  days: number;
  /** Opening hours, HH:mm. */
  opens: string;
  closes: string;
  minutes: number;
  quota: number;
}

export interface SiteForm {
  name: string;
  address: string;
  regionCode: string;
  /** The pharmacy's stock (supplies) the campaign's item is issued from at pickup, if linked. */
  stockLocationId: string;
  plan: SlotPlan;
}

export interface GeneratedSlot {
  startsAt: string;
  endsAt: string;
  quota: number;
}

/** The most slots one site may have (the server's limit). */
export const MAX_SLOTS_PER_SITE = 500;
const DAY_MS = 86_400_000;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Opening hours cut into slots of `minutes` (the last shorter piece is dropped), each day from `date`. */
export function generateSlots(plan: SlotPlan): GeneratedSlot[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(plan.date) || !TIME.test(plan.opens) || !TIME.test(plan.closes)) return [];
  if (!(plan.minutes > 0) || !(plan.quota > 0) || !(plan.days > 0)) return [];
  // Times are Shanghai wall-clock times: fixed +08:00, no daylight saving.
  const first = Date.parse(`${plan.date}T00:00:00+08:00`);
  if (Number.isNaN(first)) return [];
  const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const open = minutesOf(plan.opens);
  const close = minutesOf(plan.closes);
  const slots: GeneratedSlot[] = [];
  for (let d = 0; d < plan.days; d++) {
    for (let m = open; m + plan.minutes <= close; m += plan.minutes) {
      const start = first + d * DAY_MS + m * 60_000;
      slots.push({
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + plan.minutes * 60_000).toISOString(),
        quota: plan.quota,
      });
      if (slots.length > MAX_SLOTS_PER_SITE) return slots;
    }
  }
  return slots;
}

/** Today in Shanghai plus `days`, as YYYY-MM-DD. */
export function shanghaiDatePlus(days: number, now = Date.now()): string {
  return new Date(now + days * DAY_MS + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function emptySite(regionCode: string, date: string): SiteForm {
  return {
    name: '',
    address: '',
    regionCode,
    stockLocationId: '',
    plan: { date, days: 1, opens: '09:00', closes: '17:00', minutes: 60, quota: 50 },
  };
}

/** Per-site problems found before sending: i18n keys under reservations.errors. */
export function siteProblems(site: SiteForm, campaignRegion: string): string[] {
  const problems: string[] = [];
  if (site.name.trim().length < 2) problems.push('siteName');
  if (site.address.trim().length < 2) problems.push('siteAddress');
  if (!site.regionCode) problems.push('siteRegion');
  else if (campaignRegion && !site.regionCode.startsWith(campaignRegion)) problems.push('siteOutside');
  const slots = generateSlots(site.plan);
  if (!slots.length) problems.push('noSlots');
  else if (slots.length > MAX_SLOTS_PER_SITE) problems.push('tooManySlots');
  return problems;
}

/** Share of the quota still free, for the progress bar (0–100). */
export function leftPercent(left: number, quota: number): number {
  return quota > 0 ? Math.round((left / quota) * 100) : 0;
}

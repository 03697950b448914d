import type { CampaignSlot, Reservation } from '@zhengtong/web-core';

export type SlotState = 'available' | 'full' | 'over';

/** Whether a slot can still be reserved: places left and not yet ended. */
export function slotState(slot: CampaignSlot, now = Date.now()): SlotState {
  if (Date.parse(slot.endsAt) <= now) return 'over';
  return slot.left > 0 ? 'available' : 'full';
}

/** The first slot a resident could pick, so one tap on 预约 is enough when any is left. */
export function firstAvailable(slots: CampaignSlot[], now = Date.now()): CampaignSlot | undefined {
  return slots.find((s) => slotState(s, now) === 'available');
}

/** The resident's live (confirmed) reservation in a campaign, if any: the page shows it instead of the form. */
export function liveIn(campaignId: string, mine: Reservation[]): Reservation | undefined {
  return mine.find((r) => r.campaignId === campaignId && r.status === 'confirmed');
}

/** The Shanghai calendar day (YYYY-MM-DD) a slot starts on. */
export const slotDay = (slot: CampaignSlot) =>
  new Date(Date.parse(slot.startsAt) + 8 * 3_600_000).toISOString().slice(0, 10);

/** Slots grouped by day, in order, so a week of slots is a row of days and a short list. */
export function slotsByDay(slots: CampaignSlot[]): { day: string; slots: CampaignSlot[] }[] {
  const days: { day: string; slots: CampaignSlot[] }[] = [];
  for (const s of slots) {
    const day = slotDay(s);
    const last = days[days.length - 1];
    if (last?.day === day) last.slots.push(s);
    else days.push({ day, slots: [s] });
  }
  return days;
}

/** A day as a short label: "12/02周三" or "Wed, 12/02". */
export function dayLabel(day: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'Asia/Shanghai',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
  }).format(new Date(`${day}T12:00:00+08:00`));
}

import type { CampaignSlot, Reservation } from '@zhengtong/web-core';
import { describe, expect, it } from 'vitest';
import { dayLabel, firstAvailable, liveIn, slotState, slotsByDay } from './data.ts';

const now = Date.parse('2026-03-02T03:00:00Z');
const slot = (id: string, endsAt: string, left: number): CampaignSlot => ({
  id,
  startsAt: '2026-03-02T00:00:00Z',
  endsAt,
  quota: 10,
  left,
});

describe('reservable slots', () => {
  it('tells available, full and ended slots apart', () => {
    expect(slotState(slot('a', '2026-03-02T04:00:00Z', 3), now)).toBe('available');
    expect(slotState(slot('b', '2026-03-02T04:00:00Z', 0), now)).toBe('full');
    expect(slotState(slot('c', '2026-03-02T02:00:00Z', 3), now)).toBe('over');
  });

  it('picks the first slot with places left', () => {
    const slots = [
      slot('a', '2026-03-02T02:00:00Z', 3),
      slot('b', '2026-03-02T04:00:00Z', 0),
      slot('c', '2026-03-02T05:00:00Z', 1),
    ];
    expect(firstAvailable(slots, now)?.id).toBe('c');
    expect(firstAvailable(slots.slice(0, 2), now)).toBeUndefined();
  });

  it('finds a confirmed reservation in the campaign only', () => {
    const mine = [
      { id: '1', campaignId: 'x', status: 'cancelled' },
      { id: '2', campaignId: 'x', status: 'confirmed' },
      { id: '3', campaignId: 'y', status: 'confirmed' },
    ] as Reservation[];
    expect(liveIn('x', mine)?.id).toBe('2');
    expect(liveIn('z', mine)).toBeUndefined();
  });
});

describe('slots by day', () => {
  it('groups slots on their Shanghai day', () => {
    const slots = [
      slot('a', '2026-03-02T02:00:00Z', 1),
      { ...slot('b', '2026-03-02T17:00:00Z', 1), startsAt: '2026-03-02T16:30:00Z' },
    ];
    expect(slotsByDay(slots).map((d) => [d.day, d.slots.map((s) => s.id)])).toEqual([
      ['2026-03-02', ['a']],
      ['2026-03-03', ['b']],
    ]);
    expect(dayLabel('2026-03-03', 'zh-CN')).toBe('03/03周二');
  });
});

import { describe, expect, it } from 'vitest';
import { daysBetween, formatDateTime, formatSlot, isCalendarDate, shanghaiToday } from './date-time.ts';

describe('formatDateTime', () => {
  it('shows Asia/Shanghai time whatever the machine zone', () => {
    expect(formatDateTime('2026-01-31T16:30:05Z', 'en-US')).toBe('02/01/2026, 00:30:05');
    expect(formatDateTime('2026-01-31T16:30:05Z', 'zh-CN')).toBe('2026/02/01 00:30:05');
    expect(formatDateTime(null, 'zh-CN')).toBe('');
  });
});

describe('Shanghai calendar dates', () => {
  it('turns the day at midnight in Shanghai, not in UTC', () => {
    expect(shanghaiToday(Date.parse('2026-03-09T15:59:59Z'))).toBe('2026-03-09');
    expect(shanghaiToday(Date.parse('2026-03-09T16:00:00Z'))).toBe('2026-03-10');
  });

  it('counts whole days between dates, across months and backwards', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toBe(3);
    expect(daysBetween('2026-03-02', '2026-02-27')).toBe(-3);
    expect(daysBetween('2026-03-02', '2026-03-02')).toBe(0);
  });

  it('accepts only real calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-3-1')).toBe(false);
    expect(isCalendarDate('')).toBe(false);
  });
});

describe('formatSlot', () => {
  it('shows a slot as a Shanghai day and a time window', () => {
    expect(formatSlot('2026-03-02T01:00:00Z', '2026-03-02T02:00:00Z', 'zh-CN')).toBe('03/02周一 09:00–10:00');
    expect(formatSlot('2026-03-02T01:00:00Z', '2026-03-02T02:00:00Z', 'en-US')).toBe('Mon, 03/02 09:00–10:00');
  });
});

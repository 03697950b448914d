import { describe, expect, it } from 'vitest';
import { shanghaiDate, startOfShanghaiDay } from './time.ts';

describe('calendar days in Asia/Shanghai', () => {
  it('count a late-evening UTC instant as the next day in Beijing', () => {
    expect(shanghaiDate(new Date('2026-11-22T16:30:00Z'))).toBe('2026-11-23');
    expect(shanghaiDate(new Date('2026-11-22T15:59:59Z'))).toBe('2026-11-22');
  });

  it('start the day at Beijing midnight', () => {
    expect(startOfShanghaiDay(new Date('2026-11-22T16:30:00Z')).toISOString()).toBe('2026-11-22T16:00:00.000Z');
  });
});

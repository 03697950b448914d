import { describe, expect, it } from 'vitest';
import { emptySite, generateSlots, leftPercent, shanghaiDatePlus, siteProblems } from './data.ts';

describe('campaign slots', () => {
  it('cuts opening hours into equal slots in Shanghai time, dropping a shorter last piece', () => {
    const slots = generateSlots({
      date: '2026-03-02',
      days: 1,
      opens: '09:00',
      closes: '11:30',
      minutes: 60,
      quota: 20,
    });
    expect(slots).toEqual([
      { startsAt: '2026-03-02T01:00:00.000Z', endsAt: '2026-03-02T02:00:00.000Z', quota: 20 },
      { startsAt: '2026-03-02T02:00:00.000Z', endsAt: '2026-03-02T03:00:00.000Z', quota: 20 },
    ]);
  });

  it('repeats the day plan for each day', () => {
    const slots = generateSlots({
      date: '2026-03-02',
      days: 3,
      opens: '08:00',
      closes: '10:00',
      minutes: 30,
      quota: 5,
    });
    expect(slots).toHaveLength(12);
    expect(slots[4]!.startsAt).toBe('2026-03-03T00:00:00.000Z');
  });

  it('gives no slots for a malformed plan', () => {
    const plan = { date: '2026-03-02', days: 1, opens: '09:00', closes: '17:00', minutes: 60, quota: 10 };
    expect(generateSlots({ ...plan, opens: '9' })).toEqual([]);
    expect(generateSlots({ ...plan, closes: '08:00' })).toEqual([]);
    expect(generateSlots({ ...plan, minutes: 0 })).toEqual([]);
    expect(generateSlots({ ...plan, quota: 0 })).toEqual([]);
  });

  it('names what a site still misses', () => {
    const site = emptySite('420102', '2026-03-02');
    expect(siteProblems(site, '420102')).toEqual(['siteName', 'siteAddress']);
    expect(siteProblems({ ...site, name: '药房', address: '解放大道 1 号', regionCode: '420106' }, '420102')).toEqual([
      'siteOutside',
    ]);
    expect(
      siteProblems(
        { ...site, name: '药房', address: '解放大道 1 号', plan: { ...site.plan, days: 30, minutes: 10 } },
        '4201',
      ),
    ).toEqual(['tooManySlots']);
  });

  it('reads dates and shares', () => {
    expect(shanghaiDatePlus(1, Date.parse('2026-03-01T17:00:00Z'))).toBe('2026-03-03');
    expect(leftPercent(25, 100)).toBe(25);
    expect(leftPercent(0, 0)).toBe(0);
  });
});

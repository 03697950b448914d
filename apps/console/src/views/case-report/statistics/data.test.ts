import { describe, expect, it } from 'vitest';
import { byDistrict, daysFrom, series } from './data.ts';

const stats = {
  from: '2026-11-28',
  to: '2026-11-30',
  districts: [
    { code: '420106', name: '武昌区', level: 'district' as const },
    { code: '420102', name: '江岸区', level: 'district' as const },
  ],
  rows: [
    // 武昌: 2 confirmed before the range, 1 more on the 29th; 江岸: a suspected case confirmed on the 30th.
    {
      day: '2026-11-29',
      district: '420106',
      classification: 'confirmed' as const,
      source: 'local' as const,
      new: 1,
      left: 0,
      cumulative: 3,
      current: 3,
    },
    {
      day: '2026-11-28',
      district: '420102',
      classification: 'suspected' as const,
      source: 'unknown' as const,
      new: 1,
      left: 0,
      cumulative: 1,
      current: 1,
    },
    {
      day: '2026-11-30',
      district: '420102',
      classification: 'suspected' as const,
      source: 'unknown' as const,
      new: 0,
      left: 1,
      cumulative: 1,
      current: 0,
    },
    {
      day: '2026-11-30',
      district: '420102',
      classification: 'confirmed' as const,
      source: 'imported' as const,
      new: 1,
      left: 0,
      cumulative: 1,
      current: 1,
    },
  ],
};

describe('case statistics views', () => {
  it('carries totals over quiet days and counts new cases on their day', () => {
    expect(daysFrom('2026-11-28', '2026-11-30')).toEqual(['2026-11-28', '2026-11-29', '2026-11-30']);
    const { series: s } = series(stats);
    expect(s.get('confirmed')).toEqual({ new: [0, 1, 1], current: [2, 3, 4] });
    expect(s.get('suspected')).toEqual({ new: [1, 0, 0], current: [1, 1, 0] });
  });

  it('lists districts by confirmed cases, with new cases on the last day', () => {
    expect(byDistrict(stats)).toEqual([
      { code: '420106', name: '武昌区', confirmed: 3, asymptomatic: 0, suspected: 0, newToday: 0, imported: 0 },
      { code: '420102', name: '江岸区', confirmed: 1, asymptomatic: 0, suspected: 0, newToday: 1, imported: 1 },
    ]);
  });
});

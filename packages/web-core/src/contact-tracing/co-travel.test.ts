import { describe, expect, it } from 'vitest';
import { coTravelParams, normaliseTravelNumber } from './co-travel.ts';

const today = '2026-03-10';

describe('同程查询 form', () => {
  it('normalises numbers the way people type them', () => {
    expect(normaliseTravelNumber(' g 1234 ')).toBe('G1234');
    expect(normaliseTravelNumber('ｃｚ３４５６')).toBe('CZ3456');
    expect(normaliseTravelNumber('cz\u30003456')).toBe('CZ3456');
  });

  it('builds the query, leaving out an empty carriage', () => {
    expect(coTravelParams({ date: today, number: 'g1234', carriage: '5' }, today)).toEqual({
      ok: true,
      params: { date: today, number: 'G1234', carriage: 5 },
    });
    expect(coTravelParams({ date: '2026-03-01', number: 'CZ 3456', carriage: '' }, today)).toEqual({
      ok: true,
      params: { date: '2026-03-01', number: 'CZ3456' },
    });
    expect(coTravelParams({ date: today, number: '鄂a12345', carriage: null }, today)).toMatchObject({ ok: true });
  });

  it('refuses a future or impossible date, a missing or odd number and a carriage outside 1–30', () => {
    expect(coTravelParams({ date: '2026-03-11', number: '', carriage: '31' }, today)).toEqual({
      ok: false,
      errors: {
        date: 'coTravel.errors.future',
        number: 'coTravel.errors.numberRequired',
        carriage: 'coTravel.errors.carriage',
      },
    });
    expect(coTravelParams({ date: '2026-02-30', number: 'G12#4', carriage: '0' }, today)).toEqual({
      ok: false,
      errors: { date: 'coTravel.errors.date', number: 'coTravel.errors.number', carriage: 'coTravel.errors.carriage' },
    });
    expect(coTravelParams({ date: today, number: 'G1234', carriage: '2.5' }, today)).toMatchObject({
      errors: { carriage: 'coTravel.errors.carriage' },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { idempotencyKeys, observationProgress, parseTemperature, stepTemperature, validateCheck } from './data.ts';

describe('observation period', () => {
  it('counts the day and the days after today, the last day included in the period', () => {
    expect(observationProgress('2026-03-01', '2026-03-15', '2026-03-01')).toEqual({
      day: 1,
      total: 15,
      left: 14,
      within: true,
    });
    expect(observationProgress('2026-02-25', '2026-03-11', '2026-03-02')).toMatchObject({ day: 6, total: 15, left: 9 });
    expect(observationProgress('2026-03-01', '2026-03-15', '2026-03-15')).toMatchObject({ day: 15, left: 0 });
  });

  it('says so when today is outside the period', () => {
    expect(observationProgress('2026-03-01', '2026-03-15', '2026-03-16')).toMatchObject({ left: 0, within: false });
    expect(observationProgress('2026-03-02', '2026-03-15', '2026-03-01')).toMatchObject({ day: 0, within: false });
  });
});

describe('temperature entry', () => {
  it('steps by tenths without floating-point drift and stays within 34–43 °C', () => {
    expect(stepTemperature(36.5, 1)).toBe(36.6);
    expect(stepTemperature(36.6, -1)).toBe(36.5);
    expect(stepTemperature(37.2, 1)).toBe(37.3);
    expect(stepTemperature(42.9, 5)).toBe(43);
    expect(stepTemperature(34, -1)).toBe(34);
    expect(stepTemperature(Number.NaN, 1)).toBe(36.6);
  });

  it('reads what a phone keyboard types: full-width digits, a decimal comma, stray spaces', () => {
    expect(parseTemperature('３６．８')).toBe(36.8);
    expect(parseTemperature('37,2')).toBe(37.2);
    expect(parseTemperature(' 36.5 ')).toBe(36.5);
    expect(parseTemperature('36.55')).toBeNaN();
    expect(parseTemperature('')).toBeNaN();
    expect(stepTemperature('３６．８', 1)).toBe(36.9);
  });

  it('names a temperature the server would refuse', () => {
    expect(validateCheck({ temperature: 36.8 })).toEqual({});
    expect(validateCheck({ temperature: '37.5' })).toEqual({});
    expect(validateCheck({ temperature: '３７．５' })).toEqual({});
    for (const bad of [33.9, 43.1, '', 'abc'])
      expect(validateCheck({ temperature: bad })).toEqual({ temperature: 'observation.errors.temperature' });
  });
});

describe('Idempotency-Key', () => {
  it('repeats the key for the same body until the send settles, and changes it for a new body', () => {
    let n = 0;
    const keys = idempotencyKeys(() => `k${++n}`);
    const body = { temperature: 36.6, symptoms: [] };
    expect(keys.keyFor(body)).toBe('k1');
    expect(keys.keyFor({ ...body })).toBe('k1');
    expect(keys.keyFor({ ...body, temperature: 36.7 })).toBe('k2');
    keys.settled();
    expect(keys.keyFor({ ...body, temperature: 36.7 })).toBe('k3');
  });

  it('makes random keys the server accepts', () => {
    const a = idempotencyKeys().keyFor({});
    const b = idempotencyKeys().keyFor({});
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });
});

import { describe, expect, it } from 'vitest';
import { exposureText, fromLocalInput, shortTime, taskExposureText, toLocalInput } from './data.ts';

const t = (key: string, v: Record<string, unknown> = {}) => `${key}${JSON.stringify(v)}`;
const base = { via: null, seatDistance: null, minutes: null, to: '2026-11-28T07:00:00.000Z' };

describe('exposure reasons', () => {
  it('says where, when in Beijing time, and how long', () => {
    expect(shortTime('2026-11-28T06:05:00.000Z')).toBe('11-28 14:05');
    expect(
      exposureText({ ...base, kind: 'place', label: '中南路超市', from: '2026-11-28T06:05:00.000Z', minutes: 40 }, t),
    ).toBe('tracing.exposure.place{"label":"中南路超市","time":"11-28 14:05","minutes":40}');
  });

  it('adds the seat distance on a vehicle only when known', () => {
    const flight = { ...base, kind: 'flight' as const, label: 'CZ3456 20C', from: '2026-11-27T16:00:00.000Z' };
    expect(exposureText({ ...flight, seatDistance: 1 }, t)).toBe(
      'tracing.exposure.flight{"label":"CZ3456 20C","date":"11-28"}tracing.exposure.seat{"n":1}',
    );
    expect(exposureText(flight, t)).toBe('tracing.exposure.flight{"label":"CZ3456 20C","date":"11-28"}');
  });

  it('says less when less is known (a follow-up task)', () => {
    expect(taskExposureText({ kind: 'place', label: '超市', at: '2026-11-28T06:05:00.000Z' }, t)).toBe(
      'tracing.exposure.placeAt{"label":"超市","time":"11-28 14:05"}',
    );
    expect(taskExposureText({ kind: 'secondary', label: '超市', at: '2026-11-28T06:05:00.000Z' }, t)).toBe(
      'tracing.exposure.secondaryAt{"label":"超市","time":"11-28 14:05"}',
    );
  });

  it('names the close contact a secondary contact met', () => {
    expect(
      exposureText({ ...base, kind: 'secondary', label: '超市', via: '密*乙', from: '2026-11-28T06:05:00.000Z' }, t),
    ).toBe('tracing.exposure.secondary{"via":"密*乙","label":"超市","time":"11-28 14:05"}');
  });

  it('reads and writes form times in Beijing time', () => {
    expect(fromLocalInput('2026-11-28T14:05')).toBe('2026-11-28T06:05:00.000Z');
    expect(toLocalInput(Date.parse('2026-11-28T06:05:00.000Z'))).toBe('2026-11-28T14:05');
  });
});

import { describe, expect, it } from 'vitest';
import { shanghaiDate, validateDeclaration } from './data.ts';

describe('declaration form checks', () => {
  const ok = {
    measured: true,
    temperature: 36.6,
    visited: [{ regionCode: '420106', date: shanghaiDate(2) }],
    consent: true,
  };

  it('accept a complete declaration', () => {
    expect(validateDeclaration(ok)).toEqual({});
  });

  it('name each problem the server would refuse', () => {
    expect(
      validateDeclaration({
        measured: true,
        temperature: 45,
        visited: [
          { regionCode: '', date: shanghaiDate(20) },
          { regionCode: '420102', date: shanghaiDate(-1) },
        ],
        consent: false,
      }),
    ).toEqual({
      temperature: 'health.declare.errors.temperature',
      'visited.0.regionCode': 'health.declare.errors.region',
      'visited.0.date': 'health.declare.errors.date',
      'visited.1.date': 'health.declare.errors.date',
      consent: 'health.declare.errors.consent',
    });
  });

  it('ignore the temperature when none was taken', () => {
    expect(validateDeclaration({ ...ok, measured: false, temperature: 0 })).toEqual({});
  });
});

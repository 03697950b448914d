import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone } from './mask.ts';
import { idNumberCheckChar, parseCreditCode, parseIdNumber, parsePhone } from './identifiers.ts';

const today = new Date('2026-03-01T00:00:00Z');

describe('parseIdNumber (GB 11643)', () => {
  it('accepts the standard example with X as check character, in either case', () => {
    for (const raw of ['11010519491231002X', '11010519491231002x', ' 11010519491231002X ']) {
      const r = parseIdNumber(raw, today);
      expect(r).toEqual({
        ok: true,
        value: { normalized: '11010519491231002X', birthDate: '1949-12-31', gender: 'female', regionCode: '110105' },
      });
    }
  });

  it('reads gender from the odd or even sequence digit and accepts a Hubei number', () => {
    const r = parseIdNumber('420102198506152136', today);
    expect(r.ok && r.value).toMatchObject({ birthDate: '1985-06-15', gender: 'male', regionCode: '420102' });
  });

  it('computes the MOD 11-2 check character', () => {
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(idNumberCheckChar('44030819990101123')).toBe('4');
  });

  it.each([
    ['too short', '4201021985061521', 'id_number.format'],
    ['too long', '4201021985061521361', 'id_number.format'],
    ['letter inside', '42010219850615A136', 'id_number.format'],
    ['X not last', '4201021985061521X6', 'id_number.format'],
    ['15-digit first generation', '420102850615213', 'id_number.format'],
    ['unknown province 99', withCheck('99010219850615213'), 'id_number.region'],
    ['province 00', withCheck('00010219850615213'), 'id_number.region'],
    ['province only (0000 below)', withCheck('42000019850615213'), 'id_number.region'],
    ['30 February', withCheck('42010219900230213'), 'id_number.birth_date'],
    ['month 13', withCheck('42010219901301213'), 'id_number.birth_date'],
    ['day 00', withCheck('42010219900100213'), 'id_number.birth_date'],
    ['29 Feb of a non-leap year', withCheck('42010220230229213'), 'id_number.birth_date'],
    ['born tomorrow', withCheck('42010220260302213'), 'id_number.birth_date'],
    ['before 1900', withCheck('42010218991231213'), 'id_number.birth_date'],
    ['wrong check digit', '420102198506152137', 'id_number.checksum'],
    ['X where a digit belongs', '42010219850615213X', 'id_number.checksum'],
  ])('rejects %s with its code', (_, raw, code) => {
    expect(parseIdNumber(raw, today)).toEqual({ ok: false, code });
  });

  it('accepts 29 February of a leap year and a birth date of today', () => {
    expect(parseIdNumber(withCheck('42010220000229213'), today).ok).toBe(true);
    expect(parseIdNumber(withCheck('42010220260301213'), today).ok).toBe(true);
  });

  it('keeps historical district codes valid: only the province is checked', () => {
    // 420101 is not a current district of Wuhan, but ID numbers issued there are valid for life.
    expect(parseIdNumber(withCheck('42010119800101213'), today).ok).toBe(true);
  });
});

describe('parsePhone', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['19912345678', '19912345678'],
  ])('accepts %s', (raw, phone) => expect(parsePhone(raw)).toBe(phone));

  it.each(['12800138000', '1380013800', '138001380001', '02788886666', '1380013800a', '', '+1 4155550100'])(
    'rejects %s',
    (raw) => expect(parsePhone(raw)).toBeNull(),
  );
});

describe('parseCreditCode (GB 32100)', () => {
  it.each(['91350100M000100Y43', '91110000600037341L', '91440300708461136T', '91440300708461136t'])(
    'accepts %s',
    (raw) => {
      expect(parseCreditCode(raw)).toEqual({ ok: true, value: raw.toUpperCase() });
    },
  );

  it('rejects a mutated code by its check character', () => {
    expect(parseCreditCode('91350100M000100Y44')).toEqual({ ok: false, code: 'credit_code.checksum' });
    expect(parseCreditCode('91350100M000200Y43')).toEqual({ ok: false, code: 'credit_code.checksum' });
  });

  it.each([
    '91350100M000100Y4',
    '91350100M000100Y433',
    '91350100I000100Y43',
    '91350100O000100Y43',
    '91350100M0001-0Y43',
  ])('rejects %s by format (length or letters I, O, S, V, Z)', (raw) =>
    expect(parseCreditCode(raw)).toEqual({ ok: false, code: 'credit_code.format' }),
  );
});

describe('masking', () => {
  it('masks an ID number to region and last four', () => {
    expect(maskIdNumber('420105199003071234')).toBe('420105********1234');
    expect(maskIdNumber('12345')).toBe('*****');
  });
  it('masks a phone to prefix and last four', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('12345')).toBe('*****');
  });
  it('masks names keeping the family name (and the last character from three on)', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('张小三')).toBe('张*三');
    expect(maskName('欧阳春华')).toBe('欧**华');
    expect(maskName('王')).toBe('*');
    expect(maskName('Alice')).toBe('A***e');
  });
  it('never returns the full value', () => {
    for (const v of ['420105199003071234', '13812345678']) {
      expect(maskIdNumber(v)).not.toBe(v);
      expect(maskPhone(v)).not.toContain(v.slice(3, 7));
    }
  });
});

function withCheck(first17: string) {
  return first17 + idNumberCheckChar(first17);
}

import { describe, expect, it } from 'vitest';
import { isIdNumber, refusalOf } from './data.ts';

describe('redeem refusals', () => {
  it('names each refusal the server can give', () => {
    expect(refusalOf({ code: 'pickup.already_redeemed', errors: [] })).toBe('already');
    expect(refusalOf({ code: 'pickup.other_site', errors: [] })).toBe('otherSite');
    expect(refusalOf({ code: 'pickup.expired', errors: [] })).toBe('expired');
    expect(refusalOf({ code: 'reservation.cancelled', errors: [] })).toBe('cancelled');
    expect(refusalOf({ code: 'request.invalid', errors: [{ code: 'pickup.invalid' }] })).toBe('invalid');
    expect(refusalOf({ code: 'request.invalid', errors: [{ code: 'reservation.site_not_found' }] })).toBe('site');
    expect(refusalOf({ code: 'server.unavailable', errors: [] })).toBe('other');
    expect(refusalOf({ code: 'pickup.none_for_person', errors: [] })).toBe('invalid');
  });

  it('tells an ID card number from a pickup code', () => {
    expect(isIdNumber(' 42010219400302208X ')).toBe(true);
    expect(isIdNumber('420102194003022081')).toBe(true);
    expect(isIdNumber('ZT1:6BFOXN*TS0BI$ZD.')).toBe(false);
    expect(isIdNumber('4201021940030220')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { refusalOf } from './data.ts';

describe('redeem refusals', () => {
  it('names each refusal the server can give', () => {
    expect(refusalOf({ code: 'pickup.already_redeemed', errors: [] })).toBe('already');
    expect(refusalOf({ code: 'pickup.other_site', errors: [] })).toBe('otherSite');
    expect(refusalOf({ code: 'pickup.expired', errors: [] })).toBe('expired');
    expect(refusalOf({ code: 'reservation.cancelled', errors: [] })).toBe('cancelled');
    expect(refusalOf({ code: 'request.invalid', errors: [{ code: 'pickup.invalid' }] })).toBe('invalid');
    expect(refusalOf({ code: 'request.invalid', errors: [{ code: 'reservation.site_not_found' }] })).toBe('site');
    expect(refusalOf({ code: 'server.unavailable', errors: [] })).toBe('other');
  });
});

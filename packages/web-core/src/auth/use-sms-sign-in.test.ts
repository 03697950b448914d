import { describe, expect, it } from 'vitest';
import { isMainlandMobile, redirectTarget } from './use-sms-sign-in.ts';

describe('isMainlandMobile', () => {
  it('accepts 11-digit numbers starting 13–19, ignoring surrounding spaces', () => {
    expect(isMainlandMobile(' 13800138000 ')).toBe(true);
    expect(isMainlandMobile('19912345678')).toBe(true);
    expect(isMainlandMobile('12800138000')).toBe(false);
    expect(isMainlandMobile('1380013800')).toBe(false);
  });
});

describe('redirectTarget', () => {
  it('follows a path redirect and falls back otherwise', () => {
    expect(redirectTarget({ redirect: '/profile' }, '/')).toBe('/profile');
    expect(redirectTarget({}, '/account')).toBe('/account');
    expect(redirectTarget({ redirect: 'https://example.com' }, '/')).toBe('/');
    expect(redirectTarget({ redirect: ['/a', '/b'] }, '/')).toBe('/');
  });
});

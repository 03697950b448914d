import { describe, expect, it } from 'vitest';
import { emptyAccount, validateAccount } from './data.ts';

describe('account form', () => {
  it('validates a new account', () => {
    expect(validateAccount(emptyAccount(), true)).toEqual({
      username: 'accounts.errors.username',
      displayName: 'accounts.errors.displayName',
      password: 'accounts.errors.password',
      roles: 'accounts.errors.roles',
      jurisdictionCode: 'accounts.errors.jurisdiction',
    });
    const ok = {
      ...emptyAccount(),
      username: 'wang.li',
      displayName: '王力',
      password: 'Sturdy-pass-1',
      roles: ['cdc' as const],
      jurisdictionCode: '420102',
    };
    expect(validateAccount(ok, true)).toEqual({});
    expect(validateAccount({ ...ok, password: 'short1' }, true)).toHaveProperty('password');
    expect(validateAccount({ ...ok, password: 'longpasswordnodigits' }, true)).toHaveProperty('password');
  });

  it('does not ask for username or password when editing', () => {
    const edit = { ...emptyAccount(), displayName: '王力', roles: ['cdc' as const], jurisdictionCode: '420102' };
    expect(validateAccount(edit, false)).toEqual({});
  });
});

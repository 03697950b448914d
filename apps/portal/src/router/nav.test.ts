import { staffRoles } from '@zhengtong/contracts';
import { filterNav } from '@zhengtong/web-core';
import { describe, expect, it } from 'vitest';
import { nav } from './nav.ts';

const keys = (user: { roles: string[]; permissions: string[] } | null) => filterNav(nav, user).map((n) => n.key);

describe('portal navigation', () => {
  it('depends on who is signed in', () => {
    expect(keys(null)).toEqual(['home', 'coTravel', 'donations', 'supply']);
    expect(keys({ roles: ['resident'], permissions: [] })).toEqual([
      'home',
      'coTravel',
      'donations',
      'supply',
      'account',
      'resident',
    ]);
    expect(keys({ roles: ['cdc'], permissions: ['regions.read'] })).toEqual([
      'home',
      'coTravel',
      'donations',
      'supply',
      'account',
      'console',
    ]);
  });

  it('offers the console to every staff role', () => {
    for (const role of staffRoles) expect(keys({ roles: [role], permissions: [] })).toContain('console');
  });
});

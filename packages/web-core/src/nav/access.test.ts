import { describe, expect, it } from 'vitest';
import { canAccess, filterNav, type NavItem } from './access.ts';

const admin = {
  roles: ['admin'],
  permissions: ['staff.manage', 'regions.read', 'residents.read', 'audit.read', 'tokens.manage'],
};
const cdc = { roles: ['cdc'], permissions: ['regions.read', 'residents.read'] };
const resident = { roles: ['resident'], permissions: [] };

const menu: NavItem[] = [
  { key: 'home', requires: { signedIn: true } },
  { key: 'regions', requires: { permissions: ['regions.read'] } },
  { key: 'audit', requires: { permissions: ['audit.read'] } },
  { key: 'profile', requires: { anyRole: ['resident'] } },
  {
    key: 'admin',
    children: [
      { key: 'accounts', requires: { permissions: ['staff.manage'] } },
      { key: 'tokens', requires: { permissions: ['tokens.manage'] } },
    ],
  },
  { key: 'about' },
];

describe('filterNav', () => {
  it('keeps only what each role may use', () => {
    expect(filterNav(menu, admin).map((i) => i.key)).toEqual(['home', 'regions', 'audit', 'admin', 'about']);
    expect(filterNav(menu, cdc).map((i) => i.key)).toEqual(['home', 'regions', 'about']);
    expect(filterNav(menu, resident).map((i) => i.key)).toEqual(['home', 'profile', 'about']);
    expect(filterNav(menu, null).map((i) => i.key)).toEqual(['about']);
  });

  it('filters children and keeps their parent only when one remains', () => {
    const onlyTokens = { roles: ['x'], permissions: ['tokens.manage'] };
    const group = filterNav(menu, onlyTokens).find((i) => i.key === 'admin');
    expect(group?.children?.map((c) => c.key)).toEqual(['tokens']);
  });
});

describe('canAccess', () => {
  it('needs every listed permission and any listed role', () => {
    expect(canAccess({ permissions: ['regions.read', 'audit.read'] }, cdc)).toBe(false);
    expect(canAccess({ permissions: ['regions.read', 'residents.read'] }, cdc)).toBe(true);
    expect(canAccess({ anyRole: ['admin', 'cdc'] }, cdc)).toBe(true);
    expect(canAccess({ anyRole: ['admin'] }, cdc)).toBe(false);
    expect(canAccess({ signedIn: true }, null)).toBe(false);
    expect(canAccess(undefined, null)).toBe(true);
  });
});

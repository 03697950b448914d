import { filterNav } from '@zhengtong/web-core';
import { describe, expect, it } from 'vitest';
import { homeEntries } from './data.ts';

describe('resident home entries', () => {
  it('shows the health code first and personal pages only to residents, nothing to visitors', () => {
    const resident = { roles: ['resident'], permissions: [] };
    const staff = { roles: ['cdc'], permissions: ['regions.read'] };
    expect(filterNav(homeEntries, resident).map((e) => e.key)).toEqual([
      'healthCode',
      'declare',
      'reserve',
      'supply',
      'family',
      'checkIns',
      'coTravel',
      'myPlaces',
      'myData',
      'profile',
      'language',
      'elder',
      'signOut',
    ]);
    expect(filterNav(homeEntries, staff).map((e) => e.key)).toEqual(['language', 'elder', 'signOut']);
    expect(filterNav(homeEntries, null)).toEqual([]);
  });

  it('keeps fewer entries in elder mode', () => {
    const elder = homeEntries.filter((e) => e.elder);
    expect(elder.length).toBeLessThan(homeEntries.length);
    expect(elder.map((e) => e.key)).toContain('profile');
    expect(elder.map((e) => e.key)).toContain('coTravel');
    expect(elder.map((e) => e.key)).toContain('reserve');
  });
});

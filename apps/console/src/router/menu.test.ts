import { permissionsOf, type Role } from '@zhengtong/contracts';
import { filterNav } from '@zhengtong/web-core';
import { describe, expect, it } from 'vitest';
import { menu } from './menu.ts';

const keysFor = (...roles: Role[]) => filterNav(menu, { roles, permissions: permissionsOf(roles) }).map((m) => m.key);

describe('console menu', () => {
  it('gives admins every page', () => {
    expect(keysFor('admin')).toEqual(menu.map((m) => m.key));
  });

  it('follows each role’s permissions', () => {
    expect(keysFor('data_steward')).toEqual([
      'home',
      'residents',
      'regions',
      'statistics',
      'purges',
      'audit',
      'security',
    ]);
    expect(keysFor('leader')).toEqual(['home', 'regions', 'statistics', 'security']);
    expect(keysFor('cdc')).toEqual([
      'home',
      'residents',
      'regions',
      'cases',
      'statistics',
      'chains',
      'contacts',
      'tasks',
      'imports',
      'verifier',
      'rules',
      'overrides',
      'security',
    ]);
    expect(keysFor('grid_worker')).toEqual([
      'home',
      'residents',
      'regions',
      'tasks',
      'reservationAssist',
      'places',
      'verifier',
      'security',
    ]);
    expect(keysFor('department_officer')).toEqual([
      'home',
      'residents',
      'regions',
      'imports',
      'reservationCampaigns',
      'reservationAssist',
      'suppliesStock',
      'suppliesRequests',
      'suppliesTransfers',
      'suppliesMatching',
      'suppliesDonations',
      'suppliesCatalogue',
      'security',
    ]);
    expect(keysFor('enterprise')).toEqual(['home', 'regions', 'suppliesMatching', 'security']);
    expect(keysFor('venue_staff')).toEqual(['home', 'regions', 'reservationRedeem', 'places', 'verifier', 'security']);
  });

  it('shows nothing when signed out', () => {
    expect(filterNav(menu, null)).toEqual([]);
  });
});

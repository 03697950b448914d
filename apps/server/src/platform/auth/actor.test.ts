import { describe, expect, it } from 'vitest';
import { permissionsOf } from '@zhengtong/contracts';
import { can, regionWithin, systemActor, type Actor } from './actor.ts';

const staff = (roles: Actor['roles'], jurisdiction: string | null): Actor => ({
  kind: 'staff',
  id: 's',
  label: 's',
  roles,
  permissions: permissionsOf(roles),
  jurisdiction,
  residentId: null,
});

describe('regionWithin', () => {
  it('contains a region, its streets, communities and grids, and nothing beside it', () => {
    expect(regionWithin('420102', '420102')).toBe(true);
    expect(regionWithin('420102002001001', '420102')).toBe(true);
    expect(regionWithin('420102', '4201')).toBe(true);
    expect(regionWithin('420106', '420102')).toBe(false);
    expect(regionWithin('4201', '420102')).toBe(false);
    expect(regionWithin('420102002001002', '420102002001001')).toBe(false);
  });
});

describe('can', () => {
  it('needs both the permission and the region inside the jurisdiction', () => {
    const officer = staff(['department_officer'], '420102');
    expect(can(officer, 'residents.read', '420102003')).toBe(true);
    expect(can(officer, 'residents.read', '420106')).toBe(false);
    expect(can(officer, 'residents.write', '420102')).toBe(false);
    expect(can(officer, 'audit.read', null)).toBe(false);
  });

  it('lets a city-level role reach every district of its city and no other city', () => {
    const cdc = staff(['cdc'], '4201');
    expect(can(cdc, 'residents.read', '420102')).toBe(true);
    expect(can(cdc, 'residents.read', '420106001')).toBe(true);
    expect(can(cdc, 'residents.read', '420200')).toBe(false);
  });

  it('keeps a grid worker to its grid', () => {
    const grid = staff(['grid_worker'], '420102002001001');
    expect(can(grid, 'residents.write', '420102002001001')).toBe(true);
    expect(can(grid, 'residents.write', '420102002001002')).toBe(false);
    expect(can(grid, 'residents.read', '420102')).toBe(false);
  });

  it('refuses roles without the permission anywhere', () => {
    for (const role of ['venue_staff', 'enterprise', 'leader'] as const)
      expect(can(staff([role], '4201'), 'residents.read', '420102'), role).toBe(false);
  });

  it('refuses an actor without jurisdiction for regional resources', () => {
    const odd = staff(['cdc'], null);
    expect(can(odd, 'residents.read', '420102')).toBe(false);
    expect(can(odd, 'residents.read', null)).toBe(true);
  });

  it('allows the platform itself everything', () => {
    expect(can(systemActor('job'), 'staff.manage', '110105')).toBe(true);
  });
});

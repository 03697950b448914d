/** Roles of GB/T-bound accounts; resident is the only role without a staff jurisdiction. */
export const roles = [
  'resident',
  'venue_staff',
  'medical_staff',
  'cdc',
  'grid_worker',
  'enterprise',
  'department_officer',
  'leader',
  'data_steward',
  'admin',
] as const;
export type Role = (typeof roles)[number];
export const staffRoles = roles.filter((r) => r !== 'resident') as Exclude<Role, 'resident'>[];

export const permissions = [
  'staff.manage',
  'regions.read',
  'residents.read',
  'residents.write',
  'residents.reveal',
  'audit.read',
  'tokens.manage',
  'credentials.manage',
  'health.verify',
  'health.rules',
  'health.override',
  'health.proxy',
  'places.manage',
  'cases.report',
  'cases.read',
  'cases.stats',
  'cases.merge',
  'cases.export',
  'tracing.investigate',
  'tracing.import',
  'community.tasks',
  'reservations.manage',
  'reservations.redeem',
  'reservations.assist',
  'supplies.manage',
  'supplies.request',
  'supplies.match',
] as const;
export type Permission = (typeof permissions)[number];

/** What each role may do; jurisdiction limits where. */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  resident: [],
  venue_staff: ['regions.read', 'places.manage', 'health.verify', 'reservations.redeem'],
  medical_staff: [
    'regions.read',
    'residents.read',
    'residents.reveal',
    'health.verify',
    'cases.report',
    'cases.read',
    'supplies.request',
    'supplies.match',
  ],
  cdc: [
    'regions.read',
    'residents.read',
    'residents.reveal',
    'health.verify',
    'health.rules',
    'health.override',
    'cases.report',
    'cases.read',
    'cases.stats',
    'cases.merge',
    'cases.export',
    'tracing.investigate',
    'tracing.import',
    'community.tasks',
  ],
  grid_worker: [
    'regions.read',
    'residents.read',
    'residents.write',
    'residents.reveal',
    'health.verify',
    'health.proxy',
    'places.manage',
    'community.tasks',
    'reservations.assist',
  ],
  enterprise: ['regions.read', 'supplies.match'],
  department_officer: [
    'regions.read',
    'residents.read',
    'tracing.import',
    'reservations.manage',
    'reservations.assist',
    'supplies.manage',
    'supplies.match',
  ],
  leader: ['regions.read', 'cases.stats'],
  data_steward: ['regions.read', 'residents.read', 'audit.read', 'cases.stats'],
  admin: [...permissions],
};

export function permissionsOf(list: readonly Role[]): Permission[] {
  return [...new Set(list.flatMap((r) => rolePermissions[r]))].sort();
}

import type { Permission, Role } from '@zhengtong/contracts';

/** Who is acting: a signed-in person, a machine client, or the platform itself. */
export interface Actor {
  kind: 'staff' | 'resident' | 'token' | 'system';
  id: string;
  /** Shown in the audit log; never personal data of a resident. */
  label: string;
  roles: readonly Role[];
  permissions: readonly Permission[];
  /** Region or grid code the actor is bound to; null for residents and system. */
  jurisdiction: string | null;
  /** For residents: their own resident record. */
  residentId: string | null;
}

export const systemActor = (label: string): Actor => ({
  kind: 'system',
  id: 'system',
  label,
  roles: [],
  permissions: [],
  jurisdiction: null,
  residentId: null,
});

/** Region codes are hierarchical prefixes (2/4/6/9/12/15 digits), so containment is a prefix test. */
export function regionWithin(regionCode: string, jurisdiction: string): boolean {
  return regionCode.startsWith(jurisdiction);
}

/**
 * The single permission check: may this actor do `permission` on a resource in `resourceRegion`?
 * Callers answer 404 (not 403) on false for reads, so records outside a jurisdiction stay invisible.
 */
export function can(actor: Actor, permission: Permission, resourceRegion: string | null): boolean {
  if (actor.kind === 'system') return true;
  if (!actor.permissions.includes(permission)) return false;
  if (resourceRegion === null) return true;
  return actor.jurisdiction !== null && regionWithin(resourceRegion, actor.jurisdiction);
}

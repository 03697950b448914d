/** What a route or menu entry needs; all given conditions must hold. */
export interface Requirement {
  signedIn?: boolean;
  /** At least one of these roles. */
  anyRole?: readonly string[];
  /** Every one of these permissions. */
  permissions?: readonly string[];
}

export interface Principal {
  roles: readonly string[];
  permissions: readonly string[];
}

export interface NavItem {
  key: string;
  requires?: Requirement;
  children?: NavItem[];
}

/** Whether `user` (null when signed out) meets `req`. */
export function canAccess(req: Requirement | undefined, user: Principal | null): boolean {
  if (!req) return true;
  const needsUser = req.signedIn || req.anyRole?.length || req.permissions?.length;
  if (needsUser && !user) return false;
  if (!user) return true;
  if (req.anyRole?.length && !req.anyRole.some((r) => user.roles.includes(r))) return false;
  if (req.permissions?.length && !req.permissions.every((p) => user.permissions.includes(p))) return false;
  return true;
}

/** Keeps the entries `user` may use; a group stays only while one of its children does. */
export function filterNav<T extends NavItem>(items: readonly T[], user: Principal | null): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (!canAccess(item.requires, user)) continue;
    if (item.children) {
      const children = filterNav(item.children, user);
      if (children.length === 0) continue;
      out.push({ ...item, children });
    } else out.push(item);
  }
  return out;
}

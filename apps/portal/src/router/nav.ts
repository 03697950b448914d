import { staffRoles } from '@zhengtong/contracts/permissions';
import type { NavItem } from '@zhengtong/web-core';

/** Header navigation: `to` is a route name inside the portal, `href` a link to another app. */
export interface PortalNavItem extends NavItem {
  label: string;
  to?: string;
  href?: string;
}

export const nav: PortalNavItem[] = [
  { key: 'home', label: 'nav.home', to: 'home' },
  { key: 'coTravel', label: 'nav.coTravel', to: 'co-travel' },
  { key: 'donations', label: 'nav.donations', to: 'donations' },
  { key: 'supply', label: 'nav.supply', to: 'supply' },
  { key: 'account', label: 'nav.account', to: 'account', requires: { signedIn: true } },
  { key: 'resident', label: 'nav.resident', href: '/m/', requires: { anyRole: ['resident'] } },
  { key: 'console', label: 'nav.console', href: '/console/', requires: { anyRole: staffRoles } },
];

import { rolePermissions, roles } from '@zhengtong/contracts/permissions';
import type { NavItem } from '@zhengtong/web-core';

/** A side-menu entry: `route` is the route name, `label` an i18n key, `icon` an Element Plus icon name. */
export type MenuIcon =
  | 'House'
  | 'Search'
  | 'Location'
  | 'User'
  | 'Key'
  | 'Document'
  | 'Lock'
  | 'Shop'
  | 'Camera'
  | 'Operation'
  | 'Stamp'
  | 'Connection'
  | 'Delete'
  | 'FirstAidKit'
  | 'Share'
  | 'List'
  | 'Histogram'
  | 'TrendCharts'
  | 'Upload'
  | 'Calendar'
  | 'Tickets'
  | 'Phone'
  | 'Box'
  | 'Goods'
  | 'Van'
  | 'Present'
  | 'EditPen';

export interface MenuItem extends NavItem {
  route: string;
  label: string;
  icon: MenuIcon;
}

/** Roles that see stock, requests and transfers: those who manage supplies or request them. */
export const suppliesRoles = roles.filter((r) =>
  rolePermissions[r].some((p) => p === 'supplies.manage' || p === 'supplies.request'),
);

export const menu: MenuItem[] = [
  { key: 'home', route: 'home', label: 'menu.home', icon: 'House', requires: { signedIn: true } },
  {
    key: 'residents',
    route: 'residents',
    label: 'menu.residents',
    icon: 'Search',
    requires: { permissions: ['residents.read'] },
  },
  {
    key: 'regions',
    route: 'regions',
    label: 'menu.regions',
    icon: 'Location',
    requires: { permissions: ['regions.read'] },
  },
  {
    key: 'accounts',
    route: 'accounts',
    label: 'menu.accounts',
    icon: 'User',
    requires: { permissions: ['staff.manage'] },
  },
  {
    key: 'tokens',
    route: 'api-tokens',
    label: 'menu.tokens',
    icon: 'Key',
    requires: { permissions: ['tokens.manage'] },
  },
  { key: 'cases', route: 'cases', label: 'menu.cases', icon: 'FirstAidKit', requires: { permissions: ['cases.read'] } },
  {
    key: 'statistics',
    route: 'statistics',
    label: 'menu.statistics',
    icon: 'TrendCharts',
    requires: { permissions: ['cases.stats'] },
  },
  {
    key: 'chains',
    route: 'chains',
    label: 'menu.chains',
    icon: 'Histogram',
    requires: { permissions: ['tracing.investigate'] },
  },
  {
    key: 'contacts',
    route: 'contacts',
    label: 'menu.contacts',
    icon: 'Share',
    requires: { permissions: ['tracing.investigate'] },
  },
  { key: 'tasks', route: 'tasks', label: 'menu.tasks', icon: 'List', requires: { permissions: ['community.tasks'] } },
  {
    key: 'imports',
    route: 'imports',
    label: 'menu.imports',
    icon: 'Upload',
    requires: { permissions: ['tracing.import'] },
  },
  {
    key: 'reservationCampaigns',
    route: 'reservation-campaigns',
    label: 'menu.reservationCampaigns',
    icon: 'Calendar',
    requires: { permissions: ['reservations.manage'] },
  },
  {
    key: 'reservationAssist',
    route: 'reservation-assist',
    label: 'menu.reservationAssist',
    icon: 'Phone',
    requires: { permissions: ['reservations.assist'] },
  },
  {
    key: 'reservationRedeem',
    route: 'reservation-redeem',
    label: 'menu.reservationRedeem',
    icon: 'Tickets',
    requires: { permissions: ['reservations.redeem'] },
  },
  {
    key: 'suppliesStock',
    route: 'supplies-stock',
    label: 'menu.suppliesStock',
    icon: 'Box',
    requires: { anyRole: suppliesRoles },
  },
  {
    key: 'suppliesRequests',
    route: 'supplies-requests',
    label: 'menu.suppliesRequests',
    icon: 'EditPen',
    requires: { anyRole: suppliesRoles },
  },
  {
    key: 'suppliesTransfers',
    route: 'supplies-transfers',
    label: 'menu.suppliesTransfers',
    icon: 'Van',
    requires: { anyRole: suppliesRoles },
  },
  {
    key: 'suppliesMatching',
    route: 'supplies-matching',
    label: 'menu.suppliesMatching',
    icon: 'Connection',
    requires: { permissions: ['supplies.match'] },
  },
  {
    key: 'suppliesDonations',
    route: 'supplies-donations',
    label: 'menu.suppliesDonations',
    icon: 'Present',
    requires: { permissions: ['supplies.manage'] },
  },
  {
    key: 'suppliesCatalogue',
    route: 'supplies-catalogue',
    label: 'menu.suppliesCatalogue',
    icon: 'Goods',
    requires: { permissions: ['supplies.manage'] },
  },
  { key: 'places', route: 'places', label: 'menu.places', icon: 'Shop', requires: { permissions: ['places.manage'] } },
  {
    key: 'verifier',
    route: 'verifier',
    label: 'menu.verifier',
    icon: 'Camera',
    requires: { permissions: ['health.verify'] },
  },
  { key: 'rules', route: 'rules', label: 'menu.rules', icon: 'Operation', requires: { permissions: ['health.rules'] } },
  {
    key: 'overrides',
    route: 'overrides',
    label: 'menu.overrides',
    icon: 'Stamp',
    requires: { permissions: ['health.override'] },
  },
  {
    key: 'keys',
    route: 'keys',
    label: 'menu.keys',
    icon: 'Connection',
    requires: { permissions: ['credentials.manage'] },
  },
  { key: 'purges', route: 'purges', label: 'menu.purges', icon: 'Delete', requires: { permissions: ['audit.read'] } },
  { key: 'audit', route: 'audit', label: 'menu.audit', icon: 'Document', requires: { permissions: ['audit.read'] } },
  { key: 'security', route: 'security', label: 'menu.security', icon: 'Lock', requires: { signedIn: true } },
];

import type { NavItem } from '@zhengtong/web-core';

export type EntryAction = 'route' | 'toggleLocale' | 'toggleElder' | 'signOut';

/** One tile on the home page; `label` is an i18n key, `icon` a Vant icon name. */
export interface HomeEntry extends NavItem {
  label: string;
  icon: string;
  action: EntryAction;
  route?: string;
  /** Kept in 长辈模式's simplified home. */
  elder?: boolean;
}

export const homeEntries: HomeEntry[] = [
  {
    key: 'healthCode',
    label: 'home.entries.healthCode',
    icon: 'qr',
    action: 'route',
    route: 'health-code',
    elder: true,
    requires: { anyRole: ['resident'] },
  },
  {
    key: 'declare',
    label: 'home.entries.declare',
    icon: 'records-o',
    action: 'route',
    route: 'declare',
    elder: true,
    requires: { anyRole: ['resident'] },
  },
  {
    key: 'reserve',
    label: 'home.entries.reserve',
    icon: 'calendar-o',
    action: 'route',
    route: 'reserve',
    elder: true,
    requires: { anyRole: ['resident'] },
  },
  {
    // 供需对接: farmers post unsold produce; many are older people, so it stays in 长辈模式.
    key: 'supply',
    label: 'home.entries.supply',
    icon: 'cart-o',
    action: 'route',
    route: 'supply-matching',
    elder: true,
    requires: { anyRole: ['resident'] },
  },
  {
    key: 'family',
    label: 'home.entries.family',
    icon: 'friends-o',
    action: 'route',
    route: 'family',
    requires: { anyRole: ['resident'] },
  },
  {
    key: 'checkIns',
    label: 'home.entries.checkIns',
    icon: 'location-o',
    action: 'route',
    route: 'check-ins',
    requires: { anyRole: ['resident'] },
  },
  {
    key: 'coTravel',
    label: 'home.entries.coTravel',
    icon: 'search',
    action: 'route',
    route: 'co-travel',
    elder: true,
    requires: { anyRole: ['resident'] },
  },
  {
    key: 'myPlaces',
    label: 'home.entries.myPlaces',
    icon: 'shop-o',
    action: 'route',
    route: 'my-places',
    requires: { anyRole: ['resident'] },
  },
  {
    key: 'myData',
    label: 'home.entries.myData',
    icon: 'shield-o',
    action: 'route',
    route: 'my-data',
    requires: { anyRole: ['resident'] },
  },
  {
    key: 'profile',
    label: 'home.entries.profile',
    icon: 'contact-o',
    action: 'route',
    route: 'profile',
    elder: true,
    requires: { anyRole: ['resident'] },
  },
  {
    key: 'language',
    label: 'home.entries.language',
    icon: 'exchange',
    action: 'toggleLocale',
    requires: { signedIn: true },
  },
  { key: 'elder', label: 'home.entries.elder', icon: 'eye-o', action: 'toggleElder', requires: { signedIn: true } },
  {
    key: 'signOut',
    label: 'home.entries.signOut',
    icon: 'revoke',
    action: 'signOut',
    elder: true,
    requires: { signedIn: true },
  },
];

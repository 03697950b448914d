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

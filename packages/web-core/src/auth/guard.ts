import type { Router } from 'vue-router';
import type { Requirement } from '../nav/access.ts';
import type { AuthStore } from './auth-store.ts';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title. */
    title?: string;
    /** Reachable without signing in. */
    public?: boolean;
    /** Only for signed-out visitors (login); signed-in users go home. */
    guestOnly?: boolean;
    requires?: Requirement;
  }
}

/**
 * Sends signed-out visitors to the login route (with `redirect`), signed-in users away from guest-only
 * pages, and users without the needed roles or permissions home.
 */
export function installAuthGuard(router: Router, useAuth: () => AuthStore, names: { login: string; home: string }) {
  router.beforeEach(async (to) => {
    const auth = useAuth();
    await auth.ensureLoaded();
    if (to.meta.guestOnly && auth.signedIn) return { name: names.home };
    if (to.meta.public || to.meta.guestOnly) return true;
    if (!auth.signedIn) return { name: names.login, query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    if (!auth.can(to.meta.requires)) return to.name === names.home ? true : { name: names.home };
    return true;
  });
}

/** Keeps `document.title` as "<page> · <app>" in the current language. */
export function syncDocumentTitle(
  router: Router,
  t: (key: string) => string,
  appTitleKey: string,
  watchLocale?: (cb: () => void) => void,
) {
  const update = () => {
    const key = router.currentRoute.value.meta.title;
    document.title = key ? `${t(key)} · ${t(appTitleKey)}` : t(appTitleKey);
  };
  router.afterEach(update);
  watchLocale?.(update);
}

import { watch } from 'vue';
import { createRouter, createWebHistory, type RouteComponent, type RouteRecordRaw, type Router } from 'vue-router';
import type { AuthStore } from '../auth/auth-store.ts';
import { installAuthGuard, syncDocumentTitle } from '../auth/guard.ts';
import type { createAppI18n } from '../i18n/locale.ts';

export interface AppRouterOptions {
  /** The app's base path (`import.meta.env.BASE_URL`). */
  base: string;
  /** The sign-in page, routed at `/login` under the name the guard sends signed-out visitors to. */
  login: RouteComponent | (() => Promise<RouteComponent>);
  /** The app's other pages; one must be named `home`, where the guard sends users who may not see a page. */
  routes: RouteRecordRaw[];
  useAuth: () => AuthStore;
  i18n: ReturnType<typeof createAppI18n>;
}

/**
 * The router every web app shares: `/login`, the app's routes, unknown paths sent to `/`, the auth
 * guard, and a document title kept in the current language.
 */
export function createAppRouter(options: AppRouterOptions): Router {
  const router = createRouter({
    history: createWebHistory(options.base),
    routes: [
      { path: '/login', name: 'login', component: options.login, meta: { guestOnly: true, title: 'login.title' } },
      ...options.routes,
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  });
  const { i18n } = options;
  installAuthGuard(router, options.useAuth, { login: 'login', home: 'home' });
  syncDocumentTitle(
    router,
    (k) => i18n.global.t(k),
    'common.appTitle',
    (cb) => watch(i18n.global.locale, cb),
  );
  return router;
}

import { createAppRouter } from '@zhengtong/web-core';
import { i18n } from '../i18n.ts';
import { useAuthStore } from '../stores/auth.ts';

export const router = createAppRouter({
  base: import.meta.env.BASE_URL,
  login: () => import('../views/identity/login/index.vue'),
  useAuth: useAuthStore,
  i18n,
  routes: [
    {
      path: '/',
      name: 'home',
      component: () => import('../views/home/landing/index.vue'),
      meta: { public: true, title: 'nav.home' },
    },
    {
      path: '/co-travel',
      name: 'co-travel',
      component: () => import('../views/contact-tracing/co-travel/index.vue'),
      meta: { public: true, title: 'coTravel.title' },
    },
    {
      path: '/donations',
      name: 'donations',
      component: () => import('../views/supplies/donations/index.vue'),
      meta: { public: true, title: 'donations.title' },
    },
    {
      path: '/supply',
      name: 'supply',
      component: () => import('../views/supplies/matching/index.vue'),
      meta: { public: true, title: 'supply.title' },
    },
    {
      path: '/account',
      name: 'account',
      component: () => import('../views/identity/account/index.vue'),
      meta: { title: 'nav.account', requires: { signedIn: true } },
    },
  ],
});

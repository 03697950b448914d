import { installAuthGuard, syncDocumentTitle } from '@zhengtong/web-core';
import { watch } from 'vue';
import { createRouter, createWebHistory } from 'vue-router';
import { i18n } from '../i18n.ts';
import { useAuthStore } from '../stores/auth.ts';

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    {
      path: '/',
      name: 'home',
      component: () => import('../views/home/landing/index.vue'),
      meta: { public: true, title: 'nav.home' },
    },
    {
      path: '/login',
      name: 'login',
      component: () => import('../views/identity/login/index.vue'),
      meta: { guestOnly: true, title: 'login.title' },
    },
    {
      path: '/account',
      name: 'account',
      component: () => import('../views/identity/account/index.vue'),
      meta: { title: 'nav.account', requires: { signedIn: true } },
    },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});

installAuthGuard(router, useAuthStore, { login: 'login', home: 'home' });
syncDocumentTitle(
  router,
  (k) => i18n.global.t(k),
  'common.appTitle',
  (cb) => watch(i18n.global.locale, cb),
);

import { installAuthGuard, syncDocumentTitle } from '@zhengtong/web-core';
import { watch } from 'vue';
import { createRouter, createWebHistory } from 'vue-router';
import { i18n } from '../i18n.ts';
import { useAuthStore } from '../stores/auth.ts';

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('../views/identity/login/index.vue'),
      meta: { guestOnly: true, title: 'login.title' },
    },
    {
      path: '/dev-inbox',
      name: 'dev-inbox',
      component: () => import('../views/identity/dev-inbox/index.vue'),
      meta: { public: true, title: 'inbox.title' },
    },
    {
      path: '/',
      name: 'home',
      component: () => import('../views/home/dashboard/index.vue'),
      meta: { title: 'home.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/profile',
      name: 'profile',
      component: () => import('../views/identity/profile/index.vue'),
      meta: { title: 'profile.title', requires: { anyRole: ['resident'] } },
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

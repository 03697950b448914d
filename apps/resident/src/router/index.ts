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
  ],
});

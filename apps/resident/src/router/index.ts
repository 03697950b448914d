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
      // 同程查询 needs no sign-in: anyone who travelled may check a trip.
      path: '/co-travel',
      name: 'co-travel',
      component: () => import('../views/contact-tracing/co-travel/index.vue'),
      meta: { public: true, title: 'coTravel.title' },
    },
    {
      path: '/',
      name: 'home',
      component: () => import('../views/home/dashboard/index.vue'),
      meta: { title: 'home.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/health-code',
      name: 'health-code',
      component: () => import('../views/health-code/code/index.vue'),
      meta: { title: 'health.code.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/declare',
      name: 'declare',
      component: () => import('../views/health-code/declare/index.vue'),
      meta: { title: 'health.declare.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/family',
      name: 'family',
      component: () => import('../views/health-code/family/index.vue'),
      meta: { title: 'health.family.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/appeals',
      name: 'appeals',
      component: () => import('../views/health-code/appeals/index.vue'),
      meta: { title: 'health.appeals.title', requires: { anyRole: ['resident'] } },
    },
    {
      // Place-code posters encode <origin>/m/p/<code>: any camera app opens this page.
      path: '/p/:code',
      name: 'place-check-in',
      component: () => import('../views/check-in/place/index.vue'),
      meta: { title: 'checkin.place.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/check-ins',
      name: 'check-ins',
      component: () => import('../views/check-in/history/index.vue'),
      meta: { title: 'checkin.history.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/my-places',
      name: 'my-places',
      component: () => import('../views/check-in/my-places/index.vue'),
      meta: { title: 'myPlaces.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/supply',
      name: 'supply-matching',
      component: () => import('../views/supplies/matching/index.vue'),
      meta: { title: 'supply.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/observation',
      name: 'observation',
      component: () => import('../views/community/observation/index.vue'),
      meta: { title: 'observation.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/reserve',
      name: 'reserve',
      component: () => import('../views/reservation/open/index.vue'),
      meta: { title: 'reservation.open.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/reservations',
      name: 'reservations',
      component: () => import('../views/reservation/mine/index.vue'),
      meta: { title: 'reservation.mine.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/reservations/:id',
      name: 'reservation',
      component: () => import('../views/reservation/pickup/index.vue'),
      meta: { title: 'reservation.pickup.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/my-data',
      name: 'my-data',
      component: () => import('../views/data-rights/mine/index.vue'),
      meta: { title: 'rights.title', requires: { anyRole: ['resident'] } },
    },
    {
      path: '/profile',
      name: 'profile',
      component: () => import('../views/identity/profile/index.vue'),
      meta: { title: 'profile.title', requires: { anyRole: ['resident'] } },
    },
  ],
});

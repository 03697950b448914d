import { createAppRouter } from '@zhengtong/web-core';
import AppLayout from '../components/app-layout.vue';
import { i18n } from '../i18n.ts';
import { useAuthStore } from '../stores/auth.ts';
import { suppliesRoles } from './menu.ts';

export const router = createAppRouter({
  base: import.meta.env.BASE_URL,
  login: () => import('../views/identity/login/index.vue'),
  useAuth: useAuthStore,
  i18n,
  routes: [
    {
      // A bare page for printing: no menu or header around the poster.
      path: '/places/:id/poster',
      name: 'place-poster',
      component: () => import('../views/check-in/poster/index.vue'),
      meta: { title: 'places.poster', requires: { permissions: ['places.manage'] } },
    },
    {
      path: '/residents/:id/card',
      name: 'code-card',
      component: () => import('../views/health-code/card/index.vue'),
      meta: { title: 'card.title', requires: { permissions: ['health.proxy'] } },
    },
    {
      path: '/',
      component: AppLayout,
      children: [
        {
          path: '',
          name: 'home',
          component: () => import('../views/home/dashboard/index.vue'),
          meta: { title: 'menu.home', requires: { signedIn: true } },
        },
        {
          path: 'residents',
          name: 'residents',
          component: () => import('../views/identity/residents/index.vue'),
          meta: { title: 'menu.residents', requires: { permissions: ['residents.read'] } },
        },
        {
          path: 'residents/:id',
          name: 'resident-detail',
          component: () => import('../views/identity/resident-detail/index.vue'),
          meta: { title: 'residents.detailTitle', requires: { permissions: ['residents.read'] } },
        },
        {
          path: 'regions',
          name: 'regions',
          component: () => import('../views/regions/browse/index.vue'),
          meta: { title: 'menu.regions', requires: { permissions: ['regions.read'] } },
        },
        {
          path: 'accounts',
          name: 'accounts',
          component: () => import('../views/identity/accounts/index.vue'),
          meta: { title: 'menu.accounts', requires: { permissions: ['staff.manage'] } },
        },
        {
          path: 'api-tokens',
          name: 'api-tokens',
          component: () => import('../views/identity/api-tokens/index.vue'),
          meta: { title: 'menu.tokens', requires: { permissions: ['tokens.manage'] } },
        },
        {
          path: 'cases',
          name: 'cases',
          component: () => import('../views/case-report/cases/index.vue'),
          meta: { title: 'menu.cases', requires: { permissions: ['cases.read'] } },
        },
        {
          path: 'statistics',
          name: 'statistics',
          component: () => import('../views/case-report/statistics/index.vue'),
          meta: { title: 'menu.statistics', requires: { permissions: ['cases.stats'] } },
        },
        {
          path: 'cases/:id/investigation',
          name: 'investigation',
          component: () => import('../views/contact-tracing/investigation/index.vue'),
          meta: { title: 'tracing.title', requires: { permissions: ['tracing.investigate'] } },
        },
        {
          path: 'chains',
          name: 'chains',
          component: () => import('../views/contact-tracing/chains/index.vue'),
          meta: { title: 'menu.chains', requires: { permissions: ['tracing.investigate'] } },
        },
        {
          path: 'contacts',
          name: 'contacts',
          component: () => import('../views/contact-tracing/contacts/index.vue'),
          meta: { title: 'menu.contacts', requires: { permissions: ['tracing.investigate'] } },
        },
        {
          path: 'tasks',
          name: 'tasks',
          component: () => import('../views/community/tasks/index.vue'),
          meta: { title: 'menu.tasks', requires: { permissions: ['community.tasks'] } },
        },
        {
          path: 'imports',
          name: 'imports',
          component: () => import('../views/contact-tracing/imports/index.vue'),
          meta: { title: 'menu.imports', requires: { permissions: ['tracing.import'] } },
        },
        {
          path: 'reservation/campaigns',
          name: 'reservation-campaigns',
          component: () => import('../views/reservation/campaigns/index.vue'),
          meta: { title: 'menu.reservationCampaigns', requires: { permissions: ['reservations.manage'] } },
        },
        {
          path: 'reservation/campaigns/:id',
          name: 'reservation-campaign',
          component: () => import('../views/reservation/campaign/index.vue'),
          meta: { title: 'reservations.detailTitle', requires: { permissions: ['reservations.manage'] } },
        },
        {
          path: 'reservation/assist',
          name: 'reservation-assist',
          component: () => import('../views/reservation/assist/index.vue'),
          meta: { title: 'menu.reservationAssist', requires: { permissions: ['reservations.assist'] } },
        },
        {
          path: 'reservation/redeem',
          name: 'reservation-redeem',
          component: () => import('../views/reservation/redeem/index.vue'),
          meta: { title: 'menu.reservationRedeem', requires: { permissions: ['reservations.redeem'] } },
        },
        {
          path: 'supplies/stock',
          name: 'supplies-stock',
          component: () => import('../views/supplies/stock/index.vue'),
          meta: { title: 'menu.suppliesStock', requires: { anyRole: suppliesRoles } },
        },
        {
          path: 'supplies/requests',
          name: 'supplies-requests',
          component: () => import('../views/supplies/requests/index.vue'),
          meta: { title: 'menu.suppliesRequests', requires: { anyRole: suppliesRoles } },
        },
        {
          path: 'supplies/transfers',
          name: 'supplies-transfers',
          component: () => import('../views/supplies/transfers/index.vue'),
          meta: { title: 'menu.suppliesTransfers', requires: { anyRole: suppliesRoles } },
        },
        {
          path: 'supplies/matching',
          name: 'supplies-matching',
          component: () => import('../views/supplies/matching/index.vue'),
          meta: { title: 'menu.suppliesMatching', requires: { permissions: ['supplies.match'] } },
        },
        {
          path: 'supplies/donations',
          name: 'supplies-donations',
          component: () => import('../views/supplies/donations/index.vue'),
          meta: { title: 'menu.suppliesDonations', requires: { permissions: ['supplies.manage'] } },
        },
        {
          path: 'supplies/catalogue',
          name: 'supplies-catalogue',
          component: () => import('../views/supplies/catalogue/index.vue'),
          meta: { title: 'menu.suppliesCatalogue', requires: { permissions: ['supplies.manage'] } },
        },
        {
          path: 'places',
          name: 'places',
          component: () => import('../views/check-in/places/index.vue'),
          meta: { title: 'menu.places', requires: { permissions: ['places.manage'] } },
        },
        {
          path: 'verifier',
          name: 'verifier',
          component: () => import('../views/health-code/verifier/index.vue'),
          meta: { title: 'menu.verifier', requires: { permissions: ['health.verify'] } },
        },
        {
          path: 'rules',
          name: 'rules',
          component: () => import('../views/health-code/rules/index.vue'),
          meta: { title: 'menu.rules', requires: { permissions: ['health.rules'] } },
        },
        {
          path: 'overrides',
          name: 'overrides',
          component: () => import('../views/health-code/overrides/index.vue'),
          meta: { title: 'menu.overrides', requires: { permissions: ['health.override'] } },
        },
        {
          path: 'keys',
          name: 'keys',
          component: () => import('../views/credentials/keys/index.vue'),
          meta: { title: 'menu.keys', requires: { permissions: ['credentials.manage'] } },
        },
        {
          path: 'purges',
          name: 'purges',
          component: () => import('../views/audit/purges/index.vue'),
          meta: { title: 'menu.purges', requires: { permissions: ['audit.read'] } },
        },
        {
          path: 'audit',
          name: 'audit',
          component: () => import('../views/audit/events/index.vue'),
          meta: { title: 'menu.audit', requires: { permissions: ['audit.read'] } },
        },
        {
          path: 'security',
          name: 'security',
          component: () => import('../views/identity/security/index.vue'),
          meta: { title: 'menu.security', requires: { signedIn: true } },
        },
      ],
    },
  ],
});

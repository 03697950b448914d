import { defineAuthStore } from '@zhengtong/web-core';
import { api } from '../api.ts';

/** Only staff sessions count here; a resident session on the same origin is treated as signed out. */
export const useAuthStore = defineAuthStore(api, { accepts: (user) => user.kind === 'staff' });

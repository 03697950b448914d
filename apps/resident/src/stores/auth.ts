import { defineAuthStore } from '@zhengtong/web-core';
import { api } from '../api.ts';

/** Only resident sessions count here; a staff session on the same origin is treated as signed out. */
export const useAuthStore = defineAuthStore(api, { accepts: (user) => user.kind === 'resident' });

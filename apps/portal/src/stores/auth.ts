import { defineAuthStore } from '@zhengtong/web-core';
import { api } from '../api.ts';

/** The portal serves everyone: residents and staff see navigation for their roles. */
export const useAuthStore = defineAuthStore(api);

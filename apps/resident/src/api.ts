import { createApi } from '@zhengtong/web-core';
import { i18n } from './i18n.ts';

export const api = createApi({ baseUrl: '', locale: () => i18n.global.locale.value });

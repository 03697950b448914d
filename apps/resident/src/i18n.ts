import { createAppI18n } from '@zhengtong/web-core';
import { messages } from './locales/index.ts';

export const i18n = createAppI18n(messages);

import { messagesFromGlob } from '@zhengtong/web-core';

/** zh-CN is the source of truth; en-US must carry the same keys (see locales.test.ts). */
export const messages = messagesFromGlob(import.meta.glob('./*/*.json', { eager: true, import: 'default' }));

import { keyPaths, localeKeyDiff } from '@zhengtong/web-core';
import { describe, expect, it } from 'vitest';
import { messages } from './index.ts';

describe('portal locales', () => {
  it('zh-CN and en-US have identical key sets', () => {
    expect(keyPaths(messages['zh-CN']).length).toBeGreaterThan(10);
    expect(localeKeyDiff(messages)).toEqual({ missingInEn: [], missingInZh: [] });
  });
});

import { describe, expect, it } from 'vitest';
import { coreMessages, keyPaths, localeKeyDiff, messagesFromGlob } from './locale.ts';

describe('locale helpers', () => {
  it('groups glob modules by locale and namespace', () => {
    const m = messagesFromGlob({
      './locales/zh-CN/login.json': { title: '登录' },
      './locales/en-US/login.json': { default: { title: 'Sign in' } },
      './locales/fr-FR/login.json': { title: 'Connexion' },
    });
    expect(m['zh-CN']).toEqual({ login: { title: '登录' } });
    expect(m['en-US']).toEqual({ login: { title: 'Sign in' } });
  });

  it('reports keys missing in either language', () => {
    const diff = localeKeyDiff({
      'zh-CN': { a: { b: '1', c: '2' } },
      'en-US': { a: { b: '1' }, d: '3' },
    });
    expect(diff).toEqual({ missingInEn: ['a.c'], missingInZh: ['d'] });
  });

  it('shared core messages have identical keys in zh-CN and en-US', () => {
    expect(localeKeyDiff(coreMessages)).toEqual({ missingInEn: [], missingInZh: [] });
    expect(keyPaths(coreMessages['zh-CN'])).toContain('core.errors.network');
  });
});

import { describe, expect, it } from 'vitest';
import { errorMessages } from '@zhengtong/contracts';
import { localeOf, t } from './locale.ts';

describe('localeOf', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['fr-FR,en;q=0.5', 'en'],
    ['fr-FR,de', 'zh-CN'],
    ['zh;q=0.3,en;q=0.8', 'en'],
    ['en;q=0.2,zh-CN;q=0.9', 'zh-CN'],
    ['EN-gb', 'en'],
    ['*', 'zh-CN'],
    ['en;q=abc, zh', 'zh-CN'],
  ])('%s → %s', (header, locale) => expect(localeOf(header)).toBe(locale));
});

describe('error messages', () => {
  it('has a Chinese and an English message for every code, and they differ', () => {
    for (const [code, m] of Object.entries(errorMessages)) {
      expect(m['zh-CN'], code).toMatch(/[\u4e00-\u9fff]/);
      expect(m.en, code).toMatch(/^[\x20-\x7e]+$/);
    }
    expect(t('id_number.checksum', 'en')).toBe('The check digit of the ID number is wrong');
    expect(t('id_number.checksum', 'zh-CN')).toBe('身份证号码校验位不正确');
  });
});

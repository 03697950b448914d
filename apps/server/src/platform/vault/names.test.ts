import { describe, expect, it } from 'vitest';
import { addressKey, nameSound } from './names.ts';

describe('comparable names and addresses', () => {
  it('makes homophones and differently written names sound alike', () => {
    expect(nameSound('张伟')).toBe('zhangwei');
    expect(nameSound('章玮')).toBe(nameSound('张伟'));
    expect(nameSound(' 单 雄信')).toBe('shanxiongxin');
    expect(nameSound('李娜')).not.toBe(nameSound('李华'));
    expect(nameSound('Anna·Lee')).toBe('annalee');
  });

  it('folds full-width characters, spaces and punctuation out of addresses', () => {
    expect(addressKey('武昌区 中南路９号，３单元')).toBe(addressKey('武昌区中南路9号3单元'));
    expect(addressKey('中南路9号')).not.toBe(addressKey('中南路19号'));
  });
});

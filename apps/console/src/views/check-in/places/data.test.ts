import { describe, expect, it } from 'vitest';
import { placeCodeUrl } from './data.ts';

describe('place code poster', () => {
  it('encodes the resident check-in page of the place, so any camera app opens it', () => {
    expect(placeCodeUrl('https://zt.wuhan.gov.cn', '7K3M9QX2PA')).toBe('https://zt.wuhan.gov.cn/m/p/7K3M9QX2PA');
  });
});

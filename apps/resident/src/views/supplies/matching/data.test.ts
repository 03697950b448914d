import { describe, expect, it } from 'vitest';
import { changeBody, emptyPosting, postingBody, validatePosting } from './data.ts';

describe('resident supply posting', () => {
  it('names each missing or wrong field, and sends a clean body', () => {
    const blank = emptyPosting('produce', '420112');
    expect(validatePosting(blank, '2026-12-01')).toEqual({
      quantity: 'supply.errors.quantity',
      availableUntil: 'supply.errors.required',
      organisation: 'supply.errors.required',
      contactName: 'supply.errors.required',
      contactPhone: 'supply.errors.phone',
    });
    const filled = {
      ...blank,
      product: ' 大白菜 ',
      quantity: '3000',
      priceYuan: '1.2',
      availableUntil: '2026-11-30',
      organisation: '柏泉农场',
      contactName: '张大山',
      contactPhone: '136 1111 2222',
    };
    expect(validatePosting(filled, '2026-12-01')).toEqual({ availableUntil: 'supply.errors.past' });
    expect(postingBody({ ...filled, availableUntil: '2026-12-12' })).toEqual({
      kind: 'produce',
      produceCategory: 'vegetables',
      product: '大白菜',
      quantity: 3000,
      unit: '斤',
      priceYuan: 1.2,
      availableUntil: '2026-12-12',
      regionCode: '420112',
      organisation: '柏泉农场',
      contactName: '张大山',
      contactPhone: '13611112222',
      note: null,
    });
  });

  it('sends no price with a need', () => {
    expect(postingBody({ ...emptyPosting('need'), priceYuan: '3' }).priceYuan).toBeNull();
  });

  it('changes a posting without its contact unless one is typed anew, and checks a new one', () => {
    const changed = {
      ...emptyPosting('produce', '420112'),
      product: '大白菜',
      quantity: '2000',
      availableUntil: '2026-12-12',
      organisation: '柏泉农场',
    };
    // The contact on record is shown masked, so the form starts empty and empty keeps it.
    expect(validatePosting(changed, '2026-12-01', true)).toEqual({});
    expect(changeBody(changed)).not.toHaveProperty('contactName');
    expect(changeBody(changed)).not.toHaveProperty('contactPhone');
    expect(changeBody(changed)).not.toHaveProperty('kind');
    expect(validatePosting({ ...changed, contactPhone: '12345' }, '2026-12-01', true)).toEqual({
      contactName: 'supply.errors.required',
      contactPhone: 'supply.errors.phone',
    });
    expect(changeBody({ ...changed, contactName: '张小山', contactPhone: '136 1111 3333' })).toMatchObject({
      contactName: '张小山',
      contactPhone: '13611113333',
    });
  });
});

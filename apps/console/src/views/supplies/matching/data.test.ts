import { describe, expect, it } from 'vitest';
import type { SupplyMatch } from '@zhengtong/web-core';
import { emptyForm, matchActions, postingBody } from './data.ts';

describe('matching form', () => {
  it("starts in the official's district or street, and empty for a city or province official", () => {
    expect(emptyForm('420106').regionCode).toBe('420106');
    expect(emptyForm('420106001').regionCode).toBe('420106001');
    expect(emptyForm('4201').regionCode).toBe('');
    expect(emptyForm('42').regionCode).toBe('');
  });

  it('sends a need for a catalogue item without offer-only fields', () => {
    const body = postingBody(
      {
        ...emptyForm('420106'),
        itemId: 'item-1',
        availableUntil: '2026-12-10',
        organisation: ' 武汉大学人民医院 ',
        contactName: '李秀英',
        contactPhone: '13787654321',
      },
      false,
    );
    expect(body).toEqual({
      kind: 'need',
      itemId: 'item-1',
      product: null,
      produceCategory: null,
      quantity: 1000,
      basis: 'total',
      priceYuan: null,
      availableUntil: '2026-12-10',
      regionCode: '420106',
      deliveryRadiusKm: null,
      organisation: '武汉大学人民医院',
      contactName: '李秀英',
      contactPhone: '13787654321',
      note: null,
    });
  });

  it('keeps the old contact on an edit when none is typed, and sends produce with its price', () => {
    const body = postingBody(
      {
        ...emptyForm('420112'),
        kind: 'produce',
        product: '大白菜',
        produceCategory: 'vegetables',
        priceYuan: 1.2,
        unit: '斤',
        availableUntil: '2026-12-12',
        organisation: '柏泉农场',
      },
      true,
    );
    expect(body).not.toHaveProperty('kind');
    expect(body).not.toHaveProperty('contactName');
    expect(body).toMatchObject({ itemId: null, product: '大白菜', priceYuan: 1.2, deliveryScope: 'city' });
  });

  it('offers accept only to a side that has not accepted yet, and the contact only once confirmed', () => {
    const side = { acceptedAt: null } as SupplyMatch['offer'];
    const m = { status: 'proposed', mySide: 'offer', offer: side, need: side } as SupplyMatch;
    expect(matchActions(m)).toEqual({ accept: true, decline: true, reveal: false });
    expect(matchActions({ ...m, offer: { ...side, acceptedAt: '2026-12-01T00:00:00Z' } })).toMatchObject({
      accept: false,
      decline: true,
    });
    expect(matchActions({ ...m, status: 'confirmed' })).toEqual({ accept: false, decline: false, reveal: true });
    expect(matchActions({ ...m, mySide: null })).toEqual({ accept: false, decline: false, reveal: false });
  });
});

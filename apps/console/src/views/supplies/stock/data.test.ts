import { describe, expect, it } from 'vitest';
import type { StockLine } from '@zhengtong/web-core';
import { alertTagType, byUrgency, receiptLines } from './data.ts';

describe('stock view', () => {
  it('colours and orders alerts by urgency', () => {
    expect(alertTagType('emergency')).toBe('danger');
    expect(alertTagType('low')).toBe('warning');
    expect(alertTagType('none')).toBe('info');
    const lines = (['ok', 'none', 'emergency', 'low'] as const).map((alert) => ({ alert }) as StockLine);
    expect(byUrgency(lines).map((l) => l.alert)).toEqual(['emergency', 'low', 'ok', 'none']);
  });

  it('sends only complete receipt lines, a missing expiry as null', () => {
    expect(
      receiptLines([
        { itemId: 'a', lotNumber: ' L1 ', expiresOn: '', quantity: 5 },
        { itemId: '', lotNumber: 'L2', expiresOn: '2027-01-01', quantity: 5 },
      ]),
    ).toEqual([{ itemId: 'a', lotNumber: 'L1', expiresOn: null, quantity: 5 }]);
  });
});

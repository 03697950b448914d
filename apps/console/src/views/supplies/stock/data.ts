import type { StockLine } from '@zhengtong/web-core';

/** Element Plus tag colour of a stock alert: emergency red, below minimum amber. */
export function alertTagType(alert: StockLine['alert']): 'success' | 'warning' | 'danger' | 'info' {
  return alert === 'emergency' ? 'danger' : alert === 'low' ? 'warning' : alert === 'ok' ? 'success' : 'info';
}

/** The most urgent lines first, so a long list opens on what needs ordering. */
export function byUrgency(lines: StockLine[]): StockLine[] {
  const order = { emergency: 0, low: 1, ok: 2, none: 3 } as const;
  return [...lines].sort((a, b) => order[a.alert] - order[b.alert]);
}

export interface ReceiptLineForm {
  itemId: string;
  lotNumber: string;
  expiresOn: string;
  quantity: number;
}

export const emptyReceiptLine = (): ReceiptLineForm => ({ itemId: '', lotNumber: '', expiresOn: '', quantity: 1 });

/** Lines ready to send: complete ones only, with no expiry sent as null. */
export function receiptLines(lines: ReceiptLineForm[]) {
  return lines
    .filter((l) => l.itemId && l.lotNumber.trim() && l.quantity > 0)
    .map((l) => ({
      itemId: l.itemId,
      lotNumber: l.lotNumber.trim(),
      expiresOn: l.expiresOn || null,
      quantity: l.quantity,
    }));
}

import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '@zhengtong/web-core';
import { shortHash, trails, wholeLedger } from './data.ts';

const entry = (seq: number, donationId: string) => ({ seq, donationId }) as LedgerEntry;

describe('donations ledger page', () => {
  it('reads every page of the ledger and groups it by donation in order', async () => {
    const pages: Record<string, { items: LedgerEntry[]; nextCursor: string | null }> = {
      first: { items: [entry(1, 'a'), entry(2, 'b')], nextCursor: '2' },
      '2': { items: [entry(3, 'a')], nextCursor: null },
    };
    const all = await wholeLedger(async (cursor) => pages[cursor ?? 'first']!);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(
      trails(all)
        .get('a')!
        .map((e) => e.seq),
    ).toEqual([1, 3]);
    expect(shortHash('0123456789abcdefghij')).toBe('0123456789…efghij');
  });
});

import type { LedgerEntry } from '@zhengtong/web-core';

/** The whole ledger, page by page (verification needs every entry, in order). */
export async function wholeLedger(
  fetchPage: (cursor: string | undefined) => Promise<{ items: LedgerEntry[]; nextCursor: string | null }>,
): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** Each donation's entries, in ledger order. */
export function trails(entries: LedgerEntry[]): Map<string, LedgerEntry[]> {
  const out = new Map<string, LedgerEntry[]>();
  for (const e of entries) {
    const list = out.get(e.donationId);
    if (list) list.push(e);
    else out.set(e.donationId, [e]);
  }
  return out;
}

/** Hashes are long; the first and last characters are enough to compare by eye. */
export const shortHash = (hash: string) => `${hash.slice(0, 10)}…${hash.slice(-6)}`;

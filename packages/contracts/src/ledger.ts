import canonicalize from 'canonicalize';
import type { LedgerEntry, LedgerVerification } from './supplies.ts';

/** The previous hash of the first entry. */
export const LEDGER_GENESIS = '0'.repeat(64);

/**
 * SHA-256 (hex) over the RFC 8785 canonical JSON of an entry's public fields and its predecessor's
 * hash. WebCrypto and `canonicalize` run in Node and in browsers, so anyone recomputes the same hash.
 */
export async function ledgerHash(entry: Omit<LedgerEntry, 'hash'>): Promise<string> {
  const text = canonicalize({
    seq: entry.seq,
    at: entry.at,
    kind: entry.kind,
    donationId: entry.donationId,
    body: entry.body,
    prevHash: entry.prevHash,
  })!;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Checks a run of entries in sequence order; `before` is the entry preceding the run, if any. */
export async function verifyLedgerRun(
  entries: LedgerEntry[],
  before: { seq: number; hash: string } | null = null,
): Promise<Pick<LedgerVerification, 'ok' | 'firstBroken'> & { last: { seq: number; hash: string } | null }> {
  let prev = before;
  for (const e of entries) {
    if (e.seq !== (prev ? prev.seq + 1 : 1))
      return { ok: false, firstBroken: { seq: e.seq, reason: 'sequence' }, last: prev };
    if (e.prevHash !== (prev ? prev.hash : LEDGER_GENESIS))
      return { ok: false, firstBroken: { seq: e.seq, reason: 'link' }, last: prev };
    if ((await ledgerHash(e)) !== e.hash) return { ok: false, firstBroken: { seq: e.seq, reason: 'hash' }, last: prev };
    prev = { seq: e.seq, hash: e.hash };
  }
  return { ok: true, firstBroken: null, last: prev };
}

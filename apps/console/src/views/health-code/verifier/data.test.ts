import { generateKey, kidOf, sign, toBase64, type SigningKey } from '@zhengtong/credentials';
import { describe, expect, it } from 'vitest';
import { hc1, NOW as DCC_NOW, signer } from '../../../../../../packages/credentials/test/sign-hcert.ts';
import {
  checkAny,
  checkOffline,
  readQueue,
  refusedForGood,
  syncQueue,
  trustAge,
  withServerAnswer,
  writeQueue,
  type CachedTrust,
  type QueuedScan,
} from './data.ts';

const now = Date.UTC(2026, 10, 22, 4);
const key: SigningKey = generateKey('EdDSA');
const trust: CachedTrust = {
  fetchedAt: new Date(now).toISOString(),
  list: {
    issuer: '420100',
    updatedAt: new Date(now).toISOString(),
    keys: [
      {
        kid: toBase64(kidOf(key.spki)),
        alg: 'EdDSA',
        spki: toBase64(key.spki),
        region: '4201',
        notBefore: '2026-01-01T00:00:00Z',
        notAfter: '2027-01-01T00:00:00Z',
        status: 'active',
      },
    ],
  },
};
const s = Math.floor(now / 1000);
const code = sign({ iss: '420100', sub: 'p1', iat: s, exp: s + 300, zt: { t: 'hc', c: 'yellow', n: '张*' } }, key);

describe('offline verification at a checkpoint', () => {
  it('shows the colour and face-check name of a valid code', () => {
    expect(checkOffline(code, trust, now)).toMatchObject({
      ok: true,
      colour: 'yellow',
      maskedName: '张*',
      isHealthCode: true,
    });
  });

  it('names why a code fails: tampered, expired, unknown key, not a code at all', () => {
    const mid = Math.floor(code.length / 2);
    const tampered = code.slice(0, mid) + (code[mid] === 'A' ? 'B' : 'A') + code.slice(mid + 1);
    expect(checkOffline(tampered, trust, now).ok).toBe(false);
    expect(checkOffline(code, trust, now + 301_000).label).toBe('verifier.result.expired');
    const stranger = sign({ iss: '110000', sub: 'x', iat: s, exp: s + 60, zt: { t: 'hc', c: 'green' } }, generateKey());
    expect(checkOffline(stranger, trust, now).label).toBe('verifier.result.unknown_kid');
    expect(checkOffline('https://example.com', trust, now).label).toBe('verifier.result.malformed_prefix');
    expect(checkOffline(code, null, now).label).toBe('verifier.result.no_trust_list');
  });
});

describe('inbound travellers’ EU certificates (HC1)', () => {
  it('verify offline against the cached DCC signer keys and show what they prove', async () => {
    const germany = signer('ES256');
    const cached: CachedTrust = { ...trust, dcc: [germany.key] };
    const text = hc1(germany);
    expect(await checkAny(text, cached, DCC_NOW * 1000)).toMatchObject({
      ok: true,
      label: 'verifier.result.dcc_vaccination',
      issuer: 'DE',
      traveller: { name: 'Mustermann Erika', dob: '1964-08-12', kind: 'vaccination' },
    });
    expect((await checkAny(text, trust, DCC_NOW * 1000)).label).toBe('verifier.result.unknown_kid');
    expect((await checkAny(code, cached, now)).colour).toBe('yellow');
  });
});

describe('the offline queue', () => {
  const memory = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
  };
  const scans: QueuedScan[] = [
    { text: 'a', scannedAt: '2026-11-22T04:00:00Z' },
    { text: 'b', scannedAt: '2026-11-22T04:00:01Z' },
    { text: 'c', scannedAt: '2026-11-22T04:00:02Z' },
  ];

  it('survives a reload', () => {
    const storage = memory();
    writeQueue(storage, scans);
    expect(readQueue(storage)).toEqual(scans);
  });

  it('keeps what could not be sent when the network drops again, in order', async () => {
    const sent: string[] = [];
    const rest = await syncQueue(scans, async (scan) => {
      if (scan.text === 'b') return 'offline';
      sent.push(scan.text);
      return 'sent';
    });
    expect(sent).toEqual(['a']);
    expect(rest.map((r) => r.text)).toEqual(['b', 'c']);
  });

  it('keeps scans when the staff member is signed out or the server is busy, drops ones it refuses', () => {
    expect([400, 404, 409, 422].every(refusedForGood)).toBe(true);
    expect([401, 403, 429, 500, 503].some(refusedForGood)).toBe(false);
  });

  it('drops scans the server refuses, so one bad scan does not block the rest', async () => {
    const rest = await syncQueue(scans, async (scan) => (scan.text === 'a' ? 'refused' : 'sent'));
    expect(rest).toEqual([]);
  });
});

describe('the server’s answer, when online', () => {
  const local = checkOffline(code, trust, now);

  it('shows the colour the person has now, not the one printed on a week-long card', () => {
    const merged = withServerAnswer(local, { result: 'valid', colour: 'red', maskedName: '张*', checkedIn: true });
    expect(merged).toMatchObject({ ok: true, colour: 'red', serverNote: 'verifier.serverColour' });
    expect(withServerAnswer(local, { result: 'valid', colour: 'yellow', checkedIn: true }).serverNote).toBeUndefined();
  });

  it('wins when the server refuses what this device accepted (a key revoked since the list was cached)', () => {
    expect(withServerAnswer(local, { result: 'revoked_key', checkedIn: false })).toMatchObject({
      ok: false,
      colour: null,
      label: 'verifier.result.revoked_key',
      serverNote: 'verifier.serverRejected',
    });
    expect(withServerAnswer(local, { result: 'malformed', stage: 'zlib', checkedIn: false }).label).toBe(
      'verifier.result.malformed_zlib',
    );
  });
});

describe('trust list age', () => {
  it('says how long ago the list was fetched, and flags it after a day', () => {
    const at = new Date(now).toISOString();
    expect(trustAge(at, now + 20_000)).toEqual({ key: 'justNow', n: 0, stale: false });
    expect(trustAge(at, now + 5 * 60_000)).toEqual({ key: 'minutes', n: 5, stale: false });
    expect(trustAge(at, now + 3 * 3600_000)).toEqual({ key: 'hours', n: 3, stale: false });
    expect(trustAge(at, now + 50 * 3600_000)).toEqual({ key: 'days', n: 2, stale: true });
  });
});

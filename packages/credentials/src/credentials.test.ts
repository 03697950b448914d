import { encode as base45Encode, decode as base45Decode } from '@digitalbazaar/base45';
import fc from 'fast-check';
import { unzlibSync } from 'fflate';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  generateKey,
  kidOf,
  PREFIX,
  sign,
  toBase64,
  verify,
  type Claims,
  verifyAsync,
  type SignatureCheck,
  type SigningKey,
  type TrustedKey,
} from './index.ts';

/** The check a Node server passes in: node:crypto, many times faster than the pure-JS default. */
const nodeCheck: SignatureCheck = (alg, spki, data, signature) => {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  return alg === 'EdDSA'
    ? nodeVerify(null, data, key, signature)
    : nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
};

const NOW = 1_795_000_000;
const claims: Claims = {
  iss: '420100',
  sub: 'p-7f3a9c',
  iat: NOW,
  exp: NOW + 300,
  zt: { t: 'hc', c: 'green', n: '张*' },
};

function trusted(key: SigningKey, status: TrustedKey['status'] = 'active'): TrustedKey {
  return {
    kid: toBase64(kidOf(key.spki)),
    alg: key.alg,
    spki: toBase64(key.spki),
    region: '420100',
    notBefore: '2026-01-01T00:00:00+08:00',
    notAfter: '2027-01-01T00:00:00+08:00',
    status,
  };
}

describe.each(['EdDSA', 'ES256'] as const)('ZT1 with %s', (alg) => {
  const key = generateKey(alg);
  const trust = { keys: [trusted(key)] };
  const text = sign(claims, key);

  it('round-trips the claims through QR text that starts with ZT1: and uses the QR alphanumeric set', () => {
    expect(text.startsWith(PREFIX)).toBe(true);
    expect(text.slice(PREFIX.length)).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
    expect(verify(text, trust, NOW + 10)).toEqual({ result: 'valid', claims, key: trust.keys[0] });
  });

  it('names each way a code can fail', () => {
    expect(verify(text, trust, NOW + 300).result).toBe('expired');
    expect(verify(text, trust, NOW - 3600).result).toBe('not_yet_valid');
    expect(verify(text, { keys: [] }, NOW).result).toBe('unknown_kid');
    expect(verify(text, { keys: [trusted(key, 'revoked')] }, NOW).result).toBe('revoked_key');
    expect(verify(text, { keys: [trusted(key, 'retired')] }, NOW).result).toBe('valid');
    const impostor = generateKey(alg);
    // A key that claims the genuine kid but holds another public key fails the signature.
    expect(verify(text, { keys: [{ ...trusted(impostor), kid: trusted(key).kid }] }, NOW).result).toBe('bad_signature');
    expect(verify(`HC1:${text.slice(4)}`, trust, NOW)).toEqual({ result: 'malformed', stage: 'prefix' });
    expect(verify(`${text}a`, trust, NOW)).toEqual({ result: 'malformed', stage: 'base45' });
    const compressed = base45Decode(text.slice(PREFIX.length));
    const truncated = PREFIX + base45Encode(Uint8Array.from(compressed.subarray(0, compressed.length - 2)));
    expect(verify(truncated, trust, NOW)).toEqual({ result: 'malformed', stage: 'zlib' });
    expect(verify(`${PREFIX}${base45Encode(Uint8Array.from([0x78, 0x9c, 1, 2, 3]))}`, trust, NOW).result).toBe(
      'malformed',
    );
    expect(verify(`${PREFIX}${base45Encode(Uint8Array.from([0xff, 0xfe]))}`, trust, NOW)).toEqual({
      result: 'malformed',
      stage: 'cbor',
    });
    expect(verify(`${PREFIX}${base45Encode(Uint8Array.from([0x83, 1, 2, 3]))}`, trust, NOW)).toEqual({
      result: 'malformed',
      stage: 'cose',
    });
  });

  it('accepts an uncompressed COSE body, as HCERT decoders do', () => {
    const cose = unzlibSync(base45Decode(text.slice(PREFIX.length)));
    expect(verify(PREFIX + base45Encode(Uint8Array.from(cose)), trust, NOW).result).toBe('valid');
  });

  it('rejects a code whose signed bytes were changed', () => {
    const cose = Uint8Array.from(unzlibSync(base45Decode(text.slice(PREFIX.length))));
    // Turn "green" into "greem" inside the payload, leaving the signature as it was.
    const at = Buffer.from(cose).indexOf('green');
    cose[at + 4] = 'm'.charCodeAt(0);
    expect(verify(PREFIX + base45Encode(cose), trust, NOW).result).toBe('bad_signature');
  });

  it('refuses a code whose zlib checksum was changed, though its signed bytes still inflate', () => {
    for (let back = 1; back <= 8; back++) {
      const at = text.length - back;
      for (const c of ['0', 'A', 'Z', '%']) {
        if (text[at] === c) continue;
        const mutated = text.slice(0, at) + c + text.slice(at + 1);
        expect(verify(mutated, trust, NOW).result, `char -${back} → ${c}`).not.toBe('valid');
      }
    }
  });

  it('never throws, and a mutated code is never accepted with claims other than those signed (property)', () => {
    // What must never happen is a valid answer with other claims than those signed.
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.integer({ min: 0, max: 127 }), (at, code) => {
        const mutated = text.slice(0, at) + String.fromCharCode(code) + text.slice(at + 1);
        const answer = verify(mutated, trust, NOW);
        return answer.result !== 'valid' || isDeepStrictEqual(answer.claims, claims);
      }),
      { numRuns: 1000 },
    );
    // Seconds of signature checks: a loaded CI machine needs more than the default 5 s.
  }, 30_000);

  it('gives the same answer with a node:crypto signature check as with the default, on any mutation (property)', async () => {
    expect(verify(text, trust, NOW, 60, { checkSignature: nodeCheck })).toMatchObject({ result: 'valid', claims });
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.integer({ min: 32, max: 126 }), (at, code) => {
        const mutated = text.slice(0, at) + String.fromCharCode(code) + text.slice(at + 1);
        const a = verify(mutated, trust, NOW);
        const b = verify(mutated, trust, NOW, 60, { checkSignature: nodeCheck });
        return a.result === b.result;
      }),
      { numRuns: 500 },
    );
    // The asynchronous form answers exactly the same.
    const mutatedAt = Math.floor(text.length / 2);
    for (const candidate of [text, text.slice(0, mutatedAt) + '0' + text.slice(mutatedAt + 1), 'ZT1:', 'nonsense'])
      expect(verifyAsync(candidate, trust, async (...a) => nodeCheck(...a), NOW)).resolves.toEqual(
        verify(candidate, trust, NOW),
      );
    // A check that throws counts as a bad signature, never as an exception.
    const throwing: SignatureCheck = () => {
      throw new Error('broken key');
    };
    expect(verify(text, trust, NOW, 60, { checkSignature: throwing }).result).toBe('bad_signature');
  });

  it('never accepts other claims than those signed, whichever byte of the COSE body changes (property)', () => {
    // The unprotected header is outside the signature by COSE's design; a change there may verify,
    // but never with other claims.
    const cose = Uint8Array.from(unzlibSync(base45Decode(text.slice(PREFIX.length))));
    fc.assert(
      fc.property(fc.nat(cose.length - 1), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const changed = Uint8Array.from(cose);
        changed[at] = (changed[at]! + delta) % 256;
        const answer = verify(PREFIX + base45Encode(changed), trust, NOW);
        return answer.result !== 'valid' || isDeepStrictEqual(answer.claims, claims);
      }),
      { numRuns: 1000 },
    );
    // Seconds of signature checks: a loaded CI machine needs more than the default 5 s.
  }, 30_000);
});

describe('verify on arbitrary input', () => {
  const key = generateKey();
  const trust = { keys: [trusted(key)] };
  it('answers every string and non-string without throwing (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => PREFIX + s),
          fc.anything(),
        ),
        (input) => {
          const answer = verify(input as string, trust, NOW);
          return answer.result !== 'valid';
        },
      ),
      { numRuns: 1000 },
    );
  });
});

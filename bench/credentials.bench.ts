import { ed25519 } from '@noble/curves/ed25519';
import { generateKey, sign, kidOf, toBase64, verify, type Claims } from '@zhengtong/credentials';
import { row, type Row } from './lib/table.ts';

/** Runs `fn` for about `ms` milliseconds on this one core and answers calls per second. */
function rate(fn: () => void, ms = Number(process.env.BENCH_SECONDS ?? 5) * 400): number {
  for (let i = 0; i < 200; i++) fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
  }
  return n / ((performance.now() - start) / 1000);
}

/** Offline verification of a health code, against the bare Ed25519 check it cannot do without. */
export async function credentials(): Promise<Row[]> {
  const key = generateKey('EdDSA');
  const now = Math.floor(Date.now() / 1000);
  const claims: Claims = {
    iss: '420100',
    sub: 'p-0001',
    iat: now,
    exp: now + 300,
    zt: { t: 'hc', c: 'green', n: '张*' },
  };
  const text = sign(claims, key);
  const trust = {
    keys: [
      {
        kid: toBase64(kidOf(key.spki)),
        alg: 'EdDSA' as const,
        spki: toBase64(key.spki),
        region: '420100',
        notBefore: '',
        notAfter: '',
        status: 'active' as const,
      },
    ],
  };
  if (verify(text, trust, now).result !== 'valid') throw new Error('benchmark code does not verify');
  const message = new TextEncoder().encode(text);
  const publicKey = key.spki.slice(-32);
  const signature = ed25519.sign(message, key.privateKey);
  const bare = rate(() => void ed25519.verify(signature, message, publicKey));
  const full = rate(() => void verify(text, trust, now));
  const signing = rate(() => void sign(claims, key));
  return [
    row('bare Ed25519 signature check: per second, one core', bare, 'ops/s', null),
    row('ZT1 offline verify (base45, zlib, COSE, Ed25519, claims): per second', full, 'ops/s', bare),
    row('ZT1 sign a health code: per second', signing, 'ops/s', bare),
  ];
}

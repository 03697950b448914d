// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the ambient types of an untyped package must reach every program that compiles this file
/// <reference path="./vendor.d.ts" />
/**
 * ZT1 credentials, as ../shared/CREDENTIALS.md fixes them: `ZT1:` + Base45(zlib(COSE_Sign1)), the
 * container of the EU Digital COVID Certificate with our own prefix and claims. Runs in Node and the
 * browser (no Node built-ins), so verifiers can check codes offline against a cached trust list.
 */
import { decode as base45Decode, encode as base45Encode } from '@digitalbazaar/base45';
import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/p256';
import { sha256 } from '@noble/hashes/sha256';
import { Decoder, Encoder, Tag } from 'cbor-x';
import { unzlibSync, zlibSync } from 'fflate';
import { fromBase64, inflateChecked, toBase64 } from './bytes.ts';

export { fromBase64, toBase64 } from './bytes.ts';

export const PREFIX = 'ZT1:';
const COSE_SIGN1_TAG = 18;
const ALG = { EdDSA: -8, ES256: -7 } as const;
export type Alg = keyof typeof ALG;

const CLAIM = { iss: 1, sub: 2, exp: 4, iat: 6, zt: -270 } as const;

/** Credential bodies by type (the `zt` claim); new types add a row to CREDENTIALS.md first. */
export type Body =
  | { t: 'hc'; c: 'green' | 'yellow' | 'red'; n?: string; r?: string }
  | { t: 'pickup'; r: string; s: string }
  | { t: 'ent'; u: string; s: string }
  | { t: 'cert'; k: string; v: string };

export interface Claims {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  zt: Body;
}

export interface SigningKey {
  alg: Alg;
  /** Raw private key: 32 bytes for both algorithms. */
  privateKey: Uint8Array;
  /** DER SubjectPublicKeyInfo of the public key. */
  spki: Uint8Array;
}

export interface TrustedKey {
  kid: string;
  alg: Alg;
  spki: string;
  region: string;
  notBefore: string;
  notAfter: string;
  status: 'active' | 'retired' | 'revoked';
}

export interface TrustList {
  issuer: string;
  keys: TrustedKey[];
  updatedAt: string;
}

export type Verification =
  | { result: 'valid'; claims: Claims; key: TrustedKey }
  | { result: 'expired' | 'not_yet_valid' | 'bad_signature' | 'unknown_kid' | 'revoked_key' }
  | { result: 'malformed'; stage: 'prefix' | 'base45' | 'zlib' | 'cbor' | 'cose' };

// Maps with integer keys stay Maps both ways; no cbor-x record or typed-array extensions on the wire.
const cbor = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true });
const reader = new Decoder({ useRecords: false, mapsAsObjects: false });

// DER prefixes of SubjectPublicKeyInfo for the two key types.
const ED25519_SPKI = hex('302a300506032b6570032100');
const P256_SPKI = hex('3059301306072a8648ce3d020106082a8648ce3d030107034200');

/** kid: the first 8 bytes of SHA-256 over the key's DER SubjectPublicKeyInfo. */
export function kidOf(spki: Uint8Array): Uint8Array {
  return sha256(spki).slice(0, 8);
}

/** A new key pair with its SPKI, for an instance's signing keys. */
export function generateKey(alg: Alg = 'EdDSA'): SigningKey {
  if (alg === 'EdDSA') {
    const privateKey = ed25519.utils.randomPrivateKey();
    return { alg, privateKey, spki: concat(ED25519_SPKI, ed25519.getPublicKey(privateKey)) };
  }
  const privateKey = p256.utils.randomPrivateKey();
  return { alg, privateKey, spki: concat(P256_SPKI, p256.getPublicKey(privateKey, false)) };
}

/** Signs claims into QR text. */
export function sign(claims: Claims, key: SigningKey): string {
  const protectedHeader = Uint8Array.from(
    cbor.encode(
      new Map<number, unknown>([
        [1, ALG[key.alg]],
        [4, kidOf(key.spki)],
      ]),
    ),
  );
  const payload = Uint8Array.from(cbor.encode(claimsMap(claims)));
  const toBeSigned = sigStructure(protectedHeader, payload);
  const signature =
    key.alg === 'EdDSA'
      ? ed25519.sign(toBeSigned, key.privateKey)
      : p256.sign(sha256(toBeSigned), key.privateKey, { prehash: false }).toCompactRawBytes();
  const cose = cbor.encode(new Tag([protectedHeader, new Map(), payload, signature], COSE_SIGN1_TAG));
  return PREFIX + base45Encode(zlibSync(Uint8Array.from(cose), { level: 9 }));
}

/**
 * A signature check: `data` is the COSE Sig_structure; ES256 checks hash it with SHA-256 and take the
 * raw r||s signature. Servers pass node:crypto here (many times faster); browsers keep the default.
 */
export type SignatureCheck = (alg: Alg, spki: Uint8Array, data: Uint8Array, signature: Uint8Array) => boolean;

export interface VerifyOptions {
  checkSignature?: SignatureCheck;
}

/** Checks QR text against a trust list at `now` (seconds); answers, never throws. */
export function verify(
  text: string,
  trust: Pick<TrustList, 'keys'>,
  now = Math.floor(Date.now() / 1000),
  skewSeconds = 60,
  options: VerifyOptions = {},
): Verification {
  try {
    const parsed = parse(text, trust);
    if ('result' in parsed) return parsed;
    let ok: boolean;
    try {
      ok = (options.checkSignature ?? nobleCheck)(parsed.key.alg, parsed.spki, parsed.data, parsed.signature);
    } catch {
      ok = false;
    }
    return finish(parsed, ok, now, skewSeconds);
  } catch {
    return { result: 'malformed', stage: 'cose' };
  }
}

/** An asynchronous signature check (node:crypto's callback form runs on the thread pool, off the event loop). */
export type AsyncSignatureCheck = (
  alg: Alg,
  spki: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
) => Promise<boolean>;

/** `verify` with an asynchronous signature check; the same answers, never rejects. */
export async function verifyAsync(
  text: string,
  trust: Pick<TrustList, 'keys'>,
  check: AsyncSignatureCheck,
  now = Math.floor(Date.now() / 1000),
  skewSeconds = 60,
): Promise<Verification> {
  try {
    const parsed = parse(text, trust);
    if ('result' in parsed) return parsed;
    let ok: boolean;
    try {
      ok = await check(parsed.key.alg, parsed.spki, parsed.data, parsed.signature);
    } catch {
      ok = false;
    }
    return finish(parsed, ok, now, skewSeconds);
  } catch {
    return { result: 'malformed', stage: 'cose' };
  }
}

const nobleCheck: SignatureCheck = (alg, spki, data, signature) =>
  alg === 'EdDSA'
    ? spki.length === ED25519_SPKI.length + 32 && ed25519.verify(signature, data, spki.slice(ED25519_SPKI.length))
    : signature.length === 64 &&
      p256.verify(signature, sha256(data), spki.slice(P256_SPKI.length), { prehash: false, lowS: false });

/** A code taken apart up to its signature check. */
interface Parsed {
  key: TrustedKey;
  spki: Uint8Array;
  data: Uint8Array;
  signature: Uint8Array;
  payload: Uint8Array;
}

function parse(text: string, trust: Pick<TrustList, 'keys'>): Verification | Parsed {
  if (typeof text !== 'string' || !text.startsWith(PREFIX)) return { result: 'malformed', stage: 'prefix' };
  let compressed: Uint8Array;
  try {
    compressed = base45Decode(text.slice(PREFIX.length));
  } catch {
    return { result: 'malformed', stage: 'base45' };
  }
  if (compressed.length === 0) return { result: 'malformed', stage: 'base45' };
  let body: Uint8Array;
  // A zlib stream starts with 0x78; anything else may be an uncompressed COSE body, which decoders accept.
  if (compressed[0] === 0x78) {
    try {
      body = inflateChecked(compressed, unzlibSync);
    } catch {
      return { result: 'malformed', stage: 'zlib' };
    }
  } else {
    body = compressed;
  }
  let decoded: unknown;
  try {
    decoded = reader.decode(body);
  } catch {
    return { result: 'malformed', stage: 'cbor' };
  }
  const parts = decoded instanceof Tag ? (decoded.tag === COSE_SIGN1_TAG ? decoded.value : null) : decoded;
  if (!Array.isArray(parts) || parts.length !== 4) return { result: 'malformed', stage: 'cose' };
  const [protectedHeader, unprotected, payload, signature] = parts as unknown[];
  if (
    !(protectedHeader instanceof Uint8Array) ||
    !(unprotected instanceof Map) ||
    !(payload instanceof Uint8Array) ||
    !(signature instanceof Uint8Array)
  )
    return { result: 'malformed', stage: 'cose' };
  const header = reader.decode(protectedHeader) as unknown;
  if (!(header instanceof Map)) return { result: 'malformed', stage: 'cose' };
  const alg = header.get(1);
  const kid = header.get(4);
  if (!(kid instanceof Uint8Array) || (alg !== ALG.EdDSA && alg !== ALG.ES256))
    return { result: 'malformed', stage: 'cose' };
  const kidText = toBase64(kid);
  const key = trust.keys.find((k) => k.kid === kidText);
  if (!key) return { result: 'unknown_kid' };
  if (key.status === 'revoked') return { result: 'revoked_key' };
  if (ALG[key.alg] !== alg) return { result: 'bad_signature' };
  return { key, spki: fromBase64(key.spki), data: sigStructure(protectedHeader, payload), signature, payload };
}

function finish(p: Parsed, signatureOk: boolean, now: number, skew: number): Verification {
  if (!signatureOk) return { result: 'bad_signature' };
  const claims = readClaims(reader.decode(p.payload));
  if (!claims) return { result: 'malformed', stage: 'cose' };
  if (claims.iat > now + skew) return { result: 'not_yet_valid' };
  if (claims.exp <= now) return { result: 'expired' };
  return { result: 'valid', claims, key: p.key };
}

function sigStructure(protectedHeader: Uint8Array, payload: Uint8Array): Uint8Array {
  return Uint8Array.from(cbor.encode(['Signature1', protectedHeader, new Uint8Array(0), payload]));
}

function claimsMap(c: Claims): Map<number, unknown> {
  return new Map<number, unknown>([
    [CLAIM.iss, c.iss],
    [CLAIM.sub, c.sub],
    [CLAIM.exp, c.exp],
    [CLAIM.iat, c.iat],
    [CLAIM.zt, new Map(Object.entries(c.zt))],
  ]);
}

function readClaims(value: unknown): Claims | null {
  if (!(value instanceof Map)) return null;
  const iss = value.get(CLAIM.iss);
  const sub = value.get(CLAIM.sub);
  const exp = value.get(CLAIM.exp);
  const iat = value.get(CLAIM.iat);
  const zt = value.get(CLAIM.zt);
  if (typeof iss !== 'string' || typeof sub !== 'string' || typeof exp !== 'number' || typeof iat !== 'number')
    return null;
  if (!(zt instanceof Map) || typeof zt.get('t') !== 'string') return null;
  return { iss, sub, iat, exp, zt: Object.fromEntries(zt) as Body };
}

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export * from './hcert.ts';

/**
 * EU Digital COVID Certificates (HCERT, `HC1:`), verified as the HCERT specification says: Base45,
 * zlib, COSE_Sign1 with kid = the first 8 bytes of SHA-256 over the Document Signer Certificate, CWT
 * claims with the certificate under -260/1. ES256 is checked with @noble; PS256 (RSA-PSS) with
 * WebCrypto, present in Node and every browser, so the check is async. It never throws or rejects.
 */
import { decode as base45Decode } from '@digitalbazaar/base45';
import { p256 } from '@noble/curves/p256';
import { sha256 } from '@noble/hashes/sha256';
import { Decoder, Encoder, Tag } from 'cbor-x';
import { unzlibSync } from 'fflate';
import { fromBase64, inflateChecked, toBase64 } from './bytes.ts';

export const HCERT_PREFIX = 'HC1:';
const COSE_SIGN1_TAG = 18;
const ES256 = -7;
const PS256 = -37;
const P256_SPKI_PREFIX_LENGTH = 26;

/** A Document Signer key of a country, as a national backend or the EU gateway publishes it. */
export interface DccSignerKey {
  /** base64 of the 8-byte kid. */
  kid: string;
  /** ISO 3166 alpha-2 country code. */
  country: string;
  /** base64 DER SubjectPublicKeyInfo (EC P-256 or RSA). */
  spki: string;
}

export type HcertKind = 'vaccination' | 'test' | 'recovery';

export type HcertVerification =
  | {
      result: 'valid';
      country: string;
      issuedAt: number;
      expiresAt: number;
      kind: HcertKind;
      holder: { familyName: string; givenName: string; dob: string };
      entry: Record<string, unknown>;
    }
  | { result: 'expired' | 'not_yet_valid' | 'bad_signature' | 'unknown_kid' }
  | { result: 'malformed'; stage: 'prefix' | 'base45' | 'zlib' | 'cbor' | 'cose' | 'payload' };

const reader = new Decoder({ useRecords: false, mapsAsObjects: false });
const writer = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true });

export function isHcert(text: string): boolean {
  return typeof text === 'string' && text.startsWith(HCERT_PREFIX);
}

/** Checks an `HC1:` text against DCC signer keys at `now` (seconds). */
export async function verifyHcert(
  text: string,
  keys: readonly DccSignerKey[],
  now = Math.floor(Date.now() / 1000),
): Promise<HcertVerification> {
  try {
    return await verifyUnsafe(text, keys, now);
  } catch {
    return { result: 'malformed', stage: 'cose' };
  }
}

async function verifyUnsafe(text: string, keys: readonly DccSignerKey[], now: number): Promise<HcertVerification> {
  if (!isHcert(text)) return { result: 'malformed', stage: 'prefix' };
  let bytes: Uint8Array;
  try {
    bytes = base45Decode(text.slice(HCERT_PREFIX.length));
  } catch {
    return { result: 'malformed', stage: 'base45' };
  }
  if (!bytes.length) return { result: 'malformed', stage: 'base45' };
  if (bytes[0] === 0x78) {
    try {
      bytes = inflateChecked(bytes, unzlibSync);
    } catch {
      return { result: 'malformed', stage: 'zlib' };
    }
  }
  let decoded: unknown;
  try {
    decoded = reader.decode(bytes);
  } catch {
    return { result: 'malformed', stage: 'cbor' };
  }
  const parts = decoded instanceof Tag ? (decoded.tag === COSE_SIGN1_TAG ? decoded.value : null) : decoded;
  if (!Array.isArray(parts) || parts.length !== 4) return { result: 'malformed', stage: 'cose' };
  const [protectedBytes, unprotected, payload, signature] = parts as unknown[];
  if (!(protectedBytes instanceof Uint8Array) || !(payload instanceof Uint8Array) || !(signature instanceof Uint8Array))
    return { result: 'malformed', stage: 'cose' };
  const header = protectedBytes.length ? (reader.decode(protectedBytes) as unknown) : new Map();
  if (!(header instanceof Map)) return { result: 'malformed', stage: 'cose' };
  const alg = header.get(1) ?? (unprotected instanceof Map ? unprotected.get(1) : undefined);
  // HCERT allows the kid in the unprotected header when the protected one lacks it.
  const kid = header.get(4) ?? (unprotected instanceof Map ? unprotected.get(4) : undefined);
  if (!(kid instanceof Uint8Array) || (alg !== ES256 && alg !== PS256)) return { result: 'malformed', stage: 'cose' };
  const key = keys.find((k) => k.kid === toBase64(kid));
  if (!key) return { result: 'unknown_kid' };
  const toBeSigned = Uint8Array.from(writer.encode(['Signature1', protectedBytes, new Uint8Array(0), payload]));
  if (!(await checkSignature(alg, fromBase64(key.spki), toBeSigned, signature))) return { result: 'bad_signature' };

  const claims = reader.decode(payload) as unknown;
  if (!(claims instanceof Map)) return { result: 'malformed', stage: 'payload' };
  const iss = claims.get(1);
  const exp = claims.get(4);
  const iat = claims.get(6);
  const hcert = claims.get(-260);
  const dcc = hcert instanceof Map ? hcert.get(1) : undefined;
  if (typeof exp !== 'number' || typeof iat !== 'number' || !(dcc instanceof Map))
    return { result: 'malformed', stage: 'payload' };
  if (iat > now + 300) return { result: 'not_yet_valid' };
  if (exp <= now) return { result: 'expired' };
  const cert = toPlain(dcc) as Record<string, unknown>;
  const kind: HcertKind | null = Array.isArray(cert.v)
    ? 'vaccination'
    : Array.isArray(cert.t)
      ? 'test'
      : Array.isArray(cert.r)
        ? 'recovery'
        : null;
  const entries = kind ? (cert[kind[0]!] as Record<string, unknown>[]) : [];
  const nam = (cert.nam ?? {}) as Record<string, unknown>;
  if (!kind || !entries.length || typeof cert.dob !== 'string') return { result: 'malformed', stage: 'payload' };
  return {
    result: 'valid',
    country: typeof iss === 'string' ? iss : key.country,
    issuedAt: iat,
    expiresAt: exp,
    kind,
    holder: { familyName: String(nam.fn ?? nam.fnt ?? ''), givenName: String(nam.gn ?? nam.gnt ?? ''), dob: cert.dob },
    entry: entries[0]!,
  };
}

async function checkSignature(
  alg: number,
  spki: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    if (alg === ES256)
      return (
        signature.length === 64 &&
        p256.verify(signature, sha256(data), spki.slice(P256_SPKI_PREFIX_LENGTH), { prehash: false, lowS: false })
      );
    const subtle = globalThis.crypto.subtle;
    // Copies typed over a plain ArrayBuffer, as WebCrypto's signatures require.
    const key = await subtle.importKey('spki', new Uint8Array(spki), { name: 'RSA-PSS', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    return await subtle.verify(
      { name: 'RSA-PSS', saltLength: 32 },
      key,
      new Uint8Array(signature),
      new Uint8Array(data),
    );
  } catch {
    return false;
  }
}

/** CBOR maps with text keys (the DCC JSON) as plain objects. */
function toPlain(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v)]));
  if (Array.isArray(value)) return value.map(toPlain);
  return value;
}

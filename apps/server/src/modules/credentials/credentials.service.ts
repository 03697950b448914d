import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  fromBase64,
  generateKey,
  kidOf,
  sign as signCredential,
  toBase64,
  verifyAsync,
  type Alg,
  verifyHcert,
  type Body,
  type DccSignerKey,
  type HcertVerification,
  type SigningKey,
  type Verification,
} from '@zhengtong/credentials';
import { DccKeyList, TrustList, type SigningKeyItem, type TrustedKey } from '@zhengtong/contracts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import { AppError, forbidden, invalid } from '../../platform/errors.ts';
import type { Vault } from '../../platform/vault/index.ts';
import type { CredentialsRepository } from './credentials.repository.ts';
import type { SigningKeyRow } from './credentials.tables.ts';

export interface CredentialsOptions {
  /** GB/T 2260 code of this instance's region. */
  region: string;
  /** The longest lifetime any credential may be signed for; retired keys stay listed that long. */
  maxLifetimeSeconds: number;
  /** How long an own key signs before it is due for rotation (shown as notAfter while active). */
  keyValidityDays: number;
}

// TypeBox's own checker knows no formats until told; imported lists are checked with it.
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)));

const MEMO_MS = 10_000;
const IMPORT_LIMIT_BYTES = 512 * 1024;

/** `iss` is the six-digit form of the region code: 4201 → 420100. */
export const issuerOf = (region: string) => region.padEnd(6, '0');

/**
 * This instance's signing keys (private halves encrypted by the vault, rotated from the console), the
 * trust list other regions import, and verification with node:crypto, which is many times faster than
 * the pure-JS check the browser uses; both give the same answers.
 */
export class CredentialsService {
  private signer: { key: SigningKey; kid: string; at: number } | null = null;
  private trusted: { list: TrustList; at: number } | null = null;
  private readonly publicKeys = new Map<string, KeyObject>();
  readonly issuer: string;

  constructor(
    private readonly repo: CredentialsRepository,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly options: CredentialsOptions,
  ) {
    this.issuer = issuerOf(options.region);
  }

  /** Makes the first own key if there is none (at start; safe when processes race). */
  async ensureSigningKey(): Promise<void> {
    if (!(await this.repo.activeOwnKey())) await this.insertNewKey();
  }

  /** Signs a credential body for a pseudonymous subject. */
  async sign(
    body: Body,
    subject: string,
    lifetimeSeconds: number,
  ): Promise<{ text: string; iat: number; exp: number }> {
    if (lifetimeSeconds > this.options.maxLifetimeSeconds) throw new Error('credential lifetime exceeds the maximum');
    const { key } = await this.activeSigner();
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + lifetimeSeconds;
    return { text: signCredential({ iss: this.issuer, sub: subject, iat, exp, zt: body }, key), iat, exp };
  }

  /** Checks QR text against the trust list; never throws. */
  async verify(text: string, now = Math.floor(Date.now() / 1000)): Promise<Verification> {
    const list = await this.trustList();
    return verifyAsync(text, list, this.checkSignature, now);
  }

  /** The public trust list (CREDENTIALS.md): own keys and imported keys of other regions. */
  async trustList(): Promise<TrustList> {
    if (this.trusted && Date.now() - this.trusted.at < MEMO_MS) return this.trusted.list;
    const now = new Date();
    const rows = await this.repo.listedKeys(now);
    const list: TrustList = { issuer: this.issuer, keys: rows.map(trustedKey), updatedAt: now.toISOString() };
    this.trusted = { list, at: Date.now() };
    return list;
  }

  /** Every key with its origin, for the console. */
  async listKeys(actor: Actor): Promise<SigningKeyItem[]> {
    this.require(actor);
    return (await this.repo.allKeys()).map((r) => ({
      ...trustedKey(r),
      origin: r.origin,
      source: r.source,
      createdAt: r.created_at.toISOString(),
    }));
  }

  /** New active key; the old one is retired and stays listed until the last code it signed expired. */
  async rotate(actor: Actor): Promise<SigningKeyItem[]> {
    this.require(actor);
    await this.repo.db.transaction().execute((trx) => this.rotateWithin(actor, trx));
    this.forget();
    return this.listKeys(actor);
  }

  private async rotateWithin(actor: Actor, trx: CredentialsRepository['db']) {
    const current = await trx
      .selectFrom('signing_keys')
      .select('kid')
      .where('origin', '=', 'own')
      .where('status', '=', 'active')
      .forUpdate()
      .executeTakeFirst();
    if (current) {
      await this.repo.setStatus(current.kid, 'retired', this.lastUseEnds(), trx);
      await this.audit.record(
        actor,
        { action: 'retire', subjectType: 'signing-key', subjectId: current.kid, purpose: 'key-rotation' },
        trx,
      );
    }
    const kid = await this.insertNewKey(trx);
    await this.audit.record(
      actor,
      { action: 'create', subjectType: 'signing-key', subjectId: kid, purpose: 'key-rotation' },
      trx,
    );
  }

  /** Retires or revokes a key; a revoked key makes every code it signed fail at once. */
  async setKeyStatus(actor: Actor, kid: string, status: 'retired' | 'revoked'): Promise<SigningKeyItem[]> {
    this.require(actor);
    const row = await this.repo.key(kid);
    if (!row) throw new AppError('not_found', 'credentials.key_not_found');
    if (row.status === 'revoked' || (row.status === 'retired' && status === 'retired'))
      throw new AppError('conflict', 'credentials.key_status');
    await this.repo.db.transaction().execute(async (trx) => {
      // The instance must always have a key to sign with: a new one takes over in the same transaction.
      if (row.origin === 'own' && row.status === 'active') await this.rotateWithin(actor, trx);
      await this.repo.setStatus(kid, status, status === 'retired' ? this.lastUseEnds() : null, trx);
      await this.audit.record(
        actor,
        {
          action: status === 'revoked' ? 'revoke' : 'retire',
          subjectType: 'signing-key',
          subjectId: kid,
          purpose: 'key-management',
        },
        trx,
      );
    });
    this.forget();
    return this.listKeys(actor);
  }

  /** 互认: imports another region's trust list, from its JSON or its URL. */
  async importTrustList(actor: Actor, input: { json?: string; url?: string }): Promise<{ imported: number }> {
    this.require(actor);
    if ((input.json === undefined) === (input.url === undefined))
      throw invalid('request.invalid', [{ path: 'json', code: 'field.required' }]);
    const source = input.url ?? 'file';
    const raw = input.url ? await download(input.url) : (input.json ?? '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw invalid('credentials.bad_trust_list', [
        { path: input.url ? 'url' : 'json', code: 'credentials.bad_trust_list' },
      ]);
    }
    if (!Value.Check(TrustList, parsed) || parsed.keys.some((k) => !consistentKey(k)))
      throw invalid('credentials.bad_trust_list', [
        { path: input.url ? 'url' : 'json', code: 'credentials.bad_trust_list' },
      ]);
    if (parsed.issuer === this.issuer) throw invalid('credentials.own_issuer');
    const own = new Set((await this.repo.allKeys()).filter((k) => k.origin === 'own').map((k) => k.kid));
    const rows = parsed.keys
      .filter((k) => !own.has(k.kid))
      .map((k) => ({
        kid: k.kid,
        alg: k.alg,
        spki: k.spki,
        private_key_enc: null,
        region_code: k.region,
        origin: 'imported' as const,
        source,
        status: k.status,
        not_before: new Date(k.notBefore),
        not_after: new Date(k.notAfter),
      }));
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.upsertImported(rows, trx);
      await this.audit.record(
        actor,
        { action: 'import', subjectType: 'trust-list', subjectId: parsed.issuer, purpose: 'mutual-recognition' },
        trx,
      );
    });
    this.forget();
    return { imported: rows.length };
  }

  // ---------- EU Digital COVID Certificates (HC1) ----------

  /** DCC Document Signer keys this instance trusts (public: verifiers cache them like the trust list). */
  async dccKeys(): Promise<{ keys: DccSignerKey[] }> {
    const rows = await this.repo.dccKeys();
    return { keys: rows.map((r) => ({ kid: r.kid, country: r.country, spki: r.spki })) };
  }

  /** Imports DCC signer keys (`{ keys: [{ kid, country, spki }] }`); each key must parse. */
  async importDccKeys(actor: Actor, json: string): Promise<{ imported: number }> {
    this.require(actor);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      parsed = null;
    }
    const bad = invalid('credentials.bad_dcc_keys', [{ path: 'json', code: 'credentials.bad_dcc_keys' }]);
    if (!Value.Check(DccKeyList, parsed)) throw bad;
    for (const k of parsed.keys) {
      try {
        createPublicKey({ key: Buffer.from(k.spki, 'base64'), format: 'der', type: 'spki' });
      } catch {
        throw bad;
      }
    }
    await this.repo.upsertDccKeys(
      parsed.keys.map((k) => ({ kid: k.kid, country: k.country, spki: k.spki, source: 'file' })),
    );
    await this.audit.record(actor, {
      action: 'import',
      subjectType: 'dcc-signer-keys',
      subjectId: null,
      purpose: 'inbound-travel-certificates',
    });
    return { imported: parsed.keys.length };
  }

  async removeDccKey(actor: Actor, kid: string): Promise<{ keys: DccSignerKey[] }> {
    this.require(actor);
    if (!(await this.repo.deleteDccKey(kid))) throw new AppError('not_found', 'credentials.key_not_found');
    await this.audit.record(actor, {
      action: 'delete',
      subjectType: 'dcc-signer-key',
      subjectId: kid,
      purpose: 'key-management',
    });
    return this.dccKeys();
  }

  /** Checks an HC1 text against the imported DCC keys; never throws. */
  async verifyHcert(text: string): Promise<HcertVerification> {
    return verifyHcert(text, (await this.dccKeys()).keys);
  }

  /** node:crypto's callback form verifies on libuv's thread pool, so scans do not queue behind each other. */
  private readonly checkSignature = (alg: Alg, spki: Uint8Array, data: Uint8Array, signature: Uint8Array) => {
    const der = toBase64(spki);
    let key = this.publicKeys.get(der);
    if (!key) {
      key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
      this.publicKeys.set(der, key);
    }
    const publicKey = key;
    return new Promise<boolean>((resolve) => {
      const done = (err: Error | null, ok: boolean) => resolve(!err && ok);
      if (alg === 'EdDSA') nodeVerify(null, data, publicKey, signature, done);
      else nodeVerify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature, done);
    });
  };

  private async activeSigner() {
    if (this.signer && Date.now() - this.signer.at < MEMO_MS) return this.signer;
    let row = await this.repo.activeOwnKey();
    if (!row) {
      await this.insertNewKey();
      row = (await this.repo.activeOwnKey())!;
    }
    const key: SigningKey = {
      alg: row.alg,
      privateKey: fromBase64(this.vault.decryptSecret('signingKey', row.private_key_enc!)),
      spki: fromBase64(row.spki),
    };
    this.signer = { key, kid: row.kid, at: Date.now() };
    return this.signer;
  }

  private async insertNewKey(trx = this.repo.db): Promise<string> {
    const key = generateKey('EdDSA');
    const kid = toBase64(kidOf(key.spki));
    const now = new Date();
    await this.repo.insertOwnKey(
      {
        kid,
        alg: key.alg,
        spki: toBase64(key.spki),
        private_key_enc: this.vault.encrypt('signingKey', toBase64(key.privateKey)),
        region_code: this.options.region,
        origin: 'own',
        source: null,
        status: 'active',
        not_before: now,
        not_after: new Date(now.getTime() + this.options.keyValidityDays * 86_400_000),
      },
      trx,
    );
    return kid;
  }

  private lastUseEnds() {
    return new Date(Date.now() + this.options.maxLifetimeSeconds * 1000);
  }

  private forget() {
    this.signer = null;
    this.trusted = null;
  }

  private require(actor: Actor) {
    if (!actor.permissions.includes('credentials.manage')) throw forbidden();
  }
}

function trustedKey(r: SigningKeyRow): TrustedKey {
  return {
    kid: r.kid,
    alg: r.alg,
    spki: r.spki,
    region: r.region_code,
    notBefore: r.not_before.toISOString(),
    notAfter: r.not_after.toISOString(),
    status: r.status,
  };
}

/** A listed kid must be the hash of its key, or a region could claim another's kid. */
function consistentKey(k: TrustedKey): boolean {
  try {
    return toBase64(kidOf(fromBase64(k.spki))) === k.kid;
  } catch {
    return false;
  }
}

async function download(url: string): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('request.invalid', [{ path: 'url', code: 'field.format' }]);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw invalid('request.invalid', [{ path: 'url', code: 'field.format' }]);
  try {
    const res = await fetch(parsed, { signal: AbortSignal.timeout(10_000), redirect: 'follow' });
    if (!res.ok) throw new Error(String(res.status));
    const text = await res.text();
    if (text.length > IMPORT_LIMIT_BYTES) throw new Error('too large');
    return text;
  } catch {
    throw new AppError('invalid', 'credentials.trust_list_unreachable', {
      fields: [{ path: 'url', code: 'credentials.trust_list_unreachable' }],
    });
  }
}

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomFillSync } from 'node:crypto';
import type { Actor } from '../auth/actor.ts';
import type { AuditLog } from '../audit/index.ts';

export * from './identifiers.ts';
export * from './mask.ts';
export * from './names.ts';
import { addressKey, nameSound } from './names.ts';

const VERSION = 'v1';
const IV_BYTES = 12;
// Nonces are cut from one buffer of CSPRNG output, refilled when used up: a random draw per value
// costs microseconds, which bulk imports of millions of rows feel. No part of it is ever used twice.
const IV_POOL_BYTES = IV_BYTES * 4096;

export interface RevealContext {
  subjectType: string;
  subjectId: string;
  regionCode: string | null;
  purpose: string;
}

/** The keys derived from the master key that `Sealer` needs; the master key itself stays in the vault. */
export interface SealingKeys {
  enc: Uint8Array;
  index: Uint8Array;
}

/**
 * The vault's write side: encrypts personal fields (AES-256-GCM, the field name bound as associated
 * data so a value cannot be moved to another column) and computes blind indexes (HMAC-SHA256) for
 * equality lookups. It has no decryption, so a worker thread encrypting a bulk import can hold one.
 */
export class Sealer {
  protected readonly encKey: Uint8Array;
  protected readonly indexKey: Uint8Array;
  private ivPool = Buffer.alloc(0);
  private ivAt = 0;

  constructor(keys: SealingKeys) {
    this.encKey = keys.enc;
    this.indexKey = keys.index;
  }

  encrypt(field: string, plaintext: string): string {
    const iv = this.nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    cipher.setAAD(this.aad(field));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}:${iv.toString('base64')}:${body.toString('base64')}`;
  }

  // Field names are a few constants; bulk imports encrypt millions of values under one of them.
  private readonly aadOf = new Map<string, Buffer>();
  protected aad(field: string): Buffer {
    let aad = this.aadOf.get(field);
    if (!aad) this.aadOf.set(field, (aad = Buffer.from(field)));
    return aad;
  }

  private nextIv(): Buffer {
    if (this.ivAt + IV_BYTES > this.ivPool.length) {
      // A new buffer each time: earlier nonces may still be referenced by callers' ciphertext buffers.
      this.ivPool = randomFillSync(Buffer.allocUnsafe(IV_POOL_BYTES));
      this.ivAt = 0;
    }
    const iv = this.ivPool.subarray(this.ivAt, this.ivAt + IV_BYTES);
    this.ivAt += IV_BYTES;
    return iv;
  }

  /** Deterministic keyed hash of a normalised value, for "find by ID number" without decrypting. */
  blindIndex(field: string, normalized: string): string {
    return createHmac('sha256', this.indexKey).update(`${field}\u0000${normalized}`).digest('base64url');
  }

  /**
   * Blind indexes to match a person across records without decrypting: the name as written and as it
   * sounds, the birth date, phone and address. Every module computes them here, so they compare.
   */
  personIndexes(p: {
    name?: string | null;
    birthDate?: string | null;
    phone?: string | null;
    address?: string | null;
  }) {
    const name = p.name?.trim();
    const address = p.address ? addressKey(p.address) : '';
    return {
      name: name ? this.blindIndex('personName', name) : null,
      nameSound: name ? this.blindIndex('personNameSound', nameSound(name)) : null,
      birth: p.birthDate ? this.blindIndex('birthDate', p.birthDate) : null,
      phone: p.phone ? this.blindIndex('phone', p.phone) : null,
      address: address ? this.blindIndex('address', address) : null,
    };
  }
}

/**
 * The only holder of the master key: a `Sealer` that also decrypts, only through `reveal`, which
 * audits every read (and, unaudited, the platform's own secrets and automated processing).
 */
export class Vault extends Sealer {
  constructor(
    masterKey: Buffer,
    private readonly audit: AuditLog,
  ) {
    super({
      enc: Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'zt/vault/enc/v1', 32)),
      index: Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'zt/vault/index/v1', 32)),
    });
  }

  /** The keys of a `Sealer` for a worker thread of this process (workerData); never logged or stored. */
  sealingKeys(): SealingKeys {
    return { enc: this.encKey, index: this.indexKey };
  }

  /** Decrypts the given fields of one record and writes one audit event naming them. */
  async reveal<K extends string>(
    actor: Actor,
    context: RevealContext,
    fields: Record<K, string>,
  ): Promise<Record<K, string>> {
    const out = {} as Record<K, string>;
    for (const [field, ciphertext] of Object.entries(fields) as [K, string][])
      out[field] = this.decrypt(field, ciphertext);
    await this.audit.record(actor, {
      action: 'read',
      subjectType: context.subjectType,
      subjectId: context.subjectId,
      purpose: context.purpose,
      fields: Object.keys(fields),
      regionCode: context.regionCode,
    });
    return out;
  }

  /** Decrypts the platform's own secrets (TOTP seeds, signing keys): not personal data, so not audited. */
  decryptSecret(field: string, value: string): string {
    return this.decrypt(field, value);
  }

  /**
   * Decrypts for automated processing only (a rule engine computing a colour): no person sees the
   * plaintext, so nothing is audited; anything shown to a person goes through `reveal`.
   */
  process(field: string, value: string): string {
    return this.decrypt(field, value);
  }

  private decrypt(field: string, value: string): string {
    const [version, ivText, bodyText] = value.split(':');
    if (version !== VERSION || !ivText || !bodyText) throw new Error(`vault: unreadable ciphertext for ${field}`);
    const body = Buffer.from(bodyText, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(ivText, 'base64'));
    decipher.setAAD(this.aad(field));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  }
}

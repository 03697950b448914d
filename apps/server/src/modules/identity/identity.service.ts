import { hash as argonHash, verify as argonVerify, type Options as ArgonOptions } from '@node-rs/argon2';
import { authenticator as otp } from 'otplib';
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import {
  permissionsOf,
  type ApiTokenItem,
  type AuditPurpose,
  type AuditEvent,
  type Permission,
  type ResidentView,
  type Role,
  type Session,
  type Staff,
} from '@zhengtong/contracts';
import { can, regionWithin, type Actor } from '../../platform/auth/actor.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import type { Cache } from '../../platform/cache/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { EventBus } from '../../platform/events/index.ts';
import { batchedLookup } from '../../platform/batch.ts';
import { AppError, forbidden, invalid, notFound, unauthenticated, type FieldProblem } from '../../platform/errors.ts';
import type { SmsNotice, SmsSender } from '../../platform/sms/index.ts';
import {
  maskIdNumber,
  maskName,
  maskPhone,
  parseIdNumber,
  parsePhone,
  type Vault,
} from '../../platform/vault/index.ts';
import type { RegionsService } from '../regions/index.ts';
import type { IdentityRepository } from './identity.repository.ts';
import type { ResidentRow, StaffRow } from './identity.tables.ts';

// 2 = Algorithm.Argon2id (a const enum, unreachable under verbatimModuleSyntax); OWASP's memory and time costs.
const ARGON: ArgonOptions = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
// A code typed just after its 30-second step ended is still accepted (RFC 6238 allows one step of delay).
const authenticator = otp.clone({ window: [1, 0] });
const SMS_TTL = 300;
const SMS_RESEND = 60;
const SMS_MAX_TRIES = 5;
/** Codes one number receives in a day: the sign-in budget is the number's, not its network address's. */
export const SMS_PER_DAY = 10;
/** Seconds a number waits after the gateway failed to take its code. */
const SMS_GATEWAY_RETRY = 30;
const SESSION_CACHE_SECONDS = 60;
const sessionKey = (tokenHash: string) => `session:${tokenHash}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const token = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** Published when a resident is registered; carries no personal data (event payloads are stored). */
export const RESIDENT_REGISTERED = 'identity.resident-registered';
export interface ResidentRegistered {
  residentId: string;
  regionCode: string;
}

/** What other modules may know of a resident without reading personal data. */
export interface ResidentRef {
  id: string;
  regionCode: string;
  /** 张*三: the name as views show it. */
  maskedName: string;
}

/** A resident as a worker's list shows them: masked name, ID number and phone. */
export interface ResidentCard extends ResidentRef {
  maskedIdNumber: string;
  maskedPhone: string;
  /** The ID number's blind index, to find the resident in imported records (never the number). */
  idNumberIndex: string;
}

export interface IdentityOptions {
  sessionTtlSeconds: number;
  lockout: { maxFailures: number; lockSeconds: number };
}

export interface NewResident {
  name: string;
  idNumber: string;
  phone: string;
  regionCode: string;
  synthetic?: boolean;
}

export interface ResolvedCredential {
  actor: Actor;
  csrfToken: string | null;
}

export class IdentityService {
  // Verifying against a real hash for unknown users keeps the timing of both answers alike.
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly repo: IdentityRepository,
    private readonly regions: RegionsService,
    private readonly vault: Vault,
    private readonly audit: AuditLog,
    private readonly cache: Cache,
    private readonly sms: SmsSender,
    private readonly events: EventBus,
    private readonly options: IdentityOptions,
  ) {}

  // What every request of a signed-in resident asks first, batched across the requests of a surge.
  private readonly sessionByHash = batchedLookup(
    (hashes) => this.repo.sessionsByHashes(hashes),
    (r) => r.token_hash,
  );
  private readonly residentRefById = batchedLookup(
    (ids) => this.repo.residentRefsByIds(ids),
    (r) => r.id,
    { uuids: true },
  );

  // ---------- residents: SMS sign-in ----------

  /**
   * Sends a one-time code to a mobile number: at most once a minute and SMS_PER_DAY times a day per
   * number, so neither a person's phone nor the SMS gateway can be flooded through it.
   */
  async requestSmsCode(rawPhone: string) {
    const phone = this.requirePhone(rawPhone);
    const key = this.vault.blindIndex('phone', phone);
    if (!(await this.cache.setIfAbsent(`sms:cooldown:${key}`, '1', SMS_RESEND)))
      throw new AppError('too_many', 'sms.too_soon', {
        retryAfterSeconds: await this.cache.ttl(`sms:cooldown:${key}`),
      });
    if ((await this.cache.increment(`sms:day:${key}`, 86_400)) > SMS_PER_DAY)
      throw new AppError('too_many', 'sms.daily_limit', {
        retryAfterSeconds: await this.cache.ttl(`sms:day:${key}`),
      });
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.cache.set(`sms:code:${key}`, sha256(code), SMS_TTL);
    await this.cache.del(`sms:tries:${key}`);
    try {
      await this.sms.send(phone, code);
    } catch {
      // A code the gateway did not take was never sent: it is not one of the day's, and the number
      // may ask again when told to.
      await Promise.all([
        this.cache.increment(`sms:day:${key}`, 86_400, -1),
        this.cache.del(`sms:code:${key}`),
        this.cache.set(`sms:cooldown:${key}`, '1', SMS_GATEWAY_RETRY),
      ]);
      throw new AppError('unavailable', 'sms.unavailable', { retryAfterSeconds: SMS_GATEWAY_RETRY });
    }
    return { sentTo: maskPhone(phone), expiresInSeconds: SMS_TTL, resendAfterSeconds: SMS_RESEND };
  }

  /** Exchanges a phone number and its code for a session; the first sign-in opens the account. */
  async residentSignIn(rawPhone: string, code: string): Promise<{ token: string; session: Session }> {
    const phone = this.requirePhone(rawPhone);
    const key = this.vault.blindIndex('phone', phone);
    const expected = await this.cache.get(`sms:code:${key}`);
    if (!expected || !safeEqual(expected, sha256(code.trim()))) {
      // Five wrong guesses burn the code, so a 6-digit code cannot be brute-forced.
      if (expected && (await this.cache.increment(`sms:tries:${key}`, SMS_TTL)) >= SMS_MAX_TRIES)
        await this.cache.del(`sms:code:${key}`);
      throw new AppError('unauthenticated', 'sms.code_invalid', {
        fields: [{ path: 'code', code: 'sms.code_invalid' }],
      });
    }
    if ((await this.cache.take(`sms:code:${key}`)) === null) throw new AppError('unauthenticated', 'sms.code_invalid');
    let account = await this.repo.upsertAccount({
      id: uuidv7(),
      phone_bidx: key,
      phone_masked: maskPhone(phone),
      resident_id: null,
    });
    if (!account.resident_id) {
      const holder = await this.repo.residentHoldingPhone(key);
      if (holder) {
        await this.repo.linkAccount(account.id, holder.id);
        await this.forgetCached(await this.repo.sessionHashesOf('resident', account.id));
        account = { ...account, resident_id: holder.id };
      }
    }
    return this.openSession('resident', account.id);
  }

  smsInbox() {
    return this.sms.inbox();
  }
  smsNotices() {
    return this.sms.notices();
  }

  /**
   * For other modules: sends a notice by SMS to the resident's registered phone. The number is
   * decrypted for the send only and never leaves this module; the send is audited as a read of the
   * phone for the caller's purpose. False when there is no such resident (any more).
   */
  async notifyResident(actor: Actor, residentId: string, notice: SmsNotice, purpose: AuditPurpose): Promise<boolean> {
    const row = await this.repo.residentById(residentId);
    if (!row) return false;
    await this.audit.record(actor, {
      action: 'read',
      subjectType: 'resident',
      subjectId: residentId,
      purpose,
      fields: ['phone'],
      regionCode: row.region_code,
    });
    await this.sms.notify(this.vault.process('phone', row.phone_enc), notice);
    return true;
  }

  // ---------- staff: password, TOTP, lockout ----------

  /** Password (argon2id) and, when enrolled, TOTP; too many failures lock the username for a while. */
  async staffSignIn(username: string, password: string, totp?: string): Promise<{ token: string; session: Session }> {
    const name = username.trim().toLowerCase();
    const lockKey = `lock:staff:${name}`;
    const locked = await this.cache.ttl(lockKey);
    if (locked > 0) throw new AppError('too_many', 'auth.locked', { retryAfterSeconds: locked });
    const staff = await this.repo.staffByUsername(name);
    const ok = staff
      ? await argonVerify(staff.password_hash, password)
      : (await argonVerify(await this.dummy(), password), false);
    if (!ok || !staff) return this.failSignIn(name, 'auth.bad_credentials');
    if (staff.totp_secret_enc) {
      if (!totp) throw new AppError('unauthenticated', 'auth.totp_required');
      const secret = this.vault.decryptSecret('totp', staff.totp_secret_enc);
      if (!authenticator.check(totp.trim(), secret)) return this.failSignIn(name, 'auth.totp_invalid');
      // A code works once: one seen over a shoulder or a wire cannot open a second session.
      if (!(await this.cache.setIfAbsent(`totp:used:${staff.id}:${totp.trim()}`, '1', 90)))
        return this.failSignIn(name, 'auth.totp_invalid');
    }
    if (staff.disabled) throw new AppError('forbidden', 'auth.disabled');
    await this.cache.del(`fail:staff:${name}`);
    return this.openSession('staff', staff.id);
  }

  private async failSignIn(name: string, code: 'auth.bad_credentials' | 'auth.totp_invalid'): Promise<never> {
    const { maxFailures, lockSeconds } = this.options.lockout;
    const failures = await this.cache.increment(`fail:staff:${name}`, lockSeconds);
    if (failures >= maxFailures) {
      await this.cache.set(`lock:staff:${name}`, '1', lockSeconds);
      await this.cache.del(`fail:staff:${name}`);
      throw new AppError('too_many', 'auth.locked', { retryAfterSeconds: lockSeconds });
    }
    throw new AppError('unauthenticated', code);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= argonHash(token(), ARGON);
    return this.dummyHash;
  }

  /** Starts TOTP enrolment; it takes effect once a code from the authenticator is confirmed. */
  async beginTotp(actor: Actor) {
    const staff = await this.requireStaffSelf(actor);
    const secret = authenticator.generateSecret();
    await this.repo.updateStaff(staff.id, { totp_pending_enc: this.vault.encrypt('totp', secret) });
    return { secret, otpauthUrl: authenticator.keyuri(staff.username, 'Zhengtong 政通', secret) };
  }

  async confirmTotp(actor: Actor, code: string) {
    const staff = await this.requireStaffSelf(actor);
    if (!staff.totp_pending_enc) throw invalid('auth.totp_invalid', [{ path: 'code', code: 'auth.totp_invalid' }]);
    const secret = this.vault.decryptSecret('totp', staff.totp_pending_enc);
    if (!authenticator.check(code.trim(), secret))
      throw invalid('auth.totp_invalid', [{ path: 'code', code: 'auth.totp_invalid' }]);
    await this.repo.updateStaff(staff.id, { totp_secret_enc: staff.totp_pending_enc, totp_pending_enc: null });
  }

  private async requireStaffSelf(actor: Actor): Promise<StaffRow> {
    if (actor.kind !== 'staff') throw forbidden();
    const staff = await this.repo.staffById(actor.id);
    if (!staff) throw unauthenticated();
    return staff;
  }

  // ---------- sessions and tokens ----------

  private async openSession(
    kind: 'staff' | 'resident',
    accountId: string,
  ): Promise<{ token: string; session: Session }> {
    const secret = token();
    const csrfToken = token(24);
    await this.repo.insertSession({
      token_hash: sha256(secret),
      account_kind: kind,
      account_id: accountId,
      csrf_token: csrfToken,
      expires_at: new Date(Date.now() + this.options.sessionTtlSeconds * 1000),
    });
    const resolved = await this.resolveSession(secret);
    if (!resolved.actor) throw unauthenticated();
    return { token: secret, session: await this.me(resolved.actor, csrfToken) };
  }

  /**
   * Load generation only (`npm run seed`, benchmarks): a session for each synthetic resident as if they
   * had signed in by phone, without the SMS round trip that a real person makes.
   */
  async seedResidentSessions(
    residents: { residentId: string; phone: string }[],
  ): Promise<{ residentId: string; token: string; csrfToken: string }[]> {
    const out: { residentId: string; token: string; csrfToken: string }[] = [];
    for (let i = 0; i < residents.length; i += 1000) {
      const batch = residents.slice(i, i + 1000).map((r) => ({
        account: {
          id: uuidv7(),
          phone_bidx: this.vault.blindIndex('phone', r.phone),
          phone_masked: maskPhone(r.phone),
          resident_id: r.residentId,
        },
        secret: token(),
        csrfToken: token(24),
        residentId: r.residentId,
      }));
      await this.repo.insertAccountsAndSessions(
        batch.map((b) => b.account),
        batch.map((b) => ({
          token_hash: sha256(b.secret),
          account_kind: 'resident' as const,
          account_id: b.account.id,
          csrf_token: b.csrfToken,
          expires_at: new Date(Date.now() + this.options.sessionTtlSeconds * 1000),
        })),
      );
      out.push(...batch.map((b) => ({ residentId: b.residentId, token: b.secret, csrfToken: b.csrfToken })));
    }
    return out;
  }

  /**
   * Resolves a session cookie to its actor; an unknown or expired cookie says so. The resolution is
   * cached briefly in the shared cache (every process sees the same), and dropped on sign-out or any
   * change to the account, so a hot path costs one cache read instead of two queries.
   */
  async resolveSession(
    secret: string,
  ): Promise<{ actor: Actor | null; csrfToken: string | null; problem: 'auth.session_expired' | null }> {
    const hash = sha256(secret);
    const cached = await this.cache.get(sessionKey(hash));
    if (cached) {
      const c = JSON.parse(cached) as { actor: Actor; csrfToken: string; expiresAt: number };
      if (c.expiresAt > Date.now()) return { actor: c.actor, csrfToken: c.csrfToken, problem: null };
    }
    const row = await this.sessionByHash(hash);
    if (!row || row.expires_at.getTime() <= Date.now())
      return { actor: null, csrfToken: null, problem: 'auth.session_expired' };
    const actor =
      row.account_kind === 'staff'
        ? await this.staffActor(row.account_id)
        : row.resident_account_id
          ? residentActorOf({ id: row.resident_account_id, resident_id: row.resident_id })
          : null;
    if (!actor) return { actor: null, csrfToken: null, problem: 'auth.session_expired' };
    const ttl = Math.min(SESSION_CACHE_SECONDS, Math.floor((row.expires_at.getTime() - Date.now()) / 1000));
    if (ttl > 0)
      await this.cache.set(
        sessionKey(hash),
        JSON.stringify({ actor, csrfToken: row.csrf_token, expiresAt: row.expires_at.getTime() }),
        ttl,
      );
    return { actor, csrfToken: row.csrf_token, problem: null };
  }

  async signOut(secret: string): Promise<void> {
    const hash = sha256(secret);
    await this.repo.deleteSession(hash);
    await this.forgetCached([hash]);
  }

  /** Deletes sessions past their expiry (hourly job); returns how many. */
  async purgeExpiredSessions(): Promise<number> {
    return this.repo.deleteExpiredSessions(new Date());
  }

  /** Forgets cached resolutions of these sessions, so a change to them applies on the next request. */
  private async forgetCached(sessionHashes: string[]) {
    await Promise.all(sessionHashes.map((h) => this.cache.del(sessionKey(h))));
  }

  private async staffActor(id: string): Promise<Actor | null> {
    const staff = await this.repo.staffById(id);
    if (!staff || staff.disabled) return null;
    return {
      kind: 'staff',
      id: staff.id,
      label: staff.username,
      roles: staff.roles,
      permissions: permissionsOf(staff.roles),
      jurisdiction: staff.jurisdiction_code,
      residentId: null,
    };
  }

  /** Resolves a machine client's bearer token to an actor limited to the token's scopes and region. */
  async resolveApiToken(secret: string): Promise<Actor | null> {
    const row = await this.repo.tokenByHash(sha256(secret));
    if (!row || row.revoked_at) return null;
    const now = new Date();
    // A coarse last-used time is enough and spares a write per request.
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000)
      await this.repo.touchToken(row.id, now);
    return {
      kind: 'token',
      id: row.id,
      label: `token:${row.name}`,
      roles: [],
      permissions: row.scopes,
      jurisdiction: row.jurisdiction_code,
      residentId: null,
    };
  }

  /** The signed-in user as the apps see it. */
  async me(actor: Actor, csrfToken: string): Promise<Session> {
    if (actor.kind === 'resident') {
      const resident = actor.residentId ? await this.repo.residentById(actor.residentId) : undefined;
      const account = await this.repo.accountById(actor.id);
      return {
        csrfToken,
        user: {
          id: actor.id,
          kind: 'resident',
          displayName: resident?.name_masked ?? account?.phone_masked ?? '',
          roles: ['resident'],
          permissions: [],
          jurisdiction: null,
          totpEnabled: false,
        },
      };
    }
    const staff = await this.repo.staffById(actor.id);
    if (!staff) throw unauthenticated();
    const jurisdiction = await this.regions.requireRef(staff.jurisdiction_code, 'jurisdictionCode');
    return {
      csrfToken,
      user: {
        id: staff.id,
        kind: 'staff',
        displayName: staff.display_name,
        username: staff.username,
        roles: staff.roles,
        permissions: permissionsOf(staff.roles),
        jurisdiction,
        totpEnabled: staff.totp_secret_enc !== null,
      },
    };
  }

  // ---------- staff administration ----------

  /** Staff accounts inside the admin's jurisdiction. */
  async listStaff(actor: Actor, q: { q?: string; limit: number; cursor?: string }) {
    this.require(actor, 'staff.manage');
    const rows = await this.repo.listStaff({
      withinRegion: actor.jurisdiction!,
      search: q.q,
      limit: q.limit + 1,
      after: q.cursor,
    });
    const page = rows.slice(0, q.limit);
    const refs = await this.regions.refs(page.map((r) => r.jurisdiction_code));
    return {
      items: page.map((r) => staffView(r, refs.get(r.jurisdiction_code)!)),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.username : null,
    };
  }

  /** Creates a staff account bound to a region inside the admin's own jurisdiction. */
  async createStaff(
    actor: Actor,
    input: {
      username: string;
      displayName: string;
      password: string;
      roles: Exclude<Role, 'resident'>[];
      jurisdictionCode: string;
    },
  ): Promise<Staff> {
    this.require(actor, 'staff.manage');
    const problems: FieldProblem[] = [];
    if (!strongPassword(input.password)) problems.push({ path: 'password', code: 'staff.weak_password' });
    if (problems.length) throw invalid('request.invalid', problems);
    const region = await this.regions.requireRef(input.jurisdictionCode, 'jurisdictionCode');
    this.requireWithin(actor, region.code, 'jurisdictionCode');
    if (await this.repo.staffByUsername(input.username))
      throw new AppError('conflict', 'staff.username_taken', {
        fields: [{ path: 'username', code: 'staff.username_taken' }],
      });
    const id = uuidv7();
    const passwordHash = await argonHash(input.password, ARGON);
    await this.inTransaction(async (trx) => {
      await this.repo.insertStaff(
        {
          id,
          username: input.username,
          display_name: input.displayName,
          password_hash: passwordHash,
          roles: [...new Set(input.roles)],
          jurisdiction_code: region.code,
          totp_secret_enc: null,
          totp_pending_enc: null,
        },
        trx,
      );
      await this.audit.record(
        actor,
        {
          action: 'create',
          subjectType: 'staff',
          subjectId: id,
          purpose: 'account-administration',
          regionCode: region.code,
        },
        trx,
      );
    });
    return staffView((await this.repo.staffById(id))!, region);
  }

  /** Changes roles, jurisdiction or status; disabling ends the account's sessions. */
  async updateStaff(
    actor: Actor,
    id: string,
    patch: { displayName?: string; roles?: Exclude<Role, 'resident'>[]; jurisdictionCode?: string; disabled?: boolean },
  ): Promise<Staff> {
    this.require(actor, 'staff.manage');
    const staff = await this.repo.staffById(id);
    if (!staff || !regionWithin(staff.jurisdiction_code, actor.jurisdiction!)) throw notFound();
    let regionCode = staff.jurisdiction_code;
    if (patch.jurisdictionCode) {
      regionCode = (await this.regions.requireRef(patch.jurisdictionCode, 'jurisdictionCode')).code;
      this.requireWithin(actor, regionCode, 'jurisdictionCode');
    }
    const sessions = await this.repo.sessionHashesOf('staff', id);
    await this.inTransaction(async (trx) => {
      await this.repo.updateStaff(
        id,
        {
          display_name: patch.displayName,
          roles: patch.roles ? [...new Set(patch.roles)] : undefined,
          jurisdiction_code: regionCode,
          disabled: patch.disabled,
        },
        trx,
      );
      if (patch.disabled) await this.repo.deleteSessionsOf('staff', id, trx);
      await this.audit.record(
        actor,
        {
          action: 'update',
          subjectType: 'staff',
          subjectId: id,
          purpose: 'account-administration',
          fields: Object.keys(patch),
          regionCode,
        },
        trx,
      );
    });
    // Cached session resolutions would otherwise keep the old roles (or a disabled account) for a minute.
    await this.forgetCached(sessions);
    const refs = await this.regions.refs([regionCode]);
    return staffView((await this.repo.staffById(id))!, refs.get(regionCode)!);
  }

  /** Creates a staff account during seeding, without an acting admin. */
  async seedStaff(input: {
    username: string;
    displayName: string;
    password: string;
    roles: Exclude<Role, 'resident'>[];
    jurisdictionCode: string;
  }) {
    if (await this.repo.staffByUsername(input.username)) return;
    await this.repo.insertStaff({
      id: uuidv7(),
      username: input.username,
      display_name: input.displayName,
      password_hash: await argonHash(input.password, ARGON),
      roles: input.roles,
      jurisdiction_code: input.jurisdictionCode,
      totp_secret_enc: null,
      totp_pending_enc: null,
    });
  }

  // ---------- API tokens ----------

  async listTokens(actor: Actor): Promise<{ items: ApiTokenItem[] }> {
    this.require(actor, 'tokens.manage');
    const rows = await this.repo.listTokens(actor.jurisdiction!);
    const refs = await this.regions.refs(rows.map((r) => r.jurisdiction_code));
    return {
      items: rows.map((r) => ({
        id: r.id,
        name: r.name,
        scopes: r.scopes,
        jurisdiction: refs.get(r.jurisdiction_code)!,
        createdAt: r.created_at.toISOString(),
        lastUsedAt: r.last_used_at?.toISOString() ?? null,
        revokedAt: r.revoked_at?.toISOString() ?? null,
      })),
    };
  }

  /** Issues a scoped token for a machine client; the secret is shown once and stored hashed. */
  async createToken(actor: Actor, input: { name: string; scopes: Permission[]; jurisdictionCode: string }) {
    this.require(actor, 'tokens.manage');
    const region = await this.regions.requireRef(input.jurisdictionCode, 'jurisdictionCode');
    this.requireWithin(actor, region.code, 'jurisdictionCode');
    const outside = input.scopes.filter((s) => !actor.permissions.includes(s));
    if (outside.length) throw invalid('field.not_allowed', [{ path: 'scopes', code: 'field.not_allowed' }]);
    const secret = `zt_${token()}`;
    const id = uuidv7();
    await this.inTransaction(async (trx) => {
      await this.repo.insertToken(
        {
          id,
          name: input.name,
          token_hash: sha256(secret),
          scopes: [...new Set(input.scopes)],
          jurisdiction_code: region.code,
          created_by: actor.id,
          last_used_at: null,
          revoked_at: null,
        },
        trx,
      );
      await this.audit.record(
        actor,
        {
          action: 'create',
          subjectType: 'api_token',
          subjectId: id,
          purpose: 'machine-access',
          regionCode: region.code,
        },
        trx,
      );
    });
    const item = (await this.listTokens(actor)).items.find((t) => t.id === id)!;
    return { token: secret, item };
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    this.require(actor, 'tokens.manage');
    const row = await this.repo.tokenById(id);
    if (!row || !regionWithin(row.jurisdiction_code, actor.jurisdiction!)) throw notFound();
    await this.inTransaction(async (trx) => {
      await this.repo.revokeToken(id, new Date(), trx);
      await this.audit.record(
        actor,
        {
          action: 'revoke',
          subjectType: 'api_token',
          subjectId: id,
          purpose: 'machine-access',
          regionCode: row.jurisdiction_code,
        },
        trx,
      );
    });
  }

  // ---------- residents ----------

  /** Validates and stores a resident; personal fields are encrypted, with blind indexes for lookup. */
  async registerResident(actor: Actor, input: NewResident): Promise<ResidentView> {
    if (!actor.permissions.includes('residents.write')) throw forbidden();
    const region = (await this.regions.refs([input.regionCode])).get(input.regionCode);
    // Every field problem is answered at once, the unknown region among them.
    const regionProblem: FieldProblem[] = region ? [] : [{ path: 'regionCode', code: 'region.unknown' }];
    let row: ResidentRow;
    try {
      row = this.encryptResident(input);
    } catch (e) {
      if (e instanceof AppError && e.details.fields) e.details.fields.push(...regionProblem);
      throw e;
    }
    if (!region) throw invalid('region.unknown', regionProblem);
    if (!can(actor, 'residents.write', region.code)) {
      throw actor.permissions.includes('residents.write')
        ? invalid('region.outside_jurisdiction', [{ path: 'regionCode', code: 'region.outside_jurisdiction' }])
        : forbidden();
    }
    if (await this.repo.residentByIdNumberIndex(row.id_number_bidx))
      throw new AppError('conflict', 'resident.id_number_taken', {
        fields: [{ path: 'idNumber', code: 'resident.id_number_taken' }],
      });
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.insertResidents([row], trx);
      await this.audit.record(
        actor,
        {
          action: 'create',
          subjectType: 'resident',
          subjectId: row.id,
          purpose: 'registration',
          fields: ['name', 'idNumber', 'phone'],
          regionCode: region.code,
        },
        trx,
      );
      const fact: ResidentRegistered = { residentId: row.id, regionCode: region.code };
      await this.events.publish(trx, RESIDENT_REGISTERED, fact);
    });
    return residentView(row, region);
  }

  /** Validates every field and answers all problems at once; returns the row to insert. */
  encryptResident(input: NewResident): ResidentRow {
    const problems: FieldProblem[] = [];
    const id = parseIdNumber(input.idNumber);
    if (!id.ok) problems.push({ path: 'idNumber', code: id.code });
    const phone = parsePhone(input.phone);
    if (!phone) problems.push({ path: 'phone', code: 'phone.format' });
    const name = input.name.trim();
    if (!name) problems.push({ path: 'name', code: 'field.required' });
    if (problems.length || !id.ok || !phone) throw invalid('request.invalid', problems);
    const v = this.vault;
    return {
      id: uuidv7(),
      region_code: input.regionCode,
      name_enc: v.encrypt('name', name),
      name_masked: maskName(name),
      id_number_enc: v.encrypt('idNumber', id.value.normalized),
      id_number_bidx: v.blindIndex('idNumber', id.value.normalized),
      id_number_masked: maskIdNumber(id.value.normalized),
      phone_enc: v.encrypt('phone', phone),
      phone_bidx: v.blindIndex('phone', phone),
      phone_masked: maskPhone(phone),
      gender: id.value.gender,
      birth_year: Number(id.value.birthDate.slice(0, 4)),
      synthetic: input.synthetic ?? false,
      created_at: new Date(),
    };
  }

  /** Bulk insert for the demo city and benchmarks. */
  async insertResidentRows(rows: ResidentRow[]): Promise<void> {
    await this.repo.insertResidents(rows);
  }

  countResidents() {
    return this.repo.countResidents();
  }

  /** Every resident's id in key order, a page at a time (synthetic load for benchmarks). */
  residentIdsAfter(after: string | null, limit: number): Promise<string[]> {
    return this.repo.residentIdsAfter(after, limit);
  }

  /** Residents in the actor's jurisdiction, or the one with a given ID number; each view is audited. */
  async listResidents(actor: Actor, q: { idNumber?: string; limit: number; cursor?: string }) {
    this.require(actor, 'residents.read');
    let rows: ResidentRow[];
    let more = false;
    if (q.idNumber) {
      const id = parseIdNumber(q.idNumber);
      if (!id.ok) throw invalid('request.invalid', [{ path: 'idNumber', code: id.code }]);
      const found = await this.repo.residentByIdNumberIndex(this.vault.blindIndex('idNumber', id.value.normalized));
      rows = found && can(actor, 'residents.read', found.region_code) ? [found] : [];
    } else {
      rows = await this.repo.listResidents({ withinRegion: actor.jurisdiction!, limit: q.limit + 1, after: q.cursor });
      more = rows.length > q.limit;
      rows = rows.slice(0, q.limit);
    }
    const items = await this.views(actor, rows, q.idNumber ? 'lookup-by-id-number' : 'list');
    return { items, nextCursor: more ? rows[rows.length - 1]!.id : null };
  }

  /** One resident; 404 when outside the actor's jurisdiction, as if it did not exist. */
  async getResident(actor: Actor, id: string): Promise<ResidentView> {
    const row = await this.repo.residentById(id);
    const own = actor.kind === 'resident' && actor.residentId === id;
    // A role that may read no resident anywhere is told so; only jurisdiction misses look like absence.
    if (actor.kind !== 'resident') this.require(actor, 'residents.read');
    if (!row || (!own && !can(actor, 'residents.read', row.region_code))) throw notFound('resident.not_found');
    const [view] = await this.views(actor, [row], own ? 'own-record' : 'view');
    return view!;
  }

  /** The signed-in resident's own record. */
  async myResident(actor: Actor): Promise<ResidentView> {
    if (actor.kind !== 'resident' || !actor.residentId) throw notFound('resident.not_found');
    return this.getResident(actor, actor.residentId);
  }

  private async views(actor: Actor, rows: ResidentRow[], purpose: AuditPurpose): Promise<ResidentView[]> {
    if (!rows.length) return [];
    const refs = await this.regions.refs(rows.map((r) => r.region_code));
    await this.audit.recordMany(
      actor,
      rows.map((r) => ({
        action: 'view',
        subjectType: 'resident',
        subjectId: r.id,
        purpose,
        fields: ['name', 'idNumber', 'phone'],
        regionCode: r.region_code,
      })),
    );
    return rows.map((r) => residentView(r, refs.get(r.region_code)!));
  }

  /** For other modules: a resident's region and masked name, without decrypting anything. */
  async residentRef(id: string): Promise<ResidentRef | null> {
    const row = await this.residentRefById(id);
    return row ? residentRef(row) : null;
  }

  /** For other modules: residents by id with their masked fields; the caller audits what it shows. */
  async residentCards(ids: string[]): Promise<Map<string, ResidentCard>> {
    const rows = await this.repo.residentsByIds([...new Set(ids)]);
    return new Map(
      rows.map((r) => [
        r.id,
        {
          ...residentRef(r),
          maskedIdNumber: r.id_number_masked,
          maskedPhone: r.phone_masked,
          idNumberIndex: r.id_number_bidx,
        },
      ]),
    );
  }

  /**
   * For other modules: the blind indexes of a resident's name, birth date and phone, to find duplicate
   * reports of the same person (decrypted for this computation only; nobody sees the values).
   */
  async personIndexes(residentId: string) {
    const row = await this.repo.residentById(residentId);
    if (!row) return null;
    const id = parseIdNumber(this.vault.process('idNumber', row.id_number_enc));
    return this.vault.personIndexes({
      name: this.vault.process('name', row.name_enc),
      birthDate: id.ok ? id.value.birthDate : null,
      phone: this.vault.process('phone', row.phone_enc),
    });
  }

  /**
   * For other modules' exports of personal data: the residents' name, ID number and phone in clear.
   * The caller states the purpose and audits every person it writes out.
   */
  async plainPeople(
    ids: string[],
  ): Promise<Map<string, { name: string; idNumber: string; phone: string; gender: string }>> {
    const rows = await this.repo.residentsByIds([...new Set(ids)]);
    return new Map(
      rows.map((r) => [
        r.id,
        {
          name: this.vault.process('name', r.name_enc),
          idNumber: this.vault.process('idNumber', r.id_number_enc),
          phone: this.vault.process('phone', r.phone_enc),
          gender: r.gender,
        },
      ]),
    );
  }

  /** For other modules: the residents holding ID numbers given by their blind index (imported records). */
  async residentRefsByIdNumberIndex(bidxs: string[]): Promise<Map<string, ResidentRef>> {
    const rows = await this.repo.residentsByIdNumberIndexes([...new Set(bidxs)]);
    return new Map(rows.map((r) => [r.id_number_bidx, residentRef(r)]));
  }

  /** For other modules: the resident holding an ID number (checked first), found by its blind index. */
  async residentRefByIdNumber(raw: string): Promise<ResidentRef | null> {
    const id = parseIdNumber(raw);
    if (!id.ok) throw invalid('request.invalid', [{ path: 'idNumber', code: id.code }]);
    const row = await this.repo.residentByIdNumberIndex(this.vault.blindIndex('idNumber', id.value.normalized));
    return row ? residentRef(row) : null;
  }

  /**
   * For other modules: the resident whose ID number and name both match, or null (the answer does not
   * tell which one failed, so it cannot be used to probe who is registered).
   */
  async matchResident(idNumber: string, name: string): Promise<ResidentRef | null> {
    const ref = await this.residentRefByIdNumber(idNumber);
    if (!ref) return null;
    const row = (await this.repo.residentById(ref.id))!;
    return this.vault.process('name', row.name_enc) === name.trim() ? ref : null;
  }

  /** Decrypts a resident's personal fields for a stated purpose (the vault audits the read). */
  async revealResident(actor: Actor, id: string, purpose: string) {
    if (!actor.permissions.includes('residents.reveal')) throw forbidden();
    const row = await this.repo.residentById(id);
    if (!row || !can(actor, 'residents.reveal', row.region_code)) throw notFound('resident.not_found');
    return this.vault.reveal(
      actor,
      { subjectType: 'resident', subjectId: id, regionCode: row.region_code, purpose },
      { name: row.name_enc, idNumber: row.id_number_enc, phone: row.phone_enc },
    );
  }

  // ---------- audit ----------

  /** Audit events about records inside the reader's jurisdiction. */
  async auditEvents(
    actor: Actor,
    q: {
      actorId?: string;
      subjectId?: string;
      action?: string;
      from?: string;
      to?: string;
      limit: number;
      cursor?: string;
    },
  ) {
    this.require(actor, 'audit.read');
    const rows = await this.audit.list({
      actorId: q.actorId,
      subjectId: q.subjectId,
      action: q.action,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      withinRegion: actor.jurisdiction,
      limit: q.limit + 1,
      before: q.cursor,
    });
    const page = rows.slice(0, q.limit);
    const items: AuditEvent[] = page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: { id: r.actor_id, kind: r.actor_kind, label: r.actor_label },
      action: r.action,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      purpose: r.purpose,
      fields: r.fields,
      regionCode: r.region_code,
    }));
    return { items, nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null };
  }

  /** Records that an audit extract left the system, so exports are themselves audited. */
  async recordAuditExport(actor: Actor) {
    await this.audit.record(actor, {
      action: 'export',
      subjectType: 'audit_events',
      subjectId: null,
      purpose: 'audit-export',
      regionCode: actor.jurisdiction,
    });
  }

  // ---------- helpers ----------

  /** A change and its audit record commit together or not at all. */
  private inTransaction<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return this.repo.db.transaction().execute((trx) => fn(trx as Db));
  }

  private require(actor: Actor, permission: Permission) {
    if (!actor.permissions.includes(permission) || (actor.kind !== 'system' && !actor.jurisdiction)) throw forbidden();
  }

  private requireWithin(actor: Actor, regionCode: string, field: string) {
    if (!regionWithin(regionCode, actor.jurisdiction!))
      throw invalid('region.outside_jurisdiction', [{ path: field, code: 'region.outside_jurisdiction' }]);
  }

  private requirePhone(raw: string): string {
    const phone = parsePhone(raw);
    if (!phone) throw invalid('phone.format', [{ path: 'phone', code: 'phone.format' }]);
    return phone;
  }
}

/** Compares secrets in constant time, so the answer's timing tells nothing about the expected value. */
export function safeEqual(a: string | undefined, b: string) {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function strongPassword(p: string) {
  return p.length >= 10 && /[A-Za-z]/.test(p) && /\d/.test(p);
}

function staffView(r: StaffRow, jurisdiction: Staff['jurisdiction']): Staff {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: r.roles,
    jurisdiction,
    disabled: r.disabled,
    totpEnabled: r.totp_secret_enc !== null,
    createdAt: r.created_at.toISOString(),
  };
}

function residentActorOf(account: { id: string; resident_id: string | null }): Actor {
  return {
    kind: 'resident',
    id: account.id,
    label: `resident:${account.id}`,
    roles: ['resident'],
    permissions: [],
    jurisdiction: null,
    residentId: account.resident_id,
  };
}

function residentRef(r: Pick<ResidentRow, 'id' | 'region_code' | 'name_masked'>): ResidentRef {
  return { id: r.id, regionCode: r.region_code, maskedName: r.name_masked };
}

function residentView(r: ResidentRow, region: ResidentView['region']): ResidentView {
  return {
    id: r.id,
    name: r.name_masked,
    idNumber: r.id_number_masked,
    phone: r.phone_masked,
    gender: r.gender,
    birthYear: r.birth_year,
    region,
    synthetic: r.synthetic,
  };
}

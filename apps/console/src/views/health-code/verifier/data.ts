import type { ScanAnswer } from '@zhengtong/web-core';
import {
  isHcert,
  verify,
  verifyHcert,
  type DccSignerKey,
  type TrustList,
  type Verification,
} from '@zhengtong/credentials';

export const TRUST_KEY = 'zt.verifier.trustList';
export const QUEUE_KEY = 'zt.verifier.queue';

export interface CachedTrust {
  list: TrustList;
  /** EU DCC signer keys, for inbound travellers' HC1 certificates. */
  dcc?: DccSignerKey[];
  fetchedAt: string;
}

export interface QueuedScan {
  text: string;
  placeId?: string;
  scannedAt: string;
}

/** What the checkpoint screen shows for one verification, decided offline. */
export interface Outcome {
  ok: boolean;
  colour: 'green' | 'yellow' | 'red' | null;
  maskedName: string | null;
  /** i18n key of the answer (valid, expired, bad signature, …). */
  label: string;
  issuer: string | null;
  isHealthCode: boolean;
  /** i18n key of a line saying the server's answer replaced the one made on this device. */
  serverNote?: 'verifier.serverColour' | 'verifier.serverRejected';
  /** For an EU DCC: whose it is and what it proves (a verifier checks it against the passport). */
  traveller?: { name: string; dob: string; kind: 'vaccination' | 'test' | 'recovery'; detail: Record<string, unknown> };
}

/** Verifies a ZT1 code, or an EU DCC (HC1), offline against the cached lists. */
export async function checkAny(text: string, trust: CachedTrust | null, nowMs = Date.now()): Promise<Outcome> {
  if (!isHcert(text.trim())) return checkOffline(text, trust, nowMs);
  const v = await verifyHcert(text.trim(), trust?.dcc ?? [], Math.floor(nowMs / 1000));
  if (v.result !== 'valid')
    return {
      ok: false,
      colour: null,
      maskedName: null,
      label: v.result === 'malformed' ? 'verifier.result.malformed_cose' : `verifier.result.${v.result}`,
      issuer: null,
      isHealthCode: false,
    };
  return {
    ok: true,
    colour: null,
    maskedName: null,
    label: `verifier.result.dcc_${v.kind}`,
    issuer: v.country,
    isHealthCode: false,
    traveller: {
      name: `${v.holder.familyName} ${v.holder.givenName}`.trim(),
      dob: v.holder.dob,
      kind: v.kind,
      detail: v.entry,
    },
  };
}

/** Verifies QR text against the cached trust list, offline; never throws. */
export function checkOffline(text: string, trust: CachedTrust | null, nowMs = Date.now()): Outcome {
  if (!trust)
    return {
      ok: false,
      colour: null,
      maskedName: null,
      label: 'verifier.result.no_trust_list',
      issuer: null,
      isHealthCode: false,
    };
  const v: Verification = verify(text.trim(), trust.list, Math.floor(nowMs / 1000));
  if (v.result !== 'valid')
    return {
      ok: false,
      colour: null,
      maskedName: null,
      label: v.result === 'malformed' ? labelOf(v.result, v.stage) : labelOf(v.result),
      issuer: null,
      isHealthCode: false,
    };
  const body = v.claims.zt;
  if (body.t !== 'hc')
    return {
      ok: true,
      colour: null,
      maskedName: null,
      label: `verifier.result.valid_${body.t}`,
      issuer: v.claims.iss,
      isHealthCode: false,
    };
  return {
    ok: true,
    colour: body.c,
    maskedName: body.n ?? null,
    label: 'verifier.result.valid',
    issuer: v.claims.iss,
    isHealthCode: true,
  };
}

/** Scans waiting to be recorded, oldest first; a full queue drops nothing (storage is the limit). */
export function readQueue(storage: Pick<Storage, 'getItem'>): QueuedScan[] {
  try {
    const raw = storage.getItem(QUEUE_KEY);
    return raw ? (JSON.parse(raw) as QueuedScan[]) : [];
  } catch {
    return [];
  }
}

export function writeQueue(storage: Pick<Storage, 'setItem'>, queue: QueuedScan[]) {
  storage.setItem(QUEUE_KEY, JSON.stringify(queue));
}

/**
 * Whether the server's answer means the scan will never be accepted (bad or too old): such a scan is
 * dropped from the queue. Signed out, rate-limited or server trouble keep it for the next try.
 */
export function refusedForGood(status: number): boolean {
  return status === 400 || status === 404 || status === 409 || status === 422;
}

/**
 * Sends queued scans one by one; stops at the first network failure and keeps the rest. A scan the
 * server refuses outright (too old, invalid) is dropped: retrying would not change the answer.
 */
export async function syncQueue(
  queue: QueuedScan[],
  send: (scan: QueuedScan) => Promise<'sent' | 'refused' | 'offline'>,
): Promise<QueuedScan[]> {
  const rest = [...queue];
  while (rest.length) {
    const outcome = await send(rest[0]!);
    if (outcome === 'offline') break;
    rest.shift();
  }
  return rest;
}

/** The i18n key that names a verification answer, including which stage a malformed code failed at. */
function labelOf(result: string, stage?: string): string {
  return result === 'malformed' ? `verifier.result.malformed_${stage ?? 'cose'}` : `verifier.result.${result}`;
}

/**
 * The server's answer to a scan wins over the one made on this device: its trust list may be newer
 * (a key revoked since the cache was filled), and for a week-long printed card it gives the
 * person's colour now, not the one printed.
 */
export function withServerAnswer(local: Outcome, answer: ScanAnswer): Outcome {
  if (answer.result !== 'valid')
    return {
      ok: false,
      colour: null,
      maskedName: null,
      label: labelOf(answer.result, answer.stage),
      issuer: null,
      isHealthCode: false,
      ...(local.ok ? { serverNote: 'verifier.serverRejected' as const } : {}),
    };
  const colour = answer.colour ?? local.colour;
  return {
    ...local,
    ok: true,
    colour,
    maskedName: answer.maskedName ?? local.maskedName,
    issuer: answer.issuer ?? local.issuer,
    isHealthCode: local.isHealthCode || answer.colour !== undefined,
    label: local.ok ? local.label : 'verifier.result.valid',
    ...(local.ok && colour !== local.colour ? { serverNote: 'verifier.serverColour' as const } : {}),
  };
}

/** How old the cached trust list is, for the status line; stale after a day without refreshing. */
export function trustAge(
  fetchedAt: string,
  nowMs = Date.now(),
): { key: 'justNow' | 'minutes' | 'hours' | 'days'; n: number; stale: boolean } {
  const minutes = Math.max(0, Math.floor((nowMs - Date.parse(fetchedAt)) / 60_000));
  const stale = minutes >= 24 * 60;
  if (minutes < 1) return { key: 'justNow', n: 0, stale };
  if (minutes < 60) return { key: 'minutes', n: minutes, stale };
  if (minutes < 24 * 60) return { key: 'hours', n: Math.floor(minutes / 60), stale };
  return { key: 'days', n: Math.floor(minutes / (24 * 60)), stale };
}

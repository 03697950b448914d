import type { FastifyBaseLogger } from 'fastify';
import type { Cache } from '../cache/index.ts';
import { maskPhone } from '../vault/mask.ts';

/** Where one-time codes go. Production plugs in a carrier's SMS gateway behind this interface. */
export interface SmsSender {
  readonly name: string;
  send(phone: string, code: string): Promise<void>;
  /** Recent messages, for the development inbox; null when the adapter keeps none. */
  inbox(): Promise<{ phone: string; code: string; sentAt: string }[]> | null;
}

const INBOX_KEY = 'sms:dev-inbox';
const INBOX_SIZE = 50;

/**
 * Development adapter: keeps the last codes in the shared cache (so any app process shows them)
 * and logs them with the phone masked. Never runs in production.
 */
export function devSmsSender(cache: Cache, log: FastifyBaseLogger, env: string): SmsSender {
  if (env === 'production')
    throw new Error('The development SMS adapter refuses to run with NODE_ENV=production: set ZT_SMS_WEBHOOK_URL');
  return {
    name: 'dev',
    async send(phone, code) {
      const entry = { phone: maskPhone(phone), code, sentAt: new Date().toISOString() };
      const list = JSON.parse((await cache.get(INBOX_KEY)) ?? '[]') as (typeof entry)[];
      await cache.set(INBOX_KEY, JSON.stringify([entry, ...list].slice(0, INBOX_SIZE)), 3600);
      log.info({ sms: `dev SMS to ${entry.phone}: ${code}` }, 'dev sms sent');
    },
    async inbox() {
      return JSON.parse((await cache.get(INBOX_KEY)) ?? '[]');
    },
  };
}

/**
 * Production adapter: posts `{ phone, code, template }` as JSON to the operator's SMS gateway (the
 * carrier or cloud SMS service behind it is theirs to choose), with an optional bearer token.
 * A non-2xx answer or no answer within 5 s is a failure, which the caller reports as unavailable.
 */
export function webhookSmsSender(url: string, token: string | null): SmsSender {
  return {
    name: 'webhook',
    async send(phone, code) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ phone, code, template: 'sign-in-code' }),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
    },
    inbox: () => null,
  };
}

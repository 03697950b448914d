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
  if (env === 'production') throw new Error('The development SMS adapter refuses to run with NODE_ENV=production');
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

import type { FastifyBaseLogger } from 'fastify';
import type { Cache, CacheScript } from '../cache/index.ts';
import { maskPhone } from '../vault/mask.ts';

/**
 * A notice to a person: mainland carriers send only registered templates, so a gateway gets the
 * template's name and its parameters; `text` is the same message written out (for logs of the
 * development adapter and for gateways that take free text).
 */
export interface SmsNotice {
  template: string;
  params: Record<string, string>;
  text: string;
}

/** Where one-time codes and notices go. Production plugs in a carrier's SMS gateway behind this interface. */
export interface SmsSender {
  readonly name: string;
  send(phone: string, code: string): Promise<void>;
  notify(phone: string, notice: SmsNotice): Promise<void>;
  /** Recent messages, for the development inbox; null when the adapter keeps none. */
  inbox(): Promise<{ phone: string; code: string; sentAt: string }[]> | null;
  /** Recent notices, for the development inbox; null when the adapter keeps none. */
  notices(): Promise<{ phone: string; template: string; text: string; sentAt: string }[]> | null;
}

const INBOX_KEY = 'sms:dev-inbox';
const NOTICES_KEY = 'sms:dev-notices';
const INBOX_SIZE = 50;

/**
 * Puts an entry first in a JSON list kept to its newest ARGV[2], in one step: codes sent at once (a
 * crowd signing in) each read and rewrote the list, and all but one were lost from the inbox.
 * KEYS: the list. ARGV: the entry (JSON), how many to keep, ttl.
 */
const PREPEND: CacheScript = {
  lua: `local list = cjson.decode(redis.call('GET', KEYS[1]) or '[]')
    table.insert(list, 1, cjson.decode(ARGV[1]))
    for i = #list, tonumber(ARGV[2]) + 1, -1 do table.remove(list, i) end
    redis.call('SET', KEYS[1], cjson.encode(list), 'EX', tonumber(ARGV[3]))
    return #list`,
  async local(cache, [key], [entry, keep, ttl]) {
    const list = JSON.parse((await cache.get(key!)) ?? '[]') as unknown[];
    const next = [JSON.parse(entry!), ...list].slice(0, Number(keep));
    await cache.set(key!, JSON.stringify(next), Number(ttl));
    return next.length;
  },
};

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
      await cache.run(PREPEND, [INBOX_KEY], [JSON.stringify(entry), INBOX_SIZE, 3600]);
      log.info({ sms: `dev SMS to ${entry.phone}: ${code}` }, 'dev sms sent');
    },
    async notify(phone, notice) {
      const entry = {
        phone: maskPhone(phone),
        template: notice.template,
        text: notice.text,
        sentAt: new Date().toISOString(),
      };
      await cache.run(PREPEND, [NOTICES_KEY], [JSON.stringify(entry), INBOX_SIZE, 3600]);
      log.info({ sms: `dev SMS notice to ${entry.phone}: ${notice.template}` }, 'dev sms sent');
    },
    async inbox() {
      return JSON.parse((await cache.get(INBOX_KEY)) ?? '[]');
    },
    async notices() {
      return JSON.parse((await cache.get(NOTICES_KEY)) ?? '[]');
    },
  };
}

/**
 * Production adapter: posts `{ phone, code, template }` (a sign-in code) or `{ phone, template,
 * params, text }` (a notice) as JSON to the operator's SMS gateway (the
 * carrier or cloud SMS service behind it is theirs to choose), with an optional bearer token.
 * A non-2xx answer or no answer within 5 s is a failure, which the caller reports as unavailable.
 */
export function webhookSmsSender(url: string, token: string | null): SmsSender {
  const post = async (body: object) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
  };
  return {
    name: 'webhook',
    send: (phone, code) => post({ phone, code, template: 'sign-in-code' }),
    notify: (phone, { template, params, text }) => post({ phone, template, params, text }),
    inbox: () => null,
    notices: () => null,
  };
}

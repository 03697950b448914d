import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { AppError } from '../errors.ts';

/** What a script answers, as Redis turns a Lua value into a reply: integers, strings, null, arrays. */
export type ScriptReply = number | string | null | ScriptReply[];

/**
 * A few steps on the shared state taken as one: on Redis a Lua script (one round trip, atomic);
 * `local` is the same steps on the cache's own operations, for the embedded single-process mode.
 * Both answer the same reply, so a test on either checks the one the other runs.
 */
export interface CacheScript {
  lua: string;
  local(cache: Cache, keys: string[], args: string[]): Promise<ScriptReply>;
}

/**
 * Short-lived shared state (one-time codes, lockout counters, rate limits). Redis when configured,
 * so every app process sees the same values; an in-process map for the single-process embedded mode.
 */
export interface Cache {
  kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Sets only when absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Reads and deletes in one step, so a one-time value is used once. */
  take(key: string): Promise<string | null>;
  /** Increments (by `by`, default 1) and, on the first increment, starts the window. */
  increment(key: string, windowSeconds: number, by?: number): Promise<number>;
  /** Adds a member to a ranked set at `score` unless it is there already; true when added. */
  rankedAdd(key: string, member: string, score: number, ttlSeconds: number): Promise<boolean>;
  /** The member's 0-based rank by score (ties by member), or null when absent. */
  rank(key: string, member: string): Promise<number | null>;
  rankedCount(key: string): Promise<number>;
  /** Takes one from a counter above zero (atomic): the new value, -1 when it was at zero, null when absent. */
  decrementIfPositive(key: string): Promise<number | null>;
  /** Raises a counter to `value` if it is lower (atomic); answers the counter afterwards. */
  raiseTo(key: string, value: number, ttlSeconds: number): Promise<number>;
  /** Every member, lowest score first. */
  rankedMembers(key: string): Promise<string[]>;
  ttl(key: string): Promise<number>;
  del(key: string): Promise<void>;
  /** Runs the script on these keys (prefixed like every key) and arguments. */
  run(script: CacheScript, keys: string[], args: (string | number)[]): Promise<ScriptReply>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The Redis client for libraries that speak Redis themselves (rate limiting). */
  redis: Redis | null;
}

/**
 * A cache that cannot be reached (down, or the connection lost mid-command) is a 503 with Retry-After
 * the apps retry, like a database that cannot be reached: not an unexplained 500.
 */
export function translateCacheError(error: unknown): AppError | null {
  const e = error as Error | null;
  if (e?.name === 'MaxRetriesPerRequestError' || e?.message === 'Connection is closed.')
    return new AppError('unavailable', 'server.unavailable', { retryAfterSeconds: 5 });
  return null;
}

export function createCache(redisUrl: string | null, prefix = 'zt:'): Cache {
  return redisUrl ? redisCache(redisUrl, prefix) : memoryCache();
}

function redisCache(url: string, prefix: string): Cache {
  // Auto-pipelining sends the commands of many requests issued in the same tick as one write: under a
  // surge each request's few commands stop costing a round trip each.
  const redis = new Redis(url, {
    keyPrefix: prefix,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    enableAutoPipelining: true,
  });
  redis.on('error', () => {}); // readiness reports it; commands reject on their own
  // A script is sent by its hash (EVALSHA) and its text only when this Redis has not seen it yet.
  // (ioredis's defineCommand would do the same, but a command defined after the first auto-pipeline
  // was made is missing from it.)
  const hashes = new Map<string, string>();
  const run = async (script: CacheScript, keys: string[], args: (string | number)[]): Promise<ScriptReply> => {
    let sha = hashes.get(script.lua);
    if (!sha) hashes.set(script.lua, (sha = createHash('sha1').update(script.lua).digest('hex')));
    try {
      return (await redis.evalsha(sha, keys.length, ...keys, ...args)) as ScriptReply;
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return (await redis.eval(script.lua, keys.length, ...keys, ...args)) as ScriptReply;
    }
  };
  return {
    kind: 'redis',
    redis,
    get: (k) => redis.get(k),
    set: async (k, v, ttl) => {
      await redis.set(k, v, 'EX', ttl);
    },
    setIfAbsent: async (k, v, ttl) => (await redis.set(k, v, 'EX', ttl, 'NX')) === 'OK',
    take: (k) => redis.getdel(k),
    increment: async (k, window, by = 1) => {
      const [[, n]] = (await redis.multi().incrby(k, by).expire(k, window, 'NX').exec()) as [[null, number]];
      return n;
    },
    rankedAdd: async (k, member, score, ttl) => {
      const [[, added]] = (await redis.multi().zadd(k, 'NX', score, member).expire(k, ttl).exec()) as [[null, number]];
      return added === 1;
    },
    rank: (k, member) => redis.zrank(k, member),
    rankedCount: (k) => redis.zcard(k),
    decrementIfPositive: async (k) => {
      const v = await run(DECREMENT_IF_POSITIVE, [k], []);
      return v === null ? null : Number(v);
    },
    raiseTo: async (k, value, ttl) => Number(await run(RAISE_TO, [k], [value, ttl])),
    rankedMembers: (k) => redis.zrange(k, 0, -1),
    ttl: async (k) => Math.max(0, await redis.ttl(k)),
    del: async (k) => {
      await redis.del(k);
    },
    ping: async () => {
      await redis.ping();
    },
    run,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function memoryCache(): Cache {
  const store = new Map<string, { value: string; expiresAt: number }>();
  // Ranked sets kept sorted by (score, member), as Redis orders them, so a rank is a binary search.
  const ranked = new Map<string, { scores: Map<string, number>; order: [number, string][]; expiresAt: number }>();
  const liveRanked = (k: string) => {
    const e = ranked.get(k);
    if (e && e.expiresAt <= Date.now()) ranked.delete(k);
    return e && e.expiresAt > Date.now() ? e : null;
  };
  const before = (a: [number, string], b: [number, string]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  const position = (order: [number, string][], x: [number, string]) => {
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(order[mid]!, x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const live = (k: string) => {
    const e = store.get(k);
    if (!e) return null;
    if (e.expiresAt <= Date.now()) {
      store.delete(k);
      return null;
    }
    return e;
  };
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [k, e] of store) if (e.expiresAt <= now) store.delete(k);
  }, 60_000);
  sweep.unref();
  let scripts: Promise<unknown> = Promise.resolve();
  const cache: Cache = {
    kind: 'memory',
    redis: null,
    get: async (k) => live(k)?.value ?? null,
    set: async (k, v, ttl) => {
      store.set(k, { value: v, expiresAt: Date.now() + ttl * 1000 });
    },
    setIfAbsent: async (k, v, ttl) => {
      if (live(k)) return false;
      store.set(k, { value: v, expiresAt: Date.now() + ttl * 1000 });
      return true;
    },
    take: async (k) => {
      const e = live(k);
      store.delete(k);
      return e?.value ?? null;
    },
    increment: async (k, window, by = 1) => {
      const e = live(k);
      const n = (e ? Number(e.value) : 0) + by;
      store.set(k, { value: String(n), expiresAt: e ? e.expiresAt : Date.now() + window * 1000 });
      return n;
    },
    rankedAdd: async (k, member, score, ttl) => {
      let e = liveRanked(k);
      if (!e) ranked.set(k, (e = { scores: new Map(), order: [], expiresAt: 0 }));
      e.expiresAt = Date.now() + ttl * 1000;
      if (e.scores.has(member)) return false;
      e.scores.set(member, score);
      e.order.splice(position(e.order, [score, member]), 0, [score, member]);
      return true;
    },
    rank: async (k, member) => {
      const e = liveRanked(k);
      const score = e?.scores.get(member);
      return e && score !== undefined ? position(e.order, [score, member]) : null;
    },
    rankedCount: async (k) => liveRanked(k)?.order.length ?? 0,
    decrementIfPositive: async (k) => {
      const e = live(k);
      if (!e) return null;
      if (Number(e.value) <= 0) return -1;
      e.value = String(Number(e.value) - 1);
      return Number(e.value);
    },
    raiseTo: async (k, value, ttl) => {
      const v = Math.max(Number(live(k)?.value ?? 0), value);
      store.set(k, { value: String(v), expiresAt: Date.now() + ttl * 1000 });
      return v;
    },
    rankedMembers: async (k) => liveRanked(k)?.order.map(([, m]) => m) ?? [],
    ttl: async (k) => {
      const e = live(k);
      return e ? Math.ceil((e.expiresAt - Date.now()) / 1000) : 0;
    },
    del: async (k) => {
      store.delete(k);
      ranked.delete(k);
    },
    ping: async () => {},
    // One script at a time, as Redis runs them: a script's steps each await, and two scripts started
    // together would otherwise read the same state between each other's steps.
    run: (script, keys, args) => {
      const reply = scripts.then(() => script.local(cache, keys, args.map(String)));
      scripts = reply.catch(() => undefined);
      return reply;
    },
    close: async () => {
      clearInterval(sweep);
      store.clear();
      ranked.clear();
    },
  };
  return cache;
}

const DECREMENT_IF_POSITIVE: CacheScript = {
  lua: `local v = redis.call('GET', KEYS[1])
    if not v then return nil end
    if tonumber(v) <= 0 then return -1 end
    return redis.call('DECR', KEYS[1])`,
  local: (cache, [k]) => cache.decrementIfPositive(k!),
};

const RAISE_TO: CacheScript = {
  lua: `local v = tonumber(redis.call('GET', KEYS[1]) or '0')
    if tonumber(ARGV[1]) > v then v = tonumber(ARGV[1]); redis.call('SET', KEYS[1], v) end
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    return v`,
  local: (cache, [k], [value, ttl]) => cache.raiseTo(k!, Number(value), Number(ttl)),
};

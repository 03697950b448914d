import { Redis } from 'ioredis';

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
  /** Increments and, on the first increment, starts the window. */
  increment(key: string, windowSeconds: number): Promise<number>;
  ttl(key: string): Promise<number>;
  del(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The Redis client for libraries that speak Redis themselves (rate limiting). */
  redis: Redis | null;
}

export function createCache(redisUrl: string | null, prefix = 'zt:'): Cache {
  return redisUrl ? redisCache(redisUrl, prefix) : memoryCache();
}

function redisCache(url: string, prefix: string): Cache {
  const redis = new Redis(url, { keyPrefix: prefix, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  redis.on('error', () => {}); // readiness reports it; commands reject on their own
  return {
    kind: 'redis',
    redis,
    get: (k) => redis.get(k),
    set: async (k, v, ttl) => {
      await redis.set(k, v, 'EX', ttl);
    },
    setIfAbsent: async (k, v, ttl) => (await redis.set(k, v, 'EX', ttl, 'NX')) === 'OK',
    take: (k) => redis.getdel(k),
    increment: async (k, window) => {
      const [[, n]] = (await redis.multi().incr(k).expire(k, window, 'NX').exec()) as [[null, number]];
      return n;
    },
    ttl: async (k) => Math.max(0, await redis.ttl(k)),
    del: async (k) => {
      await redis.del(k);
    },
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function memoryCache(): Cache {
  const store = new Map<string, { value: string; expiresAt: number }>();
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
  return {
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
    increment: async (k, window) => {
      const e = live(k);
      const n = e ? Number(e.value) + 1 : 1;
      store.set(k, { value: String(n), expiresAt: e ? e.expiresAt : Date.now() + window * 1000 });
      return n;
    },
    ttl: async (k) => {
      const e = live(k);
      return e ? Math.ceil((e.expiresAt - Date.now()) / 1000) : 0;
    },
    del: async (k) => {
      store.delete(k);
    },
    ping: async () => {},
    close: async () => {
      clearInterval(sweep);
      store.clear();
    },
  };
}

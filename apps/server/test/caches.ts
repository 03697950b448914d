import { randomBytes } from 'node:crypto';
import { createCache, type Cache } from '../src/platform/cache/index.ts';

/**
 * The caches a test must hold on: the embedded one, and Redis when REDIS_URL is set (a key prefix of
 * its own per cache made, so runs and tests do not see each other's keys).
 */
export const testCaches: [kind: string, make: () => Cache][] = [
  ['memory', () => createCache(null)],
  ...(process.env.REDIS_URL
    ? [
        ['redis', () => createCache(process.env.REDIS_URL!, `zt-test:${randomBytes(6).toString('hex')}:`)] as [
          string,
          () => Cache,
        ],
      ]
    : []),
];

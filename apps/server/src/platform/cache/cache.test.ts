import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { testCaches } from '../../../test/caches.ts';
import { createCache, type Cache, type CacheScript } from './index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('memory cache', () => {
  let cache: Cache;
  beforeAll(() => {
    cache = createCache(null);
  });
  afterAll(() => cache.close());
  afterEach(() => vi.useRealTimers());

  it('take answers a value once', async () => {
    await cache.set('k', 'v', 60);
    expect(await cache.take('k')).toBe('v');
    expect(await cache.take('k')).toBeNull();
    expect(await cache.get('k')).toBeNull();
  });

  it('setIfAbsent sets once, and again after expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    expect(await cache.setIfAbsent('once', 'a', 10)).toBe(true);
    expect(await cache.setIfAbsent('once', 'b', 10)).toBe(false);
    expect(await cache.get('once')).toBe('a');
    vi.advanceTimersByTime(10_001);
    expect(await cache.get('once')).toBeNull();
    expect(await cache.setIfAbsent('once', 'c', 10)).toBe(true);
  });

  it('increment keeps the window of the first increment', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    expect(await cache.increment('n', 60)).toBe(1);
    vi.advanceTimersByTime(30_000);
    expect(await cache.increment('n', 60)).toBe(2);
    expect(await cache.ttl('n')).toBe(30);
    vi.advanceTimersByTime(30_001);
    expect(await cache.increment('n', 60)).toBe(1);
  });

  it('expires values and reports remaining seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await cache.set('t', 'x', 5);
    expect(await cache.ttl('t')).toBe(5);
    vi.advanceTimersByTime(5_000);
    expect(await cache.get('t')).toBeNull();
    expect(await cache.ttl('t')).toBe(0);
  });
});

describe.runIf(process.env.REDIS_URL)('redis cache (same semantics)', () => {
  let cache: Cache;
  let other: Cache;
  beforeAll(() => {
    const prefix = `zt-test:${randomBytes(6).toString('hex')}:`;
    cache = createCache(process.env.REDIS_URL!, prefix);
    other = createCache(process.env.REDIS_URL!, `${prefix}other:`);
  });
  afterAll(async () => {
    for (const k of ['k', 'once', 'n', 'shared']) await cache.del(k);
    await cache.close();
    await other.close();
  });

  it('take answers a value once, also across clients', async () => {
    await cache.set('k', 'v', 60);
    expect(await cache.take('k')).toBe('v');
    expect(await cache.take('k')).toBeNull();
  });

  it('setIfAbsent sets once', async () => {
    expect(await cache.setIfAbsent('once', 'a', 10)).toBe(true);
    expect(await cache.setIfAbsent('once', 'b', 10)).toBe(false);
    expect(await cache.get('once')).toBe('a');
  });

  it('increment keeps the window of the first increment and restarts after it', async () => {
    expect(await cache.increment('n', 1)).toBe(1);
    expect(await cache.increment('n', 100)).toBe(2);
    expect(await cache.ttl('n')).toBeLessThanOrEqual(1);
    await sleep(1_100);
    expect(await cache.increment('n', 1)).toBe(1);
  });

  it('keeps key prefixes apart', async () => {
    await cache.set('shared', 'mine', 60);
    expect(await other.get('shared')).toBeNull();
    expect(await cache.ttl('missing')).toBe(0);
  });
});

// The waiting room orders people by these sets, so the embedded map must rank exactly as Redis does.
describe.each(testCaches)('%s cache: ranked sets and counted increments', (_name, make) => {
  let cache: Cache;
  beforeAll(() => {
    cache = make();
  });
  afterAll(async () => {
    for (const k of ['line', 'by', 'left', 'pair:a', 'pair:b']) await cache.del(k);
    await cache.close();
  });

  it('ranks members by score, ties by member, and keeps the first score of a member', async () => {
    expect(await cache.rankedAdd('line', 'b', 2, 60)).toBe(true);
    expect(await cache.rankedAdd('line', 'a', 2, 60)).toBe(true);
    expect(await cache.rankedAdd('line', 'c', 0.5, 60)).toBe(true);
    expect(await cache.rankedAdd('line', 'c', 9, 60)).toBe(false);
    expect(await cache.rankedMembers('line')).toEqual(['c', 'a', 'b']);
    expect(await cache.rank('line', 'b')).toBe(2);
    expect(await cache.rank('line', 'nobody')).toBeNull();
    expect(await cache.rankedCount('line')).toBe(3);
    await cache.del('line');
    expect(await cache.rankedCount('line')).toBe(0);
  });

  it('increments by more than one, and raises a counter only upwards', async () => {
    expect(await cache.increment('by', 60, 5)).toBe(5);
    expect(await cache.increment('by', 60, -2)).toBe(3);
    expect(await cache.raiseTo('by', 2, 60)).toBe(3);
    expect(await cache.raiseTo('by', 7, 60)).toBe(7);
    expect(await cache.get('by')).toBe('7');
  });

  it('takes from a counter only while it is above zero', async () => {
    expect(await cache.decrementIfPositive('left')).toBeNull();
    await cache.set('left', '2', 60);
    expect(await cache.decrementIfPositive('left')).toBe(1);
    expect(await cache.decrementIfPositive('left')).toBe(0);
    expect(await cache.decrementIfPositive('left')).toBe(-1);
    expect(await cache.get('left')).toBe('0');
  });

  it('runs a script as one step, the same on both, also beside other commands of the same tick', async () => {
    // Swaps two values and answers the old ones: on Redis one round trip, in memory the same steps.
    const swap: CacheScript = {
      lua: `local a = redis.call('GET', KEYS[1])
        local b = redis.call('GET', KEYS[2])
        redis.call('SET', KEYS[1], b, 'EX', ARGV[1])
        redis.call('SET', KEYS[2], a, 'EX', ARGV[1])
        return {a, b, tonumber(ARGV[1])}`,
      async local(c, [ka, kb], [ttl]) {
        const [a, b] = [await c.get(ka!), await c.get(kb!)];
        await c.set(ka!, b!, Number(ttl));
        await c.set(kb!, a!, Number(ttl));
        return [a, b, Number(ttl)];
      },
    };
    await Promise.all([cache.set('pair:a', '1', 60), cache.set('pair:b', '2', 60)]);
    // The first run of a script and other commands in the same tick (ioredis pipelines them together).
    const [, swapped] = await Promise.all([cache.get('pair:a'), cache.run(swap, ['pair:a', 'pair:b'], [60])]);
    expect(swapped).toEqual(['1', '2', 60]);
    expect(await cache.run(swap, ['pair:a', 'pair:b'], [60])).toEqual(['2', '1', 60]);
    expect([await cache.get('pair:a'), await cache.get('pair:b')]).toEqual(['1', '2']);
    // Started together, scripts still run one after the other: three swaps leave the pair swapped once.
    const replies = await Promise.all([1, 2, 3].map(() => cache.run(swap, ['pair:a', 'pair:b'], [60])));
    expect(replies.map((r) => (r as string[]).slice(0, 2))).toEqual([
      ['1', '2'],
      ['2', '1'],
      ['1', '2'],
    ]);
    expect([await cache.get('pair:a'), await cache.get('pair:b')]).toEqual(['2', '1']);
  });
});

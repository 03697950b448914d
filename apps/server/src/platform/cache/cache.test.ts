import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCache, type Cache } from './index.ts';

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
describe.each([
  ['memory', () => createCache(null)],
  ...(process.env.REDIS_URL
    ? [['redis', () => createCache(process.env.REDIS_URL!, `zt-test:${randomBytes(6).toString('hex')}:`)] as const]
    : []),
] as const)('%s cache: ranked sets and counted increments', (_name, make) => {
  let cache: Cache;
  beforeAll(() => {
    cache = make();
  });
  afterAll(async () => {
    for (const k of ['line', 'by', 'left']) await cache.del(k);
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
});

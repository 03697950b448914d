import type { Cache, CacheScript } from '../../platform/cache/index.ts';

const TTL = 3600;
/**
 * The counter is reloaded from the database this often: a counter left low by requests that died with
 * their process (kill -9 mid-surge) would otherwise keep real places unsold.
 */
const COUNTER_SECONDS = 5;
/** A reservation under way longer than this died with its process: the person may try again. */
const BUSY_SECONDS = 30;
const key = (slotId: string) => `rs:left:${slotId}`;
const held = (campaignId: string, residentId: string) => `rs:held:${campaignId}:${residentId}`;
const busy = (campaignId: string, residentId: string) => `rs:busy:${campaignId}:${residentId}`;

/**
 * Places left per slot, counted atomically in the shared cache (Redis in production), so the surge
 * of people arriving after a slot is full is answered without touching the database. The database
 * stays the record and the guard (its conditional update keeps `taken` within the quota): a counter
 * that drifts low after a crash says "full" too early only until it is reloaded (seconds), one that
 * drifts high only lets a few more requests reach the database's own refusal.
 */
export class StockGate {
  constructor(private readonly cache: Cache) {}

  /**
   * Starts the person's reservation in one step (one round trip under a surge): answers `held` when
   * they hold one of the campaign already (a second click), `busy` while their first is still running
   * (it would spend a place the database then refuses), `sold_out` when the slot's counter is at zero;
   * `ok` took a place and marked the reservation under way, which `settle` or `abandon` ends.
   */
  async claim(
    campaignId: string,
    residentId: string,
    slotId: string,
    leftInDatabase: number,
  ): Promise<'ok' | 'held' | 'busy' | 'sold_out'> {
    return (await this.cache.run(
      CLAIM,
      [held(campaignId, residentId), busy(campaignId, residentId), key(slotId)],
      [leftInDatabase, COUNTER_SECONDS, BUSY_SECONDS],
    )) as 'ok' | 'held' | 'busy' | 'sold_out';
  }

  /** The reservation is durable: the person's next click is answered here. */
  async settle(campaignId: string, residentId: string): Promise<void> {
    await this.cache.run(SETTLE, [held(campaignId, residentId), busy(campaignId, residentId)], [TTL]);
  }

  /** The database refused the reservation (or never saw it): its place goes back to the counter. */
  async abandon(campaignId: string, residentId: string, slotId: string): Promise<void> {
    await this.cache.run(ABANDON, [key(slotId), busy(campaignId, residentId)], [COUNTER_SECONDS]);
  }

  /** Remembers that the person holds a reservation of the campaign (a place won by draw or list). */
  async hold(campaignId: string, residentId: string): Promise<void> {
    await this.cache.set(held(campaignId, residentId), '1', TTL);
  }

  holds(campaignId: string, residentId: string): Promise<boolean> {
    return this.cache.get(held(campaignId, residentId)).then((v) => v !== null);
  }

  /**
   * After a cancellation: the person holds nothing, and the slot's counter is dropped so the next
   * reservation reloads it from the database.
   */
  async release(campaignId: string, residentId: string, slotId: string): Promise<void> {
    await Promise.all([this.cache.del(held(campaignId, residentId)), this.cache.del(key(slotId))]);
  }
}

/** KEYS: held, busy, counter. ARGV: places left in the database, counter seconds, busy seconds. */
const CLAIM: CacheScript = {
  lua: `if redis.call('EXISTS', KEYS[1]) == 1 then return 'held' end
    if not redis.call('SET', KEYS[2], '1', 'EX', ARGV[3], 'NX') then return 'busy' end
    local left = redis.call('GET', KEYS[3])
    if not left then
      redis.call('SET', KEYS[3], ARGV[1], 'EX', ARGV[2])
      left = ARGV[1]
    end
    if tonumber(left) <= 0 then
      redis.call('DEL', KEYS[2])
      return 'sold_out'
    end
    redis.call('DECR', KEYS[3])
    return 'ok'`,
  async local(cache, [heldKey, busyKey, counter], [leftInDatabase, counterSeconds, busySeconds]) {
    if ((await cache.get(heldKey!)) !== null) return 'held';
    if (!(await cache.setIfAbsent(busyKey!, '1', Number(busySeconds)))) return 'busy';
    await cache.setIfAbsent(counter!, leftInDatabase!, Number(counterSeconds));
    if ((await cache.decrementIfPositive(counter!)) === -1) {
      await cache.del(busyKey!);
      return 'sold_out';
    }
    return 'ok';
  },
};

/** KEYS: held, busy. ARGV: seconds held is remembered. */
const SETTLE: CacheScript = {
  lua: `redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
    redis.call('DEL', KEYS[2])
    return 1`,
  async local(cache, [heldKey, busyKey], [ttl]) {
    await cache.set(heldKey!, '1', Number(ttl));
    await cache.del(busyKey!);
    return 1;
  },
};

/** KEYS: counter, busy. ARGV: counter seconds (a counter made anew by the return lives as long). */
const ABANDON: CacheScript = {
  lua: `redis.call('INCR', KEYS[1])
    redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
    redis.call('DEL', KEYS[2])
    return 1`,
  async local(cache, [counter, busyKey], [counterSeconds]) {
    await cache.increment(counter!, Number(counterSeconds));
    await cache.del(busyKey!);
    return 1;
  },
};

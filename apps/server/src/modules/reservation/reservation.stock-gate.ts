import type { Cache } from '../../platform/cache/index.ts';

const TTL = 3600;
/**
 * The counter is reloaded from the database this often: a counter left low by requests that died with
 * their process (kill -9 mid-surge) would otherwise keep real places unsold.
 */
const COUNTER_SECONDS = 5;
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

  /** Takes a place from the counter, loading it from the database's figure when absent. */
  async take(slotId: string, leftInDatabase: number): Promise<boolean> {
    let left = await this.cache.decrementIfPositive(key(slotId));
    if (left === null) {
      await this.cache.setIfAbsent(key(slotId), String(leftInDatabase), COUNTER_SECONDS);
      left = await this.cache.decrementIfPositive(key(slotId));
    }
    return left !== null && left >= 0;
  }

  /** Returns a place taken from the counter that the database then refused or never saw. */
  async giveBack(slotId: string): Promise<void> {
    await this.cache.increment(key(slotId), COUNTER_SECONDS);
  }

  /** Marks the person's reservation as under way; false when one is under way already. */
  begin(campaignId: string, residentId: string): Promise<boolean> {
    return this.cache.setIfAbsent(busy(campaignId, residentId), '1', 30);
  }

  async end(campaignId: string, residentId: string): Promise<void> {
    await this.cache.del(busy(campaignId, residentId));
  }

  /** Remembers that the person holds a reservation of the campaign: their next click is answered here. */
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

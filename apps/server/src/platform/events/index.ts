import type { Db } from '../db/index.ts';
import type { Jobs } from '../jobs/index.ts';

/**
 * The platform event bus. A module publishes a fact (`identity.resident-registered`) inside the
 * transaction of the change; each listener gets its own durable queue, so delivery happens after
 * commit, never for a rolled-back change, at least once (listeners are idempotent), and a slow or
 * failing listener holds up no other. The queue lives in the database, so any process may deliver.
 */
export class EventBus {
  private readonly queues = new Map<string, string[]>();

  constructor(private readonly jobs: Jobs) {}

  /** Registers `listener` (`<module>.<what-it-does>`) for `topic`; call before the app starts. */
  on<T extends object>(topic: string, listener: string, handler: (payload: T) => Promise<void>, retryLimit = 5) {
    const queue = `${listener}.on.${topic}`;
    this.jobs.define<T>({ name: queue, handler, retryLimit, batchSize: 50 });
    this.queues.set(topic, [...(this.queues.get(topic) ?? []), queue]);
  }

  /** Records a fact as part of the caller's transaction. */
  async publish<T extends object>(trx: Db, topic: string, payload: T): Promise<void> {
    for (const queue of this.queues.get(topic) ?? []) await this.jobs.sendWithin(trx, queue, payload);
  }

  /** Records many facts of one topic as part of the caller's transaction, one statement per listener. */
  async publishMany<T extends object>(trx: Db, topic: string, payloads: T[]): Promise<void> {
    for (const queue of this.queues.get(topic) ?? []) await this.jobs.sendManyWithin(trx, queue, payloads);
  }
}

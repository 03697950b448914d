import type { AuditLog } from '../../platform/audit/index.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import type { ReservationRepository } from './reservation.repository.ts';
import type { ReservationRow } from './reservation.tables.ts';

const DAY_MS = 86_400_000;

export interface Booking {
  actor: Actor;
  row: ReservationRow;
  /** Once per this many days across the campaigns of the kind; 0: once per campaign. */
  oncePerDays: number;
  /** The person's region, for the audit. */
  regionCode: string;
}

interface Waiting extends Booking {
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * Writes reservations in batches (group commit). Every booking of a slot takes the slot row's lock
 * until its commit, so one at a time they were as many per second as the disk has commits; the
 * bookings that arrive while a batch is being written go together in the next one: one transaction,
 * one commit, the slot row locked once, each booking still answered only once it is durable.
 * The database keeps the rules as before: the slot row's check (no place is sold twice), the unique
 * index (one per person and campaign), a lock per person for once per N days.
 */
export class ReservationBooker {
  private readonly queue: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly repo: ReservationRepository,
    private readonly audit: AuditLog,
    private readonly maxBatch = 128,
  ) {}

  /** Resolves when the reservation is committed; rejects with the rule it broke. */
  book(booking: Booking): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...booking, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.writing || !this.queue.length) return;
    // One booking per person a batch: a person's second (another campaign of the kind) must see the first.
    const batch: Waiting[] = [];
    const people = new Set<string>();
    for (let i = 0; i < this.queue.length && batch.length < this.maxBatch;) {
      const b = this.queue[i]!;
      if (people.has(b.row.resident_id)) {
        i++;
        continue;
      }
      people.add(b.row.resident_id);
      batch.push(b);
      this.queue.splice(i, 1);
    }
    this.writing = true;
    void this.write(batch).finally(() => {
      this.writing = false;
      this.next();
    });
  }

  private async write(batch: Waiting[]): Promise<void> {
    let outcomes: (AppError | null)[];
    try {
      outcomes = await this.repo.db.transaction().execute((trx) => this.bookAll(batch, trx));
    } catch (e) {
      // Something no rule explains (a deadlock, a lost connection): each booking alone, so one
      // cannot fail the others.
      if (batch.length > 1) {
        for (const b of batch) await this.write([b]);
        return;
      }
      batch[0]!.reject(e);
      return;
    }
    batch.forEach((b, i) => (outcomes[i] ? b.reject(outcomes[i]) : b.resolve()));
  }

  private async bookAll(batch: Booking[], trx: ReservationRepository['db']): Promise<(AppError | null)[]> {
    const outcomes: (AppError | null)[] = batch.map(() => null);
    const now = Date.now();
    // Once per N days spans campaigns, which no index can hold: the people are serialised instead.
    const spanning = batch.flatMap((b, key) => (b.oncePerDays > 0 ? [{ b, key }] : []));
    await this.repo.lockPeople(
      spanning.map(({ b }) => b.row.resident_id),
      trx,
    );
    const live = await this.repo.liveReservations(
      spanning.map(({ b, key }) => ({
        key,
        residentId: b.row.resident_id,
        campaignId: b.row.campaign_id,
        kind: b.row.kind,
        since: new Date(now - b.oncePerDays * DAY_MS),
      })),
      trx,
    );
    for (const [key, campaignId] of live)
      outcomes[key] = new AppError(
        'conflict',
        campaignId === batch[key]!.row.campaign_id ? 'reservation.already' : 'reservation.too_soon',
      );

    // Each slot's places are taken at once, first come first served within the batch.
    const bySlot = new Map<string, number[]>();
    batch.forEach((b, key) => {
      if (outcomes[key]) return;
      const keys = bySlot.get(b.row.slot_id) ?? [];
      keys.push(key);
      bySlot.set(b.row.slot_id, keys);
    });
    const placed: number[] = [];
    for (const [slotId, keys] of [...bySlot].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const took = await this.repo.takePlaces(slotId, keys.length, trx);
      keys.forEach((key, i) => {
        if (i < took) placed.push(key);
        else outcomes[key] = new AppError('conflict', 'reservation.sold_out');
      });
    }
    const written = await this.repo.insertReservations(
      placed.map((key) => batch[key]!.row),
      trx,
    );
    // A person who holds one already (the index said so) gives the place back.
    const refused = new Map<string, number>();
    for (const key of placed) {
      const row = batch[key]!.row;
      if (written.has(row.id)) continue;
      outcomes[key] = new AppError('conflict', 'reservation.already');
      refused.set(row.slot_id, (refused.get(row.slot_id) ?? 0) + 1);
    }
    for (const [slotId, places] of refused) await this.repo.releasePlace(slotId, trx, places);
    await this.audit.recordBy(
      placed
        .filter((key) => !outcomes[key])
        .map((key) => ({
          actor: batch[key]!.actor,
          event: {
            action: 'create',
            subjectType: 'reservation',
            subjectId: batch[key]!.row.resident_id,
            purpose: 'reservation',
            fields: ['location'],
            regionCode: batch[key]!.regionCode,
          },
        })),
      trx as unknown as Db,
    );
    return outcomes;
  }
}

import { sql, type Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db/index.ts';

export interface AuditEventsTable {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_kind: string;
  actor_label: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  purpose: string;
  fields: string[];
  region_code: string | null;
}

export interface AuditRecord {
  action: string;
  subjectType: string;
  subjectId: string | null;
  purpose: string;
  fields?: string[];
  regionCode?: string | null;
}

export interface AuditQuery {
  actorId?: string;
  subjectId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  /** Only events about records inside this region (the reader's jurisdiction). */
  withinRegion?: string | null;
  limit: number;
  before?: string;
}

type AuditDb = Kysely<{ audit_events: AuditEventsTable }>;

/** Append-only log of every read and change of personal data. */
export class AuditLog {
  private readonly db: AuditDb;
  constructor(db: Db) {
    this.db = db as AuditDb;
  }

  /** Writes one event; pass a transaction to make it part of the change it records. */
  async record(actor: Actor, event: AuditRecord, trx?: Db): Promise<void> {
    await this.recordMany(actor, [event], trx);
  }

  /** Writes several events in a few statements (a list view audits each record it shows). */
  async recordMany(actor: Actor, events: AuditRecord[], trx?: Db): Promise<void> {
    await this.recordBy(
      events.map((event) => ({ actor, event })),
      trx,
    );
  }

  /** Writes several events of several actors in a few statements (a batch of their requests). */
  async recordBy(entries: { actor: Actor; event: AuditRecord }[], trx?: Db): Promise<void> {
    const at = new Date();
    // 11 parameters a row: statements stay far below the embedded database's 65,535.
    for (let i = 0; i < entries.length; i += 2000)
      await ((trx as AuditDb | undefined) ?? this.db)
        .insertInto('audit_events')
        .values(
          entries.slice(i, i + 2000).map(({ actor, event }) => ({
            id: uuidv7(),
            at,
            actor_id: actor.kind === 'system' ? null : actor.id,
            actor_kind: actor.kind,
            actor_label: actor.label,
            action: event.action,
            subject_type: event.subjectType,
            subject_id: event.subjectId,
            purpose: event.purpose,
            fields: sql`${JSON.stringify(event.fields ?? [])}::jsonb` as unknown as string[],
            region_code: event.regionCode ?? null,
          })),
        )
        .execute();
  }

  /** Newest first; `before` is the id of the last event of the previous page (ids are time-ordered). */
  async list(q: AuditQuery): Promise<AuditEventsTable[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(q.limit);
    if (q.actorId) query = query.where('actor_id', '=', q.actorId);
    if (q.subjectId) query = query.where('subject_id', '=', q.subjectId);
    if (q.action) query = query.where('action', '=', q.action);
    if (q.from) query = query.where('at', '>=', q.from);
    if (q.to) query = query.where('at', '<', q.to);
    if (q.withinRegion) query = query.where('region_code', 'like', `${q.withinRegion}%`);
    if (q.before) query = query.where('id', '<', q.before);
    return query.execute();
  }
}

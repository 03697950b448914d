import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface Snapshot {
  body: string;
  etag: string;
}

/**
 * Values loaded at most once per `ttlMs` per process, everyone asking meanwhile sharing that one load
 * (a failed load is not kept). For what a surge asks again and again and may see a moment late.
 */
export class Recent<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = load();
    value.catch(() => this.entries.get(key)?.value === value && this.entries.delete(key));
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { at: now, value });
    return value;
  }

  /** Drops a value after a change its readers should see at once (a campaign opened or closed). */
  forget(key: string): void {
    this.entries.delete(key);
  }
}

/**
 * Public read models served from memory (see Recent). A million people reloading a page cost the
 * database one query a second per process; the answers are cacheable, so a CDN in front takes even that away.
 */
export class Snapshots {
  private readonly recent: Recent<Snapshot>;

  constructor(ttlMs: number, maxEntries = 10_000) {
    this.recent = new Recent(ttlMs, maxEntries);
  }

  get(key: string, load: () => Promise<unknown>, now = Date.now()): Promise<Snapshot> {
    return this.recent.get(
      key,
      () =>
        load().then((data) => {
          const body = JSON.stringify(data);
          return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
        }),
      now,
    );
  }

  forget(key: string): void {
    this.recent.forget(key);
  }
}

/** Sends a snapshot to one signed-in reader: the answer says something of them, so no shared cache keeps it. */
export function sendPrivateSnapshot(reply: FastifyReply, snap: Snapshot) {
  return reply.header('cache-control', 'private, no-store').type('application/json; charset=utf-8').send(snap.body);
}

/** Sends a snapshot as a shared-cacheable JSON answer, or 304 when the client already holds it. */
export function sendSnapshot(req: FastifyRequest, reply: FastifyReply, snap: Snapshot, maxAgeSeconds: number) {
  // A browser keeps it for the age only; a CDN (RFC 9213's CDN-Cache-Control) may also serve it stale while
  // it fetches the next. A browser serving stale would show a person the page as it was before their change.
  reply
    .header('cache-control', `public, max-age=${maxAgeSeconds}`)
    .header('cdn-cache-control', `public, max-age=${maxAgeSeconds}, stale-while-revalidate=${maxAgeSeconds * 10}`)
    .header('etag', snap.etag);
  if (req.headers['if-none-match'] === snap.etag) return reply.code(304).send();
  // The body is JSON already: Fastify sends a string as it is.
  return reply.type('application/json; charset=utf-8').send(snap.body);
}

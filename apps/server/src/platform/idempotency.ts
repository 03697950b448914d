import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Cache } from './cache/index.ts';
import { AppError, invalid } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Accept an Idempotency-Key header: a repeat of the same request answers the first answer. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    /** The key this request holds, and its body's hash, until its answer is stored. */
    idempotency: { key: string; bodyHash: string } | null;
  }
}

const TTL_SECONDS = 24 * 3600;
/**
 * A request still running holds its key this long at most: if its process dies (kill -9, a crash),
 * the person's retry under the same key runs again afterwards instead of being refused for a day.
 */
const PENDING_SECONDS = 60;
const PENDING = 'pending';

/**
 * Double clicks and retries of a write become one write: the first answer is stored in the shared
 * cache for a day under (caller, route, key) and replayed; a different body under the same key is refused.
 */
export function installIdempotency(app: FastifyInstance, cache: Cache) {
  app.decorateRequest('idempotency', null);
  app.addHook('preHandler', async (req, reply) => {
    if (!req.routeOptions.config.idempotent) return;
    const header = req.headers['idempotency-key'];
    if (header === undefined) return;
    if (typeof header !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(header))
      throw invalid('field.format', [{ path: 'header.idempotency-key', code: 'field.format' }]);
    const caller = req.actor ? `${req.actor.kind}:${req.actor.id}` : `ip:${req.ip}`;
    const key = `idem:${caller}:${req.method}:${req.routeOptions.url}:${header}`;
    const bodyHash = createHash('sha256')
      .update(JSON.stringify(req.body ?? null))
      .digest('base64url');
    if (await cache.setIfAbsent(key, JSON.stringify({ state: PENDING, bodyHash }), PENDING_SECONDS)) {
      req.idempotency = { key, bodyHash };
      return;
    }
    const stored = JSON.parse((await cache.get(key)) ?? 'null') as {
      state: string;
      bodyHash: string;
      status?: number;
      body?: string;
    } | null;
    if (!stored || stored.bodyHash !== bodyHash)
      throw new AppError('conflict', 'request.idempotency_conflict', { status: 422 });
    if (stored.state === PENDING) throw new AppError('conflict', 'resource.conflict', { retryAfterSeconds: 1 });
    return reply
      .code(stored.status!)
      .header('idempotent-replayed', 'true')
      .type('application/json; charset=utf-8')
      .send(stored.body);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.idempotency) return payload;
    const { key, bodyHash } = req.idempotency;
    req.idempotency = null;
    if (reply.statusCode >= 400) {
      // A refused or failed request may be retried with the same key.
      await cache.del(key);
    } else {
      await cache.set(
        key,
        JSON.stringify({ state: 'done', bodyHash, status: reply.statusCode, body: String(payload) }),
        TTL_SECONDS,
      );
    }
    return payload;
  });
}

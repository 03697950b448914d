import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { AuditLog } from '../../platform/audit/index.ts';
import type { Cache } from '../../platform/cache/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { EventBus } from '../../platform/events/index.ts';
import type { JobDefinition } from '../../platform/jobs/index.ts';
import type { SmsSender } from '../../platform/sms/index.ts';
import type { Vault } from '../../platform/vault/index.ts';
import type { RegionsService } from '../regions/index.ts';
import { IdentityRepository } from './identity.repository.ts';
import { identityRoutes, SESSION_COOKIE } from './identity.routes.ts';
import { IdentityService, safeEqual, type IdentityOptions } from './identity.service.ts';

export type { IdentityService, ResidentCard, ResidentRef, ResidentRegistered } from './identity.service.ts';
export { RESIDENT_REGISTERED, SMS_PER_DAY } from './identity.service.ts';
export { RESIDENT_SIGN_IN_PER_ADDRESS } from './identity.routes.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SIGN_IN_PATHS = new Set([
  '/api/v1/identity/staff-sessions',
  '/api/v1/identity/resident-sessions',
  '/api/v1/identity/sms-codes',
]);

export function createIdentityModule(deps: {
  db: Db;
  regions: RegionsService;
  vault: Vault;
  audit: AuditLog;
  cache: Cache;
  sms: SmsSender;
  events: EventBus;
  options: IdentityOptions;
}) {
  const service = new IdentityService(
    new IdentityRepository(deps.db),
    deps.regions,
    deps.vault,
    deps.audit,
    deps.cache,
    deps.sms,
    deps.events,
    deps.options,
  );

  /** onRequest hook: who is calling (bearer token or session cookie, with CSRF on writes). */
  async function authenticate(req: FastifyRequest) {
    req.actor = null;
    req.authProblem = null;
    req.csrfToken = null;
    if (!req.url.startsWith('/api/')) return;
    const authorization = req.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      req.actor = await service.resolveApiToken(authorization.slice(7).trim());
      if (!req.actor) req.authProblem = 'auth.bad_token';
      return;
    }
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie) return;
    const resolved = await service.resolveSession(cookie);
    if (!resolved.actor) {
      req.authProblem = resolved.problem;
      return;
    }
    const header = req.headers['x-csrf-token'];
    if (
      !SAFE_METHODS.has(req.method) &&
      !safeEqual(typeof header === 'string' ? header : undefined, resolved.csrfToken!)
    ) {
      // Signing in again ignores the old cookie; any other write is refused before its body is even read.
      if (SIGN_IN_PATHS.has(req.url.split('?')[0]!)) return;
      throw new AppError('forbidden', 'auth.csrf');
    }
    req.actor = resolved.actor;
    req.csrfToken = resolved.csrfToken;
  }

  const jobs: JobDefinition[] = [
    {
      name: 'identity.purge-expired-sessions',
      cron: '17 * * * *',
      handler: async () => void (await service.purgeExpiredSessions()),
    },
  ];

  return { service, routes: identityRoutes, prefix: '/api/v1/identity', authenticate, jobs };
}

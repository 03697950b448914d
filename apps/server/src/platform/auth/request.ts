import type { FastifyRequest } from 'fastify';
import type { ErrorCode } from '@zhengtong/contracts';
import { AppError, unauthenticated } from '../errors.ts';
import type { Actor } from './actor.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** Why a presented credential was not accepted (expired session, wrong CSRF token). */
    authProblem: ErrorCode | null;
    /** The CSRF token bound to the cookie session, echoed by /me for the apps. */
    csrfToken: string | null;
  }
}

/** The signed-in actor, or a 401/403 problem saying why there is none. */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor) return request.actor;
  if (request.authProblem === 'auth.csrf') throw new AppError('forbidden', 'auth.csrf');
  throw unauthenticated(request.authProblem ?? 'auth.unauthenticated');
}

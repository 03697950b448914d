import type { ErrorCode } from '@zhengtong/contracts';

export type ErrorKind =
  'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'too_many' | 'unavailable';

export const statusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many: 429,
  unavailable: 503,
};

export interface FieldProblem {
  path: string;
  code: ErrorCode;
}

/** The one error type services throw; the HTTP layer maps it to problem+json. */
export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: ErrorCode,
    readonly details: { fields?: FieldProblem[]; retryAfterSeconds?: number; status?: number } = {},
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const invalid = (code: ErrorCode, fields?: FieldProblem[]) => new AppError('invalid', code, { fields });
export const notFound = (code: ErrorCode = 'resource.not_found') => new AppError('not_found', code);
export const forbidden = (code: ErrorCode = 'auth.forbidden') => new AppError('forbidden', code);
export const conflict = (code: ErrorCode = 'resource.conflict') => new AppError('conflict', code);
export const unauthenticated = (code: ErrorCode = 'auth.unauthenticated') => new AppError('unauthenticated', code);

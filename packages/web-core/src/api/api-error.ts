/** One field-level problem from an RFC 9457 `errors[]` member. */
export interface FieldProblem {
  path: string;
  code: string;
  message: string;
}

/** A failed API call: the server's problem+json (already in the request's language), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldProblem[];
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail?: string | undefined;
    errors?: FieldProblem[] | undefined;
    retryAfterSeconds?: number | undefined;
  }) {
    super(init.detail || init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export const NETWORK_ERROR_CODE = 'network.unreachable';

function isFieldProblem(value: unknown): value is FieldProblem {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.path === 'string' && typeof v.code === 'string' && typeof v.message === 'string';
}

/** Builds an ApiError from a failed response and its parsed body (problem+json or anything else). */
export function toApiError(response: Response, body: unknown): ApiError {
  const retryHeader = response.headers.get('retry-after');
  const retryAfterSeconds = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : undefined;
  if (body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string') {
    const p = body as Record<string, unknown>;
    return new ApiError({
      status: typeof p.status === 'number' ? p.status : response.status,
      code: p.code as string,
      title: typeof p.title === 'string' ? p.title : response.statusText,
      detail: typeof p.detail === 'string' ? p.detail : undefined,
      errors: Array.isArray(p.errors) ? p.errors.filter(isFieldProblem) : [],
      retryAfterSeconds,
    });
  }
  return new ApiError({
    status: response.status,
    code: `http.${response.status}`,
    title: response.statusText || `HTTP ${response.status}`,
    retryAfterSeconds,
  });
}

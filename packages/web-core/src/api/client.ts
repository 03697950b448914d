import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { ApiError, NETWORK_ERROR_CODE, toApiError } from './api-error.ts';
import type { paths } from './schema';

export interface ApiOptions {
  /** '' in the browser (same origin); an absolute origin in tests. */
  baseUrl: string;
  /** The UI language, sent as Accept-Language on every call. */
  locale?: () => string;
  fetch?: (input: Request) => Promise<Response>;
}

export interface Api {
  client: Client<paths>;
  /** Remembers the CSRF token from a login or /me answer; kept in memory only. */
  setCsrfToken(token: string | null): void;
  csrfToken(): string | null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The typed API client: cookies, CSRF header on writes, Accept-Language, problem+json → ApiError. */
export function createApi(options: ApiOptions): Api {
  let csrf: string | null = null;
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    credentials: 'same-origin',
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const middleware: Middleware = {
    onRequest({ request }) {
      const locale = options.locale?.();
      if (locale) request.headers.set('Accept-Language', locale);
      if (csrf && !SAFE_METHODS.has(request.method.toUpperCase())) request.headers.set('X-CSRF-Token', csrf);
      return request;
    },
  };
  client.use(middleware);
  return {
    client,
    setCsrfToken(token) {
      csrf = token;
    },
    csrfToken: () => csrf,
  };
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/**
 * Awaits an openapi-fetch call and returns its data, or throws ApiError (status 0 when the network failed).
 * Usage: `const page = await unwrap(api.client.GET('/api/v1/regions', { params: { query: { q } } }))`.
 */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<Exclude<T, undefined>> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw new ApiError({ status: 0, code: NETWORK_ERROR_CODE, title: String((cause as Error)?.message ?? cause) });
  }
  if (!result.response.ok) throw toApiError(result.response, result.error);
  return result.data as Exclude<T, undefined>;
}

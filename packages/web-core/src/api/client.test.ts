import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { createApi, unwrap } from './client.ts';

function fakeFetch(answer: (req: Request) => Response) {
  const seen: Request[] = [];
  const fetch = async (req: Request) => {
    seen.push(req);
    return answer(req);
  };
  return { seen, fetch };
}

const json = (body: unknown, status = 200, type = 'application/json', headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type, ...headers } });

describe('createApi', () => {
  it('sends Accept-Language on every call and X-CSRF-Token only on writes', async () => {
    const { seen, fetch } = fakeFetch(() => json({ devInbox: true }));
    let locale = 'zh-CN';
    const api = createApi({ baseUrl: 'http://zt.test', fetch, locale: () => locale });
    api.setCsrfToken('tok-1');

    await unwrap(api.client.GET('/api/v1/identity/sms/config'));
    locale = 'en-US';
    await unwrap(api.client.POST('/api/v1/identity/sms-codes', { body: { phone: '13800138000' } }));

    expect(seen[0]!.headers.get('accept-language')).toBe('zh-CN');
    expect(seen[0]!.headers.get('x-csrf-token')).toBeNull();
    expect(seen[1]!.method).toBe('POST');
    expect(seen[1]!.headers.get('accept-language')).toBe('en-US');
    expect(seen[1]!.headers.get('x-csrf-token')).toBe('tok-1');
    expect(seen[1]!.credentials).toBe('same-origin');
    expect(await seen[1]!.json()).toEqual({ phone: '13800138000' });
  });

  it('stops sending the CSRF token once cleared', async () => {
    const { seen, fetch } = fakeFetch(() => new Response(null, { status: 204 }));
    const api = createApi({ baseUrl: 'http://zt.test', fetch });
    api.setCsrfToken('tok-1');
    api.setCsrfToken(null);
    await unwrap(api.client.DELETE('/api/v1/identity/sessions/current'));
    expect(seen[0]!.headers.get('x-csrf-token')).toBeNull();
  });

  it('returns data of a successful answer', async () => {
    const { fetch } = fakeFetch(() => json({ items: [{ code: '42', name: '湖北省' }], nextCursor: null }));
    const api = createApi({ baseUrl: 'http://zt.test', fetch });
    const page = await unwrap(api.client.GET('/api/v1/regions', { params: { query: { q: '湖北' } } }));
    expect(page.items[0]!.name).toBe('湖北省');
  });

  it('maps problem+json to a typed ApiError with field errors and Retry-After', async () => {
    const problem = {
      type: 'about:blank',
      title: 'Too many failed attempts',
      status: 429,
      detail: 'The account is locked for a while',
      code: 'auth.locked',
      errors: [{ path: '/body/username', code: 'field.format', message: 'Wrong format' }, { bogus: true }],
    };
    const { fetch } = fakeFetch(() => json(problem, 429, 'application/problem+json', { 'retry-after': '30' }));
    const api = createApi({ baseUrl: 'http://zt.test', fetch });
    const err = await unwrap(
      api.client.POST('/api/v1/identity/staff-sessions', { body: { username: 'admin', password: 'x' } }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(429);
    expect(e.code).toBe('auth.locked');
    expect(e.title).toBe('Too many failed attempts');
    expect(e.detail).toBe('The account is locked for a while');
    expect(e.message).toBe('The account is locked for a while');
    expect(e.errors).toEqual([{ path: '/body/username', code: 'field.format', message: 'Wrong format' }]);
    expect(e.retryAfterSeconds).toBe(30);
  });

  it('maps a non-problem failure and a network failure', async () => {
    const html = fakeFetch(() => new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' }));
    const e1 = await unwrap(
      createApi({ baseUrl: 'http://zt.test', fetch: html.fetch }).client.GET('/api/v1/identity/me'),
    ).catch((e: unknown) => e as ApiError);
    expect(e1).toMatchObject({ status: 502, code: 'http.502', title: 'Bad Gateway' });

    const down = async () => {
      throw new TypeError('Failed to fetch');
    };
    const e2 = await unwrap(
      createApi({ baseUrl: 'http://zt.test', fetch: down }).client.GET('/api/v1/identity/me'),
    ).catch((e: unknown) => e as ApiError);
    expect(e2).toBeInstanceOf(ApiError);
    expect(e2).toMatchObject({ status: 0, code: 'network.unreachable' });
  });
});

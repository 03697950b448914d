import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../build-test-app.ts';

describe('cache outage', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A Redis that cannot be reached: nothing listens on port 1.
    t = await buildTestApp({ residents: 0, config: { redisUrl: 'redis://127.0.0.1:1' } });
  });
  afterAll(async () => t?.close());

  it('answers 503 with Retry-After and a problem the apps show, not a 500', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/identity/sms-codes',
      headers: { 'accept-language': 'en' },
      payload: { phone: '13800138000' },
    });
    expect(res.statusCode, res.body).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'server.unavailable', status: 503 });
    // Load balancers see the process alive, and not ready.
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(503);
  }, 30_000);
});

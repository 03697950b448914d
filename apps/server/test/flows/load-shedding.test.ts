import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../build-test-app.ts';

describe('load shedding', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ residents: 0, config: { maxEventLoopDelayMs: 300 } });
  });
  afterAll(async () => t?.close());

  it('refuses new requests at once with 503, Retry-After and a problem the apps show, and recovers', async () => {
    // Building the app (migrations on the embedded database) lags the loop too: start once it has settled.
    const settle = async () => {
      const deadline = Date.now() + 15_000;
      let res = await t.app.inject({ url: '/api/v1/trust-list' });
      while (res.statusCode === 503 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        res = await t.app.inject({ url: '/api/v1/trust-list' });
      }
      return res;
    };
    expect((await settle()).statusCode).toBe(200);
    // An overloaded process: the loop busy again and again. The sampler averages the loop's delay over
    // a second, so one long block after an idle second averages out; repeated ones do not.
    for (let i = 0; i < 6; i++) {
      const until = Date.now() + 400;
      while (Date.now() < until);
      await new Promise((r) => setImmediate(r));
    }
    const busy = await t.app.inject({ url: '/api/v1/trust-list', headers: { 'accept-language': 'en' } });
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('5');
    expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(busy.json()).toMatchObject({ code: 'server.busy', status: 503 });
    // Load balancers still see the process alive.
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    // Once the loop is free again the next sample lets requests in.
    const again = await settle();
    expect(again.statusCode).toBe(200);
  }, 60_000);
});

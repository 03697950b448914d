import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createCache } from '../cache/index.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testCaches } from '../../../test/caches.ts';
import { devSmsSender, webhookSmsSender } from './index.ts';

describe('development SMS adapter', () => {
  it('refuses to run in production', () => {
    const cache = createCache(null);
    expect(() => devSmsSender(cache, pino({ level: 'silent' }), 'production')).toThrow(/production/);
    void cache.close();
  });

  it('keeps recent codes in the shared cache with the phone masked, newest first, and logs no full number', async () => {
    const cache = createCache(null);
    const lines: string[] = [];
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const sms = devSmsSender(cache, log, 'development');
    await sms.send('13812345678', '111111');
    await sms.send('13900001111', '222222');
    // A second adapter on the same cache (another process) sees the same inbox.
    const inbox = await devSmsSender(cache, log, 'development').inbox();
    expect(inbox?.map((m) => [m.phone, m.code])).toEqual([
      ['139****1111', '222222'],
      ['138****5678', '111111'],
    ]);
    // Notices are kept apart from codes (a code is what sign-in reads), and their text is not logged.
    await sms.notify('13812345678', { template: 'reservation-won', params: {}, text: '您的预约已成功' });
    expect((await sms.notices())?.map((m) => [m.phone, m.template, m.text])).toEqual([
      ['138****5678', 'reservation-won', '您的预约已成功'],
    ]);
    expect((await sms.inbox())?.length).toBe(2);
    const out = lines.join('');
    expect(out).toContain('138****5678');
    expect(out).not.toContain('13812345678');
    expect(out).not.toContain('您的预约已成功');
    await cache.close();
  });
});

describe.each(testCaches)('development SMS inbox on the %s cache', (_kind, make) => {
  it('keeps every code of a crowd signing in at once, the newest 50', async () => {
    const cache = make();
    try {
      const sms = devSmsSender(cache, pino({ level: 'silent' }), 'development');
      const phones = Array.from({ length: 60 }, (_, i) => `1390000${String(i).padStart(4, '0')}`);
      await Promise.all(phones.slice(0, 40).map((p, i) => sms.send(p, String(100_000 + i))));
      const inbox = (await sms.inbox())!;
      expect(inbox.map((m) => m.code).sort()).toEqual(phones.slice(0, 40).map((_, i) => String(100_000 + i)));
      for (const [i, p] of phones.slice(40).entries()) await sms.send(p, String(200_000 + i));
      const kept = (await sms.inbox())!;
      expect(kept).toHaveLength(50);
      expect(kept[0]).toMatchObject({ phone: '139****0059', code: '200019' });
    } finally {
      await cache.close();
    }
  });
});

describe('webhook SMS adapter', () => {
  it('posts the phone and code to the gateway with its token, and fails on a refusal', async () => {
    const received: { auth?: string; body: unknown }[] = [];
    let status = 200;
    const gateway = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ auth: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`;
    try {
      const sms = webhookSmsSender(url, 'gw-secret');
      await sms.send('13812345678', '123456');
      expect(received).toEqual([
        { auth: 'Bearer gw-secret', body: { phone: '13812345678', code: '123456', template: 'sign-in-code' } },
      ]);
      expect(sms.inbox()).toBeNull();
      await sms.notify('13812345678', { template: 'reservation-won', params: { campaign: '口罩' }, text: '已预约' });
      expect(received[1]).toEqual({
        auth: 'Bearer gw-secret',
        body: { phone: '13812345678', template: 'reservation-won', params: { campaign: '口罩' }, text: '已预约' },
      });
      status = 503;
      await expect(sms.send('13812345678', '654321')).rejects.toThrow(/503/);
    } finally {
      gateway.close();
    }
  });
});

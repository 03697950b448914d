import Fastify from 'fastify';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loggerOptions, redactUrl } from './logger.ts';

const ID = '11010519491231002X';
const PHONE = '13812345678';
const NAME = '张小三';
const PASSWORD = 'Sup3r-secret-pw';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe('logger redaction', () => {
  it('keeps personal data and secrets out of request logs, wherever they appear', async () => {
    const { lines, stream } = capture();
    const options = loggerOptions('info') as object;
    const app = Fastify({ logger: { ...options, stream } });
    app.post('/echo', async (req) => {
      req.log.info({ idNumber: ID, phone: PHONE, name: NAME, password: PASSWORD }, 'top level');
      req.log.info({ resident: { idNumber: ID, phone: PHONE, name: NAME } }, 'nested');
      req.log.info({ body: { login: { password: PASSWORD, totp: '123456' } } }, 'deeper');
      req.log.info({ token: 'zt_abcdefabcdef', secret: 'JBSWY3DPEHPK3PXP', code: '654321' }, 'credentials');
      return { ok: true };
    });
    const res = await app.inject({
      method: 'POST',
      url: `/echo?idNumber=${ID}&phone=${PHONE}&q=${encodeURIComponent(NAME)}&limit=5`,
      headers: {
        authorization: 'Bearer zt_abcdefabcdef',
        cookie: 'zt_session=cookievalue123',
        'x-csrf-token': 'csrfvalue456',
      },
      payload: { idNumber: ID },
    });
    expect(res.statusCode).toBe(200);
    await app.close();
    const out = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const secret of [
      ID,
      PHONE,
      NAME,
      encodeURIComponent(NAME),
      PASSWORD,
      'zt_abcdefabcdef',
      'JBSWY3DPEHPK3PXP',
      '654321',
      'cookievalue123',
      'csrfvalue456',
    ]) {
      expect(out, secret).not.toContain(secret);
    }
    // The messages and the harmless parts are still there, so logs stay useful.
    expect(out).toContain('top level');
    expect(out).toContain('idNumber=[redacted]');
    expect(out).toContain('limit=5');
    expect(out).toContain('[redacted]');
  });

  it('redacts query values case-insensitively and keeps other parameters', () => {
    expect(redactUrl(`/api/v1/identity/residents?IDNUMBER=${ID}&limit=1`)).toBe(
      '/api/v1/identity/residents?IDNUMBER=[redacted]&limit=1',
    );
    expect(redactUrl(`/x?limit=1&phone=${PHONE}`)).toBe('/x?limit=1&phone=[redacted]');
    expect(redactUrl('/x?phoneBook=1')).toBe('/x?phoneBook=1');
    expect(redactUrl('/api/v1/regions?parent=4201')).toBe('/api/v1/regions?parent=4201');
  });
});

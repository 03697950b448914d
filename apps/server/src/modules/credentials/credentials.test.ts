import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKey, kidOf, sign, toBase64 } from '@zhengtong/credentials';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hc1, signer } from '../../../../../packages/credentials/test/sign-hcert.ts';
import { as, buildTestApp, signInStaff, type Signed, type TestApp } from '../../../test/build-test-app.ts';
import { CredentialsRepository } from './credentials.repository.ts';

let t: TestApp;
let admin: Signed;

beforeAll(async () => {
  t = await buildTestApp({ residents: 10 });
  admin = await signInStaff(t.app, 'admin');
});
afterAll(() => t?.close());

const verify = async (text: string) =>
  (await t.app.inject({ method: 'POST', url: '/api/v1/credentials/verify', payload: { text } })).json();
const trustList = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/trust-list' })).json();
const now = () => Math.floor(Date.now() / 1000);

describe('trust list and verification', () => {
  it('publishes one active own key without its private half, to anyone', async () => {
    const list = await trustList();
    expect(list.issuer).toBe('420100');
    const active = list.keys.filter((k: { status: string }) => k.status === 'active');
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ alg: 'EdDSA', region: '4201' });
    expect(Object.keys(active[0]).sort()).toEqual(['alg', 'kid', 'notAfter', 'notBefore', 'region', 'spki', 'status']);
  });

  it('keeps listing the signing key when its rotation is overdue, so its codes never fail', async () => {
    const repo = new CredentialsRepository(t.zt.platform.database.db);
    const aYearAndMoreLater = new Date(Date.now() + 400 * 86_400_000);
    const listed = await repo.listedKeys(aYearAndMoreLater);
    expect(listed.filter((k) => k.origin === 'own' && k.status === 'active')).toHaveLength(1);
  });

  it('answers each named failure and never a 500', async () => {
    const signed = await t.zt.services.credentials.sign(
      { t: 'cert', k: 'test-result', v: 'negative' },
      'subject-1',
      60,
    );
    expect((await verify(signed.text)).result).toBe('valid');
    for (const [text, result] of [
      ['', 'malformed'],
      ['HC1:6BFOXN', 'malformed'],
      ['ZT1:!!!', 'malformed'],
      ['ZT1:' + 'A'.repeat(40), 'malformed'],
      [signed.text.slice(0, -6), 'malformed'],
    ] as const) {
      const answer = await verify(text);
      expect(answer.result, text).toBe(result);
    }
    const stranger = sign(
      { iss: '110000', sub: 'x', iat: now(), exp: now() + 60, zt: { t: 'hc', c: 'green' } },
      generateKey(),
    );
    expect((await verify(stranger)).result).toBe('unknown_kid');
    const oversized = await t.app.inject({
      method: 'POST',
      url: '/api/v1/credentials/verify',
      payload: { text: 'x'.repeat(5000) },
    });
    expect(oversized.statusCode).toBe(400);
  });
});

describe('signing keys', () => {
  it('rotates from the console: old codes stay valid until they expire, revoking the old key fails them', async () => {
    const before = await t.zt.services.credentials.sign({ t: 'cert', k: 'test-result', v: 'negative' }, 's', 120);
    const forbidden = await as(t.app, await signInStaff(t.app, 'cdc'), {
      method: 'POST',
      url: '/api/v1/credentials/keys/rotate',
    });
    expect(forbidden.statusCode).toBe(403);
    const rotated = await as(t.app, admin, { method: 'POST', url: '/api/v1/credentials/keys/rotate' });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const own = rotated.json().items.filter((k: { origin: string }) => k.origin === 'own');
    expect(own.map((k: { status: string }) => k.status)).toEqual(['active', 'retired']);
    const retired = own[1];
    expect(Date.parse(retired.notAfter)).toBeGreaterThan(Date.now());
    expect((await verify(before.text)).result).toBe('valid');
    const after = await t.zt.services.credentials.sign({ t: 'cert', k: 'test-result', v: 'negative' }, 's', 120);
    expect((await verify(after.text)).result).toBe('valid');
    expect(after.text).not.toBe(before.text);

    const revoked = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/credentials/keys/status',
      payload: { kid: retired.kid, status: 'revoked' },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect((await verify(before.text)).result).toBe('revoked_key');
    expect((await trustList()).keys.find((k: { kid: string }) => k.kid === retired.kid).status).toBe('revoked');
    const twice = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/credentials/keys/status',
      payload: { kid: retired.kid, status: 'revoked' },
    });
    expect(twice.statusCode).toBe(409);
  });

  it('revoking the key that signs today puts a new one in its place in the same step', async () => {
    const before = await t.zt.services.credentials.sign({ t: 'cert', k: 'test-result', v: 'negative' }, 's', 60);
    const active = (await as(t.app, admin, { method: 'GET', url: '/api/v1/credentials/keys' }))
      .json()
      .items.find((k: { origin: string; status: string }) => k.origin === 'own' && k.status === 'active');
    const res = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/credentials/keys/status',
      payload: { kid: active.kid, status: 'revoked' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const own = res.json().items.filter((k: { origin: string }) => k.origin === 'own');
    expect(own.find((k: { kid: string }) => k.kid === active.kid).status).toBe('revoked');
    expect(own.filter((k: { status: string }) => k.status === 'active')).toHaveLength(1);
    expect((await verify(before.text)).result).toBe('revoked_key');
    const after = await t.zt.services.credentials.sign({ t: 'cert', k: 'test-result', v: 'negative' }, 's', 60);
    expect((await verify(after.text)).result).toBe('valid');
  });

  it("imports another region's trust list (互认): its codes verify until its key is revoked here", async () => {
    const beijing = generateKey('ES256');
    const kid = toBase64(kidOf(beijing.spki));
    const foreign = {
      issuer: '110000',
      keys: [
        {
          kid,
          alg: 'ES256',
          spki: toBase64(beijing.spki),
          region: '11',
          notBefore: new Date(Date.now() - 86_400_000).toISOString(),
          notAfter: new Date(Date.now() + 86_400_000).toISOString(),
          status: 'active',
        },
      ],
      updatedAt: new Date().toISOString(),
    };
    const code = sign(
      { iss: '110000', sub: 'bj-1', iat: now(), exp: now() + 300, zt: { t: 'hc', c: 'green' } },
      beijing,
    );
    expect((await verify(code)).result).toBe('unknown_kid');
    const imported = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/credentials/trust-list-imports',
      payload: { json: JSON.stringify(foreign) },
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toEqual({ imported: 1 });
    expect(await verify(code)).toMatchObject({ result: 'valid', claims: { iss: '110000' } });

    // A list whose kid is not the hash of its key is refused whole.
    const forged = { ...foreign, keys: [{ ...foreign.keys[0], kid: toBase64(new Uint8Array(8)) }] };
    const bad = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/credentials/trust-list-imports',
      payload: { json: JSON.stringify(forged) },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('credentials.bad_trust_list');
    const own = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/credentials/trust-list-imports',
      payload: { json: JSON.stringify(await trustList()) },
    });
    expect(own.json().code).toBe('credentials.own_issuer');

    await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/credentials/keys/status',
      payload: { kid, status: 'revoked' },
    });
    expect((await verify(code)).result).toBe('revoked_key');
    // Importing the same list again keeps the local revocation.
    await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/credentials/trust-list-imports',
      payload: { json: JSON.stringify(foreign) },
    });
    expect((await verify(code)).result).toBe('revoked_key');
  });
});

describe('trust list import by URL', () => {
  it('fetches another region’s published list, and names an address that does not answer', async () => {
    const shanghai = generateKey('EdDSA');
    const list = {
      issuer: '310000',
      keys: [
        {
          kid: toBase64(kidOf(shanghai.spki)),
          alg: 'EdDSA',
          spki: toBase64(shanghai.spki),
          region: '31',
          notBefore: new Date(Date.now() - 60_000).toISOString(),
          notAfter: new Date(Date.now() + 86_400_000).toISOString(),
          status: 'active',
        },
      ],
      updatedAt: new Date().toISOString(),
    };
    const peer = createServer((req, res) => {
      if (req.url !== '/api/v1/trust-list') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
    try {
      const imported = await as(t.app, admin, {
        method: 'POST',
        url: '/api/v1/credentials/trust-list-imports',
        payload: { url: `${base}/api/v1/trust-list` },
      });
      expect(imported.statusCode, imported.body).toBe(200);
      const code = sign(
        { iss: '310000', sub: 'sh-1', iat: now(), exp: now() + 300, zt: { t: 'hc', c: 'yellow' } },
        shanghai,
      );
      expect((await verify(code)).result).toBe('valid');
      const keys = (await as(t.app, admin, { method: 'GET', url: '/api/v1/credentials/keys' })).json().items;
      expect(keys.find((k: { kid: string }) => k.kid === list.keys[0]!.kid)).toMatchObject({
        origin: 'imported',
        source: `${base}/api/v1/trust-list`,
      });
      const missing = await as(t.app, admin, {
        method: 'POST',
        url: '/api/v1/credentials/trust-list-imports',
        payload: { url: `${base}/nothing-here` },
      });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().code).toBe('credentials.trust_list_unreachable');
    } finally {
      await new Promise((r) => peer.close(r));
    }
  });
});

describe('EU Digital COVID Certificates (HC1) of inbound travellers', () => {
  it('verify once their signer keys are imported, and fail once removed', async () => {
    const germany = signer('ES256');
    const text = hc1(germany, { iat: now() - 60, exp: now() + 86_400 });
    const check = async () =>
      (await t.app.inject({ method: 'POST', url: '/api/v1/credentials/verify-hcert', payload: { text } })).json();
    expect((await check()).result).toBe('unknown_kid');
    const bad = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/credentials/dcc-signer-keys/imports',
      payload: { json: JSON.stringify({ keys: [{ ...germany.key, spki: 'bm90IGEga2V5IGF0IGFsbA==' }] }) },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('credentials.bad_dcc_keys');
    const imported = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/credentials/dcc-signer-keys/imports',
      payload: { json: JSON.stringify({ keys: [germany.key] }) },
    });
    expect(imported.json()).toEqual({ imported: 1 });
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/credentials/dcc-signer-keys' });
    expect(listed.json().keys).toContainEqual(germany.key);
    expect(await check()).toMatchObject({
      result: 'valid',
      country: 'DE',
      kind: 'vaccination',
      holder: { familyName: 'Mustermann', dob: '1964-08-12' },
    });
    await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/credentials/dcc-signer-keys/remove',
      payload: { kid: germany.key.kid },
    });
    expect((await check()).result).toBe('unknown_kid');
  });
});

import { errorMessages, type ErrorCode } from '@zhengtong/contracts';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { RESIDENT_SIGN_IN_PER_ADDRESS } from '../../src/modules/identity/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  countRows,
  freshAddress,
  JIANGAN,
  makeIdNumber,
  signInStaff,
  uniquePhone,
  type Signed,
} from '../build-test-app.ts';

/**
 * Every route of the OpenAPI document, fed wrong types, missing and unknown fields, huge and malformed
 * bodies and wrong content types: never a 5xx, always problem+json with a stable code and a title in
 * the request's language, and nothing written.
 */
const t = await buildTestApp({ residents: 20 });
afterAll(() => t.close());

interface Operation {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query: { name: string; schema: { type?: string } }[];
  body: { required: string[]; properties: Record<string, { type?: string }> } | null;
}
const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string; schema: { type?: string } }[];
        requestBody?: { content: Record<string, { schema: Operation['body'] }> };
      }
    >
  >;
};
const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({
    method: method.toUpperCase() as Operation['method'],
    path,
    query: (op.parameters ?? []).filter((p) => p.in === 'query'),
    body: op.requestBody?.content['application/json']?.schema ?? null,
  })),
);
const TABLES = [
  'residents',
  'resident_accounts',
  'staff_accounts',
  'sessions',
  'api_tokens',
  'audit_events',
  'regions',
  'signing_keys',
  'health_rule_sets',
  'health_subjects',
  'health_declarations',
  'health_proxies',
  'places',
  'check_ins',
  'purge_runs',
  'dcc_signer_keys',
  'health_appeals',
  'health_overrides',
  'cases',
  'case_classifications',
  'case_samples',
  'case_daily_stats',
  'case_merge_dismissals',
  'export_files',
  'export_chunks',
  'tracing_visits',
  'tracing_trips',
  'tracing_household',
  'tracing_case_links',
  'tracing_manifest_rows',
  'tracing_contacts',
  'tracing_runs',
  'tracing_imports',
  'tracing_import_chunks',
  'tracing_import_rejects',
  'community_tasks',
  'community_daily_checks',
  'community_alerts',
];
const PATH_SAMPLES: Record<string, string> = {
  id: '01900000-0000-7000-8000-000000000000',
  sampleId: '01900000-0000-7000-8000-000000000001',
  caseId: '01900000-0000-7000-8000-000000000002',
  code: JIANGAN,
};
const urlOf = (path: string, values: Record<string, string> = PATH_SAMPLES) =>
  path.replace(/\{(\w+)\}/g, (_, k: string) => values[k]!);

let admin: Signed;
let counts: number[];
// Successful audit exports are themselves audited, so `export` events are not writes of a refused request.
const countAll = async () => [
  ...(await Promise.all(TABLES.map((table) => countRows(t, table)))),
  (
    await sql<{ n: number }>`select count(*)::int as n from audit_events where action = 'export'`.execute(
      t.zt.platform.database.db,
    )
  ).rows[0]!.n,
];

beforeAll(async () => {
  admin = await signInStaff(t.app, 'admin');
  counts = await countAll();
});

/** Sends as the admin (so authentication never hides validation) from a fresh address (so no rate limit does). */
async function send(options: InjectOptions & { lang?: 'en' }) {
  const { lang, ...rest } = options;
  return t.app.inject({
    remoteAddress: freshAddress(),
    ...rest,
    headers: { ...admin.headers, ...(lang ? { 'accept-language': lang } : {}), ...(rest.headers ?? {}) },
  });
}

/** The shape every error answer must have; answers the parsed problem. */
function expectProblem(
  res: LightMyRequestResponse,
  status: number | null,
  code?: ErrorCode,
  lang: 'en' | 'zh-CN' = 'zh-CN',
) {
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (status !== null) expect(res.statusCode, res.body).toBe(status);
  expect(res.statusCode).toBeGreaterThanOrEqual(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const p = res.json() as {
    type: string;
    title: string;
    status: number;
    code: ErrorCode;
    detail: string;
    errors?: { path: string; code: ErrorCode; message: string }[];
  };
  expect(p.status).toBe(res.statusCode);
  expect(Object.keys(errorMessages)).toContain(p.code);
  if (code) expect(p.code).toBe(code);
  expect(p.type).toBe(`https://zhengtong.dev/problems/${p.code}`);
  expect(p.title).toBe(errorMessages[p.code][lang]);
  for (const e of p.errors ?? []) expect(e.message).toBe(errorMessages[e.code][lang]);
  expect(res.body).not.toMatch(/\.ts:\d+|node_modules|at async/);
  return p;
}

const wrongTypeFor = (schema: { type?: string }) =>
  schema.type === 'array' ? { not: 'an array' } : schema.type === 'object' ? 'not an object' : { not: ['a', 'scalar'] };

describe.each(operations.map((op) => [`${op.method} ${op.path}`, op] as const))('%s', (_, op) => {
  if (op.path.includes('{')) {
    it('rejects a malformed path parameter', async () => {
      const res = await send({
        method: op.method,
        url: urlOf(op.path, { id: 'not-a-uuid', code: '42x' }),
        ...(op.body ? { payload: {} } : {}),
      });
      const p = expectProblem(res, 400, 'request.invalid');
      expect(p.errors?.[0]?.path).toMatch(/^params\./);
    });
  }

  if (op.query.length) {
    it('rejects unknown, mistyped and out-of-range query parameters', async () => {
      const unknown = expectProblem(
        await send({ method: op.method, url: `${urlOf(op.path)}?zzUnknown=1` }),
        400,
        'request.invalid',
      );
      expect(unknown.errors).toContainEqual(
        expect.objectContaining({ path: 'querystring.zzUnknown', code: 'field.not_allowed' }),
      );
      const limit = op.query.find((q) => q.name === 'limit');
      if (limit) {
        const cases: [string, ErrorCode][] = [
          ['abc', 'field.type'],
          ['0', 'field.out_of_range'],
          ['100000', 'field.out_of_range'],
          ['1.5', 'field.type'],
        ];
        for (const [value, code] of cases) {
          const p = expectProblem(
            await send({ method: op.method, url: `${urlOf(op.path)}?limit=${value}`, lang: 'en' }),
            400,
            'request.invalid',
            'en',
          );
          expect(p.errors).toContainEqual(expect.objectContaining({ path: 'querystring.limit', code }));
        }
        expectProblem(await send({ method: op.method, url: `${urlOf(op.path)}?limit=1&limit=2` }), 400);
      }
      for (const q of op.query.filter((q) => q.schema.type === 'string')) {
        const p = expectProblem(
          await send({ method: op.method, url: `${urlOf(op.path)}?${q.name}=${'9'.repeat(300)}` }),
          400,
        );
        expect(p.errors?.map((e) => e.path)).toContain(`querystring.${q.name}`);
      }
    });

    it('survives garbage and NUL characters in every text parameter', async () => {
      for (const q of op.query.filter((q) => q.schema.type === 'string')) {
        for (const value of ['%00', 'a%00b', 'garbage', '%27%3B--', '%25%5F']) {
          const res = await send({ method: op.method, url: `${urlOf(op.path)}?${q.name}=${value}` });
          if (res.statusCode >= 400) expectProblem(res, null);
          else expect(res.statusCode, `${q.name}=${value}`).toBe(200);
        }
      }
    });
  }

  if (op.body) {
    const body = op.body;
    // A body whose every field is optional (a preference) is valid empty.
    it.runIf((body.required ?? []).length > 0)('rejects missing fields, each named', async () => {
      const p = expectProblem(
        await send({ method: op.method, url: urlOf(op.path), payload: {} }),
        400,
        'request.invalid',
      );
      for (const field of body.required ?? [])
        expect(p.errors).toContainEqual(expect.objectContaining({ path: `body.${field}`, code: 'field.required' }));
      expect(p.errors?.length).toBeGreaterThan(0);
    });

    it('rejects unknown fields', async () => {
      const p = expectProblem(
        await send({ method: op.method, url: urlOf(op.path), payload: { zzUnknown: 1 }, lang: 'en' }),
        400,
        'request.invalid',
        'en',
      );
      expect(p.errors).toContainEqual({
        path: 'body.zzUnknown',
        code: 'field.not_allowed',
        message: 'Field or value not allowed',
      });
    });

    it('rejects wrong types in every field', async () => {
      const payload = Object.fromEntries(Object.entries(body.properties).map(([k, s]) => [k, wrongTypeFor(s)]));
      const p = expectProblem(await send({ method: op.method, url: urlOf(op.path), payload }), 400, 'request.invalid');
      for (const k of Object.keys(body.properties)) expect(p.errors?.map((e) => e.path)).toContain(`body.${k}`);
      expect(p.errors?.find((e) => e.path === `body.${Object.keys(body.properties)[0]}`)?.code).toBe('field.type');
    });

    it('rejects bodies that are not objects', async () => {
      for (const raw of ['[]', 'null', '"text"', '42', 'true']) {
        expectProblem(
          await send({
            method: op.method,
            url: urlOf(op.path),
            payload: raw,
            headers: { 'content-type': 'application/json' },
          }),
          400,
        );
      }
    });

    it('rejects malformed JSON with request.bad_json', async () => {
      for (const raw of ['{"phone":', "{'a':1}", '{"a":1}}', '\u0000']) {
        expectProblem(
          await send({
            method: op.method,
            url: urlOf(op.path),
            payload: raw,
            headers: { 'content-type': 'application/json' },
          }),
          400,
          'request.bad_json',
        );
      }
      expectProblem(
        await send({
          method: op.method,
          url: urlOf(op.path),
          payload: '',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'request.bad_json',
      );
    });

    it('rejects a wrong content type', async () => {
      expectProblem(
        await send({
          method: op.method,
          url: urlOf(op.path),
          payload: '<a>1</a>',
          headers: { 'content-type': 'application/xml' },
          lang: 'en',
        }),
        415,
        'request.unsupported_media_type',
        'en',
      );
      expectProblem(
        await send({
          method: op.method,
          url: urlOf(op.path),
          payload: 'phone=1',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
      );
      expectProblem(
        await send({
          method: op.method,
          url: urlOf(op.path),
          payload: 'hello',
          headers: { 'content-type': 'text/plain' },
        }),
        400,
      );
    });
  }

  if (op.method !== 'GET') {
    it('rejects a body over the limit with 413 request.too_large', async () => {
      const payload = JSON.stringify({ x: 'a'.repeat(1024 * 1024 + 10) });
      expectProblem(
        await send({
          method: op.method,
          url: urlOf(op.path),
          payload,
          headers: { 'content-type': 'application/json' },
        }),
        413,
        'request.too_large',
      );
    });
  }

  if (op.path !== '/api/v1/identity/sessions/current') {
    it('answers problem+json in Chinese by default and English on request, signed out', async () => {
      const zh = await t.app.inject({
        method: op.method,
        url: urlOf(op.path, { id: 'x', code: 'x' }),
        ...(op.body ? { payload: {} } : {}),
      });
      const en = await t.app.inject({
        method: op.method,
        url: urlOf(op.path, { id: 'x', code: 'x' }),
        headers: { 'accept-language': 'en-US,en;q=0.9' },
        ...(op.body ? { payload: {} } : {}),
      });
      if (zh.statusCode < 400) return; // public routes without input (sms config)
      const a = expectProblem(zh, null);
      const b = expectProblem(en, null, undefined, 'en');
      expect(b.code).toBe(a.code);
      expect(a.title).toMatch(/[\u4e00-\u9fff]/);
    });
  }
});

describe('personal-data inputs', () => {
  const resident = () => ({
    name: '错误输入',
    idNumber: makeIdNumber(JIANGAN, '19900101', 111),
    phone: uniquePhone(),
    regionCode: JIANGAN,
  });
  const bad: [string, string][] = [
    ['id_number.format', '42010219900101111'],
    ['id_number.format', '4201021990010111AB'],
    ['id_number.region', makeIdNumber('990102', '19900101', 111)],
    ['id_number.birth_date', makeIdNumber(JIANGAN, '19900230', 111)],
    ['id_number.birth_date', makeIdNumber(JIANGAN, '20991231', 111)],
    [
      'id_number.checksum',
      makeIdNumber(JIANGAN, '19900101', 111).slice(0, 17) +
        (makeIdNumber(JIANGAN, '19900101', 111).endsWith('0') ? '1' : '0'),
    ],
  ];

  it.each(bad)('answers %s as a field error on register and on lookup', async (code, idNumber) => {
    const reg = expectProblem(
      await send({
        method: 'POST',
        url: '/api/v1/identity/residents',
        payload: { ...resident(), idNumber },
        lang: 'en',
      }),
      400,
      undefined,
      'en',
    );
    expect(reg.errors).toEqual([{ path: 'idNumber', code, message: errorMessages[code as ErrorCode].en }]);
    const lookup = expectProblem(await send({ url: `/api/v1/identity/residents?idNumber=${idNumber}` }), 400);
    expect(lookup.errors).toEqual([expect.objectContaining({ path: 'idNumber', code })]);
    expect(lookup.title).toBe('请求参数有误');
  });

  it('answers every field problem at once: ID number, phone and unknown region', async () => {
    const p = expectProblem(
      await send({
        method: 'POST',
        url: '/api/v1/identity/residents',
        payload: { name: '错误', idNumber: bad[5]![1], phone: '12345', regionCode: '420199' },
      }),
      400,
    );
    expect(p.errors?.map((e) => [e.path, e.code])).toEqual([
      ['idNumber', 'id_number.checksum'],
      ['phone', 'phone.format'],
      ['regionCode', 'region.unknown'],
    ]);
  });

  it('answers region.unknown for unknown region codes wherever a region is given', async () => {
    const reg = expectProblem(
      await send({
        method: 'POST',
        url: '/api/v1/identity/residents',
        payload: { ...resident(), regionCode: '420199001' },
      }),
      400,
      'region.unknown',
    );
    expect(reg.errors).toEqual([expect.objectContaining({ path: 'regionCode', code: 'region.unknown' })]);
    const staff = await send({
      method: 'POST',
      url: '/api/v1/identity/staff',
      payload: {
        username: 'nowhere',
        password: 'Strong-pass-2026',
        displayName: 'x',
        roles: ['cdc'],
        jurisdictionCode: '429999',
      },
    });
    expect(expectProblem(staff, 400, 'region.unknown').errors?.[0]?.path).toBe('jurisdictionCode');
    const token = await send({
      method: 'POST',
      url: '/api/v1/identity/api-tokens',
      payload: { name: 'x', scopes: ['regions.read'], jurisdictionCode: '420199' },
    });
    expectProblem(token, 400, 'region.unknown');
    const patch = await send({
      method: 'PATCH',
      url: `/api/v1/identity/staff/${admin.session.user.id}`,
      payload: { jurisdictionCode: '420199' },
    });
    expectProblem(patch, 400, 'region.unknown');
    expectProblem(await send({ url: '/api/v1/regions/420199' }), 404, 'region.unknown');
  });

  it('rejects roles and scopes that do not exist', async () => {
    const staff = await send({
      method: 'POST',
      url: '/api/v1/identity/staff',
      payload: {
        username: 'badrole',
        password: 'Strong-pass-2026',
        displayName: 'x',
        roles: ['superuser'],
        jurisdictionCode: JIANGAN,
      },
    });
    expect(expectProblem(staff, 400).errors).toContainEqual(
      expect.objectContaining({ path: 'body.roles.0', code: 'field.not_allowed' }),
    );
    const resident = await send({
      method: 'POST',
      url: '/api/v1/identity/staff',
      payload: {
        username: 'badrole',
        password: 'Strong-pass-2026',
        displayName: 'x',
        roles: ['resident'],
        jurisdictionCode: JIANGAN,
      },
    });
    expectProblem(resident, 400);
    const token = await send({
      method: 'POST',
      url: '/api/v1/identity/api-tokens',
      payload: { name: 'x', scopes: ['everything'], jurisdictionCode: JIANGAN },
    });
    expectProblem(token, 400);
  });

  it('refuses text the database cannot store (NUL characters) with 400, writing nothing', async () => {
    const name = expectProblem(
      await send({ method: 'POST', url: '/api/v1/identity/residents', payload: { ...resident(), name: '张\u0000三' } }),
      400,
    );
    expect(name.errors).toEqual([expect.objectContaining({ path: 'body.name', code: 'field.format' })]);
    const cases: InjectOptions[] = [
      {
        method: 'POST',
        url: '/api/v1/identity/staff',
        payload: {
          username: 'nul.name',
          password: 'Strong-pass-2026',
          displayName: 'a\u0000b',
          roles: ['cdc'],
          jurisdictionCode: JIANGAN,
        },
      },
      { method: 'PATCH', url: `/api/v1/identity/staff/${admin.session.user.id}`, payload: { displayName: 'a\u0000b' } },
      {
        method: 'POST',
        url: '/api/v1/identity/api-tokens',
        payload: { name: 'a\u0000b', scopes: ['regions.read'], jurisdictionCode: JIANGAN },
      },
      {
        method: 'POST',
        url: '/api/v1/identity/staff-sessions',
        payload: { username: 'admin\u0000', password: 'Demo-2026-zt' },
      },
    ];
    for (const c of cases) expectProblem(await send(c), 400, 'request.invalid');
  });

  it('rejects a blank name after trimming', async () => {
    const p = expectProblem(
      await send({ method: 'POST', url: '/api/v1/identity/residents', payload: { ...resident(), name: '   ' } }),
      400,
    );
    expect(p.errors).toContainEqual(expect.objectContaining({ path: 'name', code: 'field.required' }));
  });
});

describe('the rest of the edge', () => {
  it('answers unknown API routes with 404 request.not_found as problem+json', async () => {
    expectProblem(await send({ url: '/api/v1/nope' }), 404, 'request.not_found');
    expectProblem(await send({ method: 'POST', url: '/api/v1/identity/nope', payload: {} }), 404, 'request.not_found');
  });

  it('limits sign-in code requests per client address with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let last: LightMyRequestResponse | undefined;
    for (let i = 0; i <= RESIDENT_SIGN_IN_PER_ADDRESS; i++) {
      last = await t.app.inject({
        method: 'POST',
        url: '/api/v1/identity/sms-codes',
        payload: { phone: 'x' },
        remoteAddress: '192.0.2.77',
      });
      statuses.push(last.statusCode);
    }
    expect(statuses.slice(0, RESIDENT_SIGN_IN_PER_ADDRESS).every((s) => s === 400)).toBe(true);
    expectProblem(last!, 429, 'request.rate_limited');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('wrote nothing in any table through all the refused requests above', async () => {
    const now = await countAll();
    const exports = now.at(-1)! - counts.at(-1)!;
    const audit = TABLES.indexOf('audit_events');
    expect(now[audit]! - exports).toBe(counts[audit]);
    expect(now.slice(0, -1).filter((_, i) => i !== audit)).toEqual(counts.slice(0, -1).filter((_, i) => i !== audit));
  });
});

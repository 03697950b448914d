import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  buildTestApp,
  makeIdNumber,
  signInStaff,
  uniquePhone,
  WUCHANG,
  type Signed,
  type TestApp,
} from '../../../test/build-test-app.ts';

let t: TestApp;
let medical: Signed;
let cdc: Signed;
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const phone = uniquePhone();

beforeAll(async () => {
  t = await buildTestApp({ residents: 1, build: { startJobs: true } });
  [medical, cdc] = await Promise.all([signInStaff(t.app, 'medical'), signInStaff(t.app, 'cdc')]);
});
afterAll(() => t?.close());

const report = async (payload: Record<string, unknown>) => {
  const res = await as(t.app, medical, {
    method: 'POST',
    url: '/api/v1/case-report/cases',
    payload: {
      onsetDate: today(),
      diagnosedAt: new Date().toISOString(),
      classification: 'confirmed',
      symptoms: [],
      ...payload,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
};
const suggestions = async () =>
  (await as(t.app, cdc, { method: 'GET', url: '/api/v1/case-report/duplicates' })).json().items as {
    a: { id: string };
    b: { id: string };
    reasons: string[];
    score: number;
  }[];
const pairOf = (list: Awaited<ReturnType<typeof suggestions>>, x: string, y: string) =>
  list.find((s) => [s.a.id, s.b.id].sort().join() === [x, y].sort().join());
const confirmedNow = async () =>
  (
    await sql<{ n: number }>`select coalesce(sum(entered - "left"), 0)::int as n from case_daily_stats
      where classification = 'confirmed'`.execute(t.zt.platform.database.db)
  ).rows[0]!.n;

describe('duplicate reports', () => {
  let a: string;
  let b: string;
  let c: string;

  it('suggests reports that may be one person, saying why, and not those sharing a name only', async () => {
    a = await report({ name: '张伟', birthDate: '1980-01-02', phone, address: '武昌区中南路9号3单元' });
    // Another hospital typed the name by its sound and the address with full-width digits.
    b = await report({ name: '章玮', phone, address: '武昌区 中南路９号３单元' });
    c = await report({ name: '张伟' });
    const list = await suggestions();
    expect(pairOf(list, a, b)).toMatchObject({ reasons: ['name_sound', 'phone', 'address'], score: 80 });
    expect(pairOf(list, a, c)).toBeUndefined();
    expect(JSON.stringify(list)).not.toContain(phone);

    const id = makeIdNumber(WUCHANG, '19700707', 717);
    const d = await report({ name: '王芳', idNumber: id });
    const e = await report({ name: '王芳', idNumber: id });
    expect(pairOf(await suggestions(), d, e)).toMatchObject({
      score: 100,
      reasons: ['id_number', 'name', 'birth_date'],
    });
    // "Not the same person" keeps the pair away.
    const dismissed = await as(t.app, cdc, {
      method: 'POST',
      url: '/api/v1/case-report/duplicates/dismissals',
      payload: { a: d, b: e },
    });
    expect(dismissed.statusCode).toBe(204);
    expect(pairOf(await suggestions(), d, e)).toBeUndefined();
  });

  it('merges a duplicate: one case counts, its investigation joins the kept case, and the merge can be undone', async () => {
    const member = await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/contact-tracing/cases/${b}/household`,
      payload: { name: '张小明', relation: '子女' },
    });
    expect(member.statusCode, member.body).toBe(201);
    const before = await confirmedNow();
    const merged = await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${a}/merge`,
      payload: { duplicateId: b },
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json().duplicates).toEqual([expect.objectContaining({ id: b, name: '章*' })]);
    expect(await confirmedNow()).toBe(before - 1);
    const listed = (await as(t.app, cdc, { method: 'GET', url: '/api/v1/case-report/cases?limit=200' })).json().items;
    expect(listed.map((x: { id: string }) => x.id)).not.toContain(b);
    expect(pairOf(await suggestions(), a, b)).toBeUndefined();
    // The duplicate is kept for the record, but work goes on the kept case.
    const edit = await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${b}/classification`,
      payload: { classification: 'asymptomatic', reason: '复核' },
    });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().code).toBe('case.merged');
    // The household member found under the duplicate is now the kept case's contact.
    const contactsOf = async (id: string) =>
      (await as(t.app, cdc, { method: 'GET', url: `/api/v1/contact-tracing/contacts?caseId=${id}` })).json().items;
    const deadline = Date.now() + 20_000;
    // The retrace runs after the merge commits, as a job: wait until it has moved the contact over.
    while ((!(await contactsOf(a)).length || (await contactsOf(b)).length) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(await contactsOf(a)).toEqual([
      expect.objectContaining({ name: '张*明', exposures: [expect.objectContaining({ kind: 'household' })] }),
    ]);
    expect(await contactsOf(b)).toEqual([]);
    const audit = await sql<{ action: string }>`select action from audit_events where action = 'merge'`.execute(
      t.zt.platform.database.db,
    );
    expect(audit.rows).toHaveLength(2);

    const undone = await as(t.app, cdc, { method: 'POST', url: `/api/v1/case-report/cases/${b}/unmerge` });
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json().mergedInto).toBeNull();
    expect(await confirmedNow()).toBe(before);
    const again = await as(t.app, cdc, { method: 'POST', url: `/api/v1/case-report/cases/${b}/unmerge` });
    expect(again.statusCode).toBe(409);
    const self = await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${a}/merge`,
      payload: { duplicateId: a },
    });
    expect(self.statusCode).toBe(400);
  });

  it('leaves merging to roles that may, and refuses a bad phone', async () => {
    const refused = await as(t.app, medical, { method: 'GET', url: '/api/v1/case-report/duplicates' });
    expect(refused.statusCode).toBe(403);
    const bad = await as(t.app, medical, {
      method: 'POST',
      url: '/api/v1/case-report/cases',
      payload: {
        name: '某人',
        phone: '12345',
        onsetDate: today(),
        diagnosedAt: new Date().toISOString(),
        classification: 'suspected',
        symptoms: [],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ path: 'phone', code: 'phone.format' })]);
  });
});

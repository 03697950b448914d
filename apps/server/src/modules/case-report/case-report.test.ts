import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  buildTestApp,
  countRows,
  makeIdNumber,
  signInResident,
  signInStaff,
  uniquePhone,
  WUCHANG,
  type Signed,
  type TestApp,
} from '../../../test/build-test-app.ts';

let t: TestApp;
let medical: Signed;
let cdc: Signed;
let venue: Signed;
const patient = {
  name: '夏明远',
  idNumber: makeIdNumber(WUCHANG, '19770321', 611),
  phone: uniquePhone(),
  regionCode: WUCHANG,
};
let patientId: string;
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await buildTestApp({ residents: 20 });
  const grid = await signInStaff(t.app, 'admin');
  [medical, cdc, venue] = await Promise.all([
    signInStaff(t.app, 'medical'),
    signInStaff(t.app, 'cdc'),
    signInStaff(t.app, 'venue'),
  ]);
  const reg = await as(t.app, grid, { method: 'POST', url: '/api/v1/identity/residents', payload: patient });
  patientId = reg.json().id;
});
afterAll(() => t?.close());

const report = (who: Signed, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  as(t.app, who, { method: 'POST', url: '/api/v1/case-report/cases', payload, headers });

describe('网络直报 direct reporting', () => {
  let caseId: string;

  it('reports a confirmed case in one short form; the person’s code turns red at once', async () => {
    const resident = await signInResident(t.app, patient.phone);
    const res = await report(medical, {
      idNumber: patient.idNumber,
      onsetDate: today(),
      diagnosedAt: new Date().toISOString(),
      classification: 'confirmed',
      symptoms: ['fever', 'cough'],
    });
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    caseId = c.id;
    expect(c).toMatchObject({
      name: '夏*远',
      residentKnown: true,
      classification: 'confirmed',
      region: { code: WUCHANG },
      overdue: false,
      symptoms: ['fever', 'cough'],
      history: [{ classification: 'confirmed', reason: 'report', by: 'medical' }],
    });
    expect(res.body).not.toContain(patient.idNumber);
    const status = await as(t.app, resident, { method: 'GET', url: '/api/v1/health-code/status' });
    expect(status.json()).toMatchObject({ colour: 'red', explanation: { ruleId: 'confirmed' } });
  });

  it('accepts pneumonia of unknown cause without laboratory confirmation, for a person not registered', async () => {
    const res = await report(medical, {
      name: '不明姓名患者',
      onsetDate: today(),
      diagnosedAt: new Date().toISOString(),
      classification: 'unexplained_pneumonia',
      symptoms: ['fever', 'dyspnea'],
      note: '双肺磨玻璃影，病原不明',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      residentKnown: false,
      classification: 'unexplained_pneumonia',
      name: '不****者',
    });
    // Later a lab result classifies it; the history keeps both.
    const classified = await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${res.json().id}/classification`,
      payload: { classification: 'confirmed', reason: '核酸检测阳性' },
    });
    expect(classified.statusCode, classified.body).toBe(200);
    expect(classified.json().history.map((h: { classification: string }) => h.classification)).toEqual([
      'unexplained_pneumonia',
      'confirmed',
    ]);
  });

  it('records samples; a positive result confirms a suspected case, with the lab in the history and on the code', async () => {
    const person = {
      name: '蔡文静',
      idNumber: makeIdNumber(WUCHANG, '19900909', 223),
      phone: uniquePhone(),
      regionCode: WUCHANG,
    };
    const admin = await signInStaff(t.app, 'admin');
    const reg = await as(t.app, admin, { method: 'POST', url: '/api/v1/identity/residents', payload: person });
    const reported = await report(medical, {
      idNumber: person.idNumber,
      onsetDate: today(),
      diagnosedAt: new Date().toISOString(),
      classification: 'suspected',
      symptoms: ['fever'],
    });
    const id = reported.json().id;
    const sampled = await as(t.app, medical, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${id}/samples`,
      payload: { kind: 'throat_swab', collectedAt: new Date().toISOString(), lab: '武汉市疾控实验室' },
    });
    expect(sampled.statusCode, sampled.body).toBe(201);
    const sample = sampled.json().samples[0];
    expect(sample).toMatchObject({ kind: 'throat_swab', result: 'pending' });
    const result = await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${id}/samples/${sample.id}/result`,
      payload: { result: 'positive' },
    });
    expect(result.statusCode, result.body).toBe(200);
    expect(result.json()).toMatchObject({ classification: 'confirmed', samples: [{ result: 'positive' }] });
    expect(result.json().history.at(-1).reason).toBe('lab: throat_swab positive (武汉市疾控实验室)');
    const colour = await sql<{
      colour: string;
      rule_id: string;
    }>`select colour, rule_id from health_subjects where resident_id = ${reg.json().id}`.execute(
      t.zt.platform.database.db,
    );
    expect(colour.rows[0]).toEqual({ colour: 'red', rule_id: 'confirmed' });
    const twice = await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${id}/samples/${sample.id}/result`,
      payload: { result: 'negative' },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('case.sample_has_result');
  });

  it('refuses impossible dates and a person it cannot identify, naming each field, writing nothing', async () => {
    const before = await countRows(t, 'cases');
    const tomorrow = new Date(Date.now() + 2 * 86_400_000);
    const res = await report(medical, {
      idNumber: '420106197703216110',
      onsetDate: tomorrow.toISOString().slice(0, 10),
      diagnosedAt: tomorrow.toISOString(),
      classification: 'suspected',
      symptoms: [],
    });
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`)
        .sort(),
    ).toEqual([
      'diagnosedAt case.in_future',
      'idNumber id_number.checksum',
      'name case.person_required',
      'onsetDate case.in_future',
    ]);
    const late = await report(medical, {
      name: '王某',
      onsetDate: today(),
      diagnosedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      classification: 'suspected',
      symptoms: [],
    });
    expect(late.json().errors[0]).toMatchObject({ path: 'onsetDate', code: 'case.onset_after_diagnosis' });
    expect(await countRows(t, 'cases')).toBe(before);
  });

  it('makes a double-submitted report one case', async () => {
    const before = await countRows(t, 'cases');
    const body = {
      name: '重复提交',
      onsetDate: today(),
      diagnosedAt: new Date().toISOString(),
      classification: 'suspected',
      symptoms: [],
    };
    const first = await report(medical, body, { 'idempotency-key': 'report-twice-1' });
    const second = await report(medical, body, { 'idempotency-key': 'report-twice-1' });
    expect(second.json().id).toBe(first.json().id);
    expect(await countRows(t, 'cases')).toBe(before + 1);
  });

  it('lists reports that missed the deadline for the CDC, within jurisdiction only', async () => {
    const late = await report(medical, {
      name: '迟报患者',
      onsetDate: new Date(Date.now() - 3 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10),
      diagnosedAt: new Date(Date.now() - 5 * 3_600_000).toISOString(),
      classification: 'suspected',
      symptoms: ['fever'],
    });
    expect(late.json().overdue).toBe(true);
    const overdue = await as(t.app, cdc, { method: 'GET', url: '/api/v1/case-report/cases?view=overdue' });
    expect(overdue.json().items.map((c: { id: string }) => c.id)).toEqual([late.json().id]);
    const all = await as(t.app, cdc, { method: 'GET', url: '/api/v1/case-report/cases' });
    expect(all.json().items.length).toBeGreaterThanOrEqual(4);
    // Roles without case access are refused outright (department officers, venue staff).
    const officer = await signInStaff(t.app, 'officer');
    expect((await as(t.app, officer, { method: 'GET', url: `/api/v1/case-report/cases/${caseId}` })).statusCode).toBe(
      403,
    );
    expect((await as(t.app, venue, { method: 'GET', url: '/api/v1/case-report/cases' })).statusCode).toBe(403);
  });

  it('closes a case as recovered: the code follows, and a closed case cannot be reclassified', async () => {
    const closed = await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${caseId}/outcome`,
      payload: { outcome: 'recovered' },
    });
    expect(closed.json()).toMatchObject({ outcome: 'recovered' });
    const subject = await sql<{
      colour: string;
    }>`select colour from health_subjects where resident_id = ${patientId}`.execute(t.zt.platform.database.db);
    expect(subject.rows[0]!.colour).not.toBe('red');
    const again = await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${caseId}/classification`,
      payload: { classification: 'suspected', reason: '再次分类' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('case.closed');
  });
});

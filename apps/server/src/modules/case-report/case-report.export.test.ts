import ExcelJS from 'exceljs';
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
const idNumber = makeIdNumber(WUCHANG, '19881212', 401);
const phone = uniquePhone();

beforeAll(async () => {
  t = await buildTestApp({ residents: 1, build: { startJobs: true } });
  [medical, cdc] = await Promise.all([signInStaff(t.app, 'medical'), signInStaff(t.app, 'cdc')]);
  const first = await as(t.app, medical, {
    method: 'POST',
    url: '/api/v1/case-report/cases',
    payload: {
      name: '导出甲',
      idNumber,
      phone,
      address: '武昌区中南路1号',
      onsetDate: today(),
      diagnosedAt: new Date().toISOString(),
      classification: 'suspected',
      symptoms: ['fever'],
    },
  });
  const id = first.json().id;
  const sample = await as(t.app, medical, {
    method: 'POST',
    url: `/api/v1/case-report/cases/${id}/samples`,
    payload: { kind: 'throat_swab', collectedAt: new Date().toISOString(), lab: '市疾控实验室' },
  });
  await as(t.app, medical, {
    method: 'POST',
    url: `/api/v1/case-report/cases/${id}/samples/${sample.json().samples[0].id}/result`,
    payload: { result: 'positive' },
  });
  for (const name of ['导出乙', '导出丙'])
    await as(t.app, medical, {
      method: 'POST',
      url: '/api/v1/case-report/cases',
      payload: {
        name,
        onsetDate: today(),
        diagnosedAt: new Date().toISOString(),
        classification: 'asymptomatic',
        symptoms: [],
      },
    });
});
afterAll(() => t?.close());

async function exported(format: 'csv' | 'xlsx' | 'fhir') {
  const started = await as(t.app, cdc, {
    method: 'POST',
    url: '/api/v1/case-report/exports',
    payload: { format, purpose: '向省疾控报送病例明细' },
  });
  expect(started.statusCode, started.body).toBe(202);
  const id = started.json().id;
  const deadline = Date.now() + 20_000;
  let job = started.json();
  while (job.status !== 'done' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    job = (await as(t.app, cdc, { method: 'GET', url: `/api/v1/exports/${id}` })).json();
  }
  expect(job).toMatchObject({ status: 'done', rowsTotal: 3, rowsDone: 3, kind: 'cases', format });
  const file = await as(t.app, cdc, { method: 'GET', url: `/api/v1/exports/${id}/file` });
  expect(file.statusCode).toBe(200);
  return { id, file };
}

describe('case exports', () => {
  it('writes CSV with every field in clear, and audits each person written out', async () => {
    const { id, file } = await exported('csv');
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    expect(file.headers['content-disposition']).toMatch(/attachment; filename="cases-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = file.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('身份证号 idNumber');
    const first = lines.find((l) => l.includes('导出甲'))!;
    expect(first).toContain(idNumber);
    expect(first).toContain(phone);
    expect(first).toContain('confirmed');
    const audit = await sql<{ n: number }>`select count(*)::int as n from audit_events
      where action = 'export' and purpose = '向省疾控报送病例明细'`.execute(t.zt.platform.database.db);
    expect(audit.rows[0]!.n).toBeGreaterThanOrEqual(3);
    // Nobody else can fetch it.
    const other = await signInStaff(t.app, 'admin');
    expect((await as(t.app, other, { method: 'GET', url: `/api/v1/exports/${id}/file` })).statusCode).toBe(404);
  });

  it('writes an XLSX a spreadsheet opens', async () => {
    const { file } = await exported('xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('cases')!;
    expect(sheet.rowCount).toBe(4);
    const names = sheet.getColumn(2).values.filter(Boolean);
    expect(names).toEqual(expect.arrayContaining(['导出甲', '导出乙', '导出丙']));
  });

  it('writes FHIR R4 Bundles of Patient, Condition, Specimen and Observation, one per line', async () => {
    const { file } = await exported('fhir');
    expect(file.headers['content-type']).toMatch(/^application\/fhir\+ndjson/);
    const bundles = file.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(bundles).toHaveLength(3);
    const withLab = bundles.find((b) =>
      b.entry.some((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Observation'),
    );
    const types = withLab.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType);
    expect(types).toEqual(['Patient', 'Condition', 'Specimen', 'Observation']);
    const [patient, condition, specimen, observation] = withLab.entry.map((e: { resource: unknown }) => e.resource);
    expect(patient).toMatchObject({
      identifier: [{ value: idNumber }],
      name: [{ text: '导出甲' }],
      birthDate: '1988-12-12',
    });
    expect(condition).toMatchObject({
      code: { coding: [{ code: 'U07.1' }] },
      verificationStatus: { coding: [{ code: 'confirmed' }] },
      subject: { reference: `Patient/${patient.id}` },
    });
    expect(specimen.type.coding[0].code).toBe('258529004');
    expect(observation).toMatchObject({
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '94500-6' }] },
      specimen: { reference: `Specimen/${specimen.id}` },
      valueCodeableConcept: { coding: [{ code: '10828004' }] },
    });
    expect(withLab).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    for (const e of withLab.entry) expect(e.fullUrl).toBe(`urn:uuid:${e.resource.id}`);
  });

  it('needs a purpose and the right to export', async () => {
    const noPurpose = await as(t.app, cdc, {
      method: 'POST',
      url: '/api/v1/case-report/exports',
      payload: { format: 'csv', purpose: '' },
    });
    expect(noPurpose.statusCode).toBe(400);
    const refused = await as(t.app, medical, {
      method: 'POST',
      url: '/api/v1/case-report/exports',
      payload: { format: 'csv', purpose: '自己看看' },
    });
    expect(refused.statusCode).toBe(403);
  });
});

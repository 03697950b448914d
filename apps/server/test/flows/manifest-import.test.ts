import ExcelJS from 'exceljs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportView } from '@zhengtong/contracts';
import { AuditLog } from '../../src/platform/audit/index.ts';
import { Vault } from '../../src/platform/vault/index.ts';
import {
  as,
  buildTestApp,
  countRows,
  JIANGAN,
  makeIdNumber,
  signInStaff,
  TEST_MASTER_KEY,
  type Signed,
  type TestApp,
} from '../build-test-app.ts';

const api = '/api/v1/contact-tracing/imports';
const CHUNK = 4096;
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
let t: TestApp;
let cdc: Signed;
let officer: Signed;
let medical: Signed;

beforeAll(async () => {
  t = await buildTestApp({
    residents: 1,
    config: { imports: { maxBytes: 1024 * 1024, chunkBytes: CHUNK, batchRows: 50 } },
  });
  [cdc, officer, medical] = await Promise.all([
    signInStaff(t.app, 'cdc'),
    signInStaff(t.app, 'officer'),
    signInStaff(t.app, 'medical'),
  ]);
});
afterAll(() => t?.close());

let seq = 0;
/** A distinct valid passenger: a checksum-valid ID number and a mobile number of its own. */
const passenger = () => {
  const n = seq++;
  const birth = `1980${String((n % 12) + 1).padStart(2, '0')}${String(1 + (Math.floor(n / 12) % 28)).padStart(2, '0')}`;
  return {
    name: `旅客${n}`,
    idNumber: makeIdNumber(JIANGAN, birth, Math.floor(n / 336) % 1000),
    phone: `139${String(10_000_000 + n).slice(-8)}`,
  };
};
const csvOf = (header: string[], rows: string[][]) =>
  Buffer.from(
    [header, ...rows]
      .map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))
      .join('\r\n') + '\r\n',
  );
const ZH = ['交通方式', '车次/航班号', '日期', '车厢', '座位', '姓名', '身份证号', '手机'];

async function create(who: Signed, fileName: string, format: 'csv' | 'xlsx', size: number, headers = {}) {
  return as(t.app, who, { method: 'POST', url: api, payload: { kind: 'manifest', fileName, format, size }, headers });
}
const putChunk = (who: Signed, id: string, offset: number, data: Buffer) =>
  as(t.app, who, {
    method: 'PUT',
    url: `${api}/${id}/chunks?offset=${offset}`,
    payload: data,
    headers: { 'content-type': 'application/octet-stream' },
  });
const complete = (who: Signed, id: string) => as(t.app, who, { method: 'POST', url: `${api}/${id}/complete` });
const viewOf = async (who: Signed, id: string): Promise<ImportView> => {
  const res = await as(t.app, who, { method: 'GET', url: `${api}/${id}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

/** Creates, uploads chunk by chunk and completes; answers the completed import. */
async function upload(who: Signed, fileName: string, format: 'csv' | 'xlsx', bytes: Buffer): Promise<ImportView> {
  const created = await create(who, fileName, format, bytes.length);
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    const res = await putChunk(who, id, offset, bytes.subarray(offset, offset + CHUNK));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().uploadedBytes).toBe(Math.min(bytes.length, offset + CHUNK));
  }
  const done = await complete(who, id);
  expect(done.statusCode, done.body).toBe(200);
  return done.json();
}
/** Works the queued job here, as any process's worker would. */
const runJob = (id: string) => t.zt.services.manifestImports.run(id);
const rowsOf = async (importId: string) =>
  (
    await sql<{ n: number; people: number }>`select count(*)::int as n, count(distinct id_number_bidx)::int as people
      from tracing_manifest_rows where import_id = ${importId}`.execute(t.zt.platform.database.db)
  ).rows[0]!;
const queuedJobs = async (importId: string) =>
  (
    await sql<{ n: number }>`select count(*)::int as n from jobs.job
      where name = 'contact-tracing.import' and data->>'importId' = ${importId}`.execute(t.zt.platform.database.db)
  ).rows[0]!.n;

describe('CSV manifests', () => {
  const good = Array.from({ length: 120 }, () => passenger());
  const badId = passenger();
  const badPhone = passenger();
  const rows = good.map((p, i) => [
    '火车',
    'G1234',
    today,
    String((i % 16) + 1),
    `${(i % 20) + 1}F`,
    p.name,
    p.idNumber,
    p.phone,
  ]);
  // Row 42 of the file (header = row 1): the ID number's check digit is wrong; row 80: not a phone number.
  rows.splice(40, 0, [
    '火车',
    'G1234',
    today,
    '3',
    '1A',
    badId.name,
    badId.idNumber.slice(0, 17) + (badId.idNumber.endsWith('0') ? '1' : '0'),
    badId.phone,
  ]);
  rows.splice(78, 0, ['火车', 'G1234', today, '3', '2A', badPhone.name, badPhone.idNumber, '12345']);
  const file = csvOf(ZH, rows);
  let imported: ImportView;

  it('imports a CSV sent in chunks through a queued job, rejecting bad rows with reasons', async () => {
    expect(file.length).toBeGreaterThan(2 * CHUNK);
    const queued = await upload(cdc, '铁路客票.csv', 'csv', file);
    expect(queued).toMatchObject({ status: 'queued', uploadedBytes: file.length, size: file.length, rowsDone: 0 });
    expect(await queuedJobs(queued.id)).toBe(1);
    await runJob(queued.id);
    imported = await viewOf(cdc, queued.id);
    expect(imported).toMatchObject({
      status: 'done',
      rowsDone: 120,
      rowsRejected: 2,
      processedBytes: file.length,
      errorCode: null,
      retraced: 0,
    });
    expect(await rowsOf(queued.id)).toEqual({ n: 120, people: 120 });
    expect(await countRows(t, 'tracing_import_chunks')).toBe(0);
  });

  it('keeps the person only in the vault: masked name and ID, a blind index, the rest encrypted', async () => {
    const r = await sql<{
      person_enc: string;
      name_masked: string;
      id_number_masked: string;
      carriage: number;
      seat_row: number;
    }>`
      select person_enc, name_masked, id_number_masked, carriage, seat_row from tracing_manifest_rows
      where import_id = ${imported.id} order by id limit 1`.execute(t.zt.platform.database.db);
    const row = r.rows[0]!;
    expect(row).toMatchObject({ name_masked: '旅*0', carriage: 1, seat_row: 1 });
    expect(row.id_number_masked).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(row.person_enc).not.toContain(good[0]!.idNumber);
    const vault = new Vault(TEST_MASTER_KEY, new AuditLog(t.zt.platform.database.db));
    expect(JSON.parse(vault.process('person', row.person_enc))).toEqual(good[0]);
  });

  it('reports rejected rows as CSV with row, field, code and reason, and no personal data', async () => {
    const res = await as(t.app, cdc, {
      method: 'GET',
      url: `${api}/${imported.id}/rejects.csv`,
      headers: { 'accept-language': 'en' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('rejects.csv');
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines).toEqual([
      'row,field,code,reason',
      '42,idNumber,id_number.checksum,The check digit of the ID number is wrong',
      '80,phone,phone.format,Enter an 11-digit mainland China mobile number',
    ]);
    for (const p of [badId, badPhone]) {
      expect(res.body).not.toContain(p.name);
      expect(res.body).not.toContain(p.idNumber.slice(0, 17));
    }
    const zh = await as(t.app, cdc, { method: 'GET', url: `${api}/${imported.id}/rejects.csv` });
    expect(zh.body.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toBe('行号,字段,错误代码,原因');
  });

  it('completing again answers the same import and queues nothing more; the same file again is its first import', async () => {
    const again = await complete(cdc, imported.id);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: imported.id, status: 'done', rowsDone: 120 });
    expect(await queuedJobs(imported.id)).toBe(1);
    const before = await countRows(t, 'tracing_manifest_rows');
    const repeat = await upload(cdc, '铁路客票（重复）.csv', 'csv', file);
    expect(repeat).toMatchObject({ id: imported.id, status: 'done', rowsDone: 120 });
    expect(await countRows(t, 'tracing_manifest_rows')).toBe(before);
    expect(await countRows(t, 'tracing_import_chunks')).toBe(0);
  });

  it('answers a repeated create with the same Idempotency-Key with the same import', async () => {
    const headers = { 'idempotency-key': 'import-double-click-1' };
    const a = await create(cdc, 'a.csv', 'csv', 100, headers);
    const b = await create(cdc, 'a.csv', 'csv', 100, headers);
    expect(a.statusCode).toBe(201);
    expect(b.json().id).toBe(a.json().id);
  });

  it('reads Excel-style GB18030 CSV with English headers, BOM-less, and skips blank lines', async () => {
    const p = passenger();
    const text = `mode,number,date,name,idNumber\r\nflight,CZ3456,${today.replace(/-/g, '/')},${p.name},${p.idNumber}\r\n,,,,\r\n\r\n`;
    const encoded = encodeGb18030(text);
    expect(encoded).not.toBeNull();
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(encoded!)).toThrow();
    const v = await upload(cdc, 'flight.csv', 'csv', encoded!);
    await runJob(v.id);
    expect(await viewOf(cdc, v.id)).toMatchObject({ status: 'done', rowsDone: 1, rowsRejected: 0 });
    const r = await sql<{ name_masked: string; travel_date: string }>`
      select name_masked, travel_date from tracing_manifest_rows where import_id = ${v.id}`.execute(
      t.zt.platform.database.db,
    );
    expect(r.rows).toEqual([{ name_masked: maskedOf(p.name), travel_date: today }]);
  });
});

/** 旅客12 → 旅*2: the house mask of a name. */
const maskedOf = (name: string) =>
  name.length === 2 ? `${name[0]}*` : `${name[0]}${'*'.repeat(name.length - 2)}${name.at(-1)}`;

/** GB18030 bytes of a text, built from a decoder table of the characters it uses (Node has no GB encoder). */
function encodeGb18030(text: string): Buffer | null {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, Buffer>();
  const wanted = new Set([...text].filter((c) => c.charCodeAt(0) > 0x7f));
  for (let hi = 0x81; hi <= 0xfe && table.size < wanted.size; hi++)
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      const bytes = Buffer.from([hi, lo]);
      const c = decoder.decode(bytes);
      if (wanted.has(c) && !table.has(c)) table.set(c, bytes);
    }
  if (table.size < wanted.size) return null;
  return Buffer.concat([...text].map((c) => table.get(c) ?? Buffer.from(c, 'utf8')));
}

describe('XLSX manifests', () => {
  async function xlsx(header: string[], rows: unknown[][]): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('乘客');
    ws.addRow(header);
    for (const r of rows) ws.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('imports the first sheet of a workbook: numbers, dates and text cells', async () => {
    const people = Array.from({ length: 60 }, () => passenger());
    const rows: unknown[][] = people.map((p, i) => [
      'flight',
      'MU5101',
      new Date(`${today}T00:00:00Z`),
      null,
      `${(i % 30) + 1}C`,
      p.name,
      p.idNumber,
      Number(p.phone),
    ]);
    rows.push(['flight', 'MU5101', 'yesterday', null, '1A', '某人', passenger().idNumber, null]);
    const file = await xlsx(['mode', 'number', 'date', 'carriage', 'seat', 'name', 'idNumber', 'phone'], rows);
    const v = await upload(officer, 'flight.xlsx', 'xlsx', file);
    await runJob(v.id);
    const done = await viewOf(officer, v.id);
    expect(done).toMatchObject({ status: 'done', rowsDone: 60, rowsRejected: 1 });
    expect(await rowsOf(v.id)).toEqual({ n: 60, people: 60 });
    const res = await as(t.app, officer, {
      method: 'GET',
      url: `${api}/${v.id}/rejects.csv`,
      headers: { 'accept-language': 'en' },
    });
    expect(res.body).toContain('62,date,field.format,Wrong format');
    expect(res.body).not.toContain('某人');
  });

  it('refuses a workbook with missing and unknown columns whole, naming them, writing nothing', async () => {
    const before = await countRows(t, 'tracing_manifest_rows');
    const p = passenger();
    const file = await xlsx(['交通方式', '车次', '日期', '姓名', '备注'], [['火车', 'G1', today, p.name, 'x']]);
    const v = await upload(cdc, 'wrong.xlsx', 'xlsx', file);
    await runJob(v.id);
    const refused = await viewOf(cdc, v.id);
    expect(refused).toMatchObject({ status: 'refused', errorCode: 'import.columns', rowsDone: 0 });
    expect(refused.problems.map((x) => [x.path, x.code])).toEqual([
      ['columns.备注', 'import.unknown_column'],
      ['columns.idNumber', 'import.missing_column'],
    ]);
    expect(refused.problems[1]!.message).toBe('缺少必需的列');
    expect(await countRows(t, 'tracing_manifest_rows')).toBe(before);
    const rejects = await sql<{ n: number }>`select count(*)::int as n from tracing_import_rejects
      where import_id = ${v.id}`.execute(t.zt.platform.database.db);
    expect(rejects.rows[0]!.n).toBe(0);
  });

  it('fails a file that is not a workbook, keeping nothing', async () => {
    const v = await upload(
      cdc,
      'fake.xlsx',
      'xlsx',
      Buffer.from('PK\u0003\u0004 this is not really a zip file at all'),
    );
    await runJob(v.id);
    expect(await viewOf(cdc, v.id)).toMatchObject({
      status: 'failed',
      errorCode: 'import.xlsx_malformed',
      rowsDone: 0,
    });
    expect(await rowsOf(v.id)).toEqual({ n: 0, people: 0 });
  });
});

describe('refusals before anything is written', () => {
  it('refuses a CSV with wrong columns at its first chunk, naming missing and unknown columns', async () => {
    const file = csvOf(['交通方式', '车次', '日期', '姓名', 'remark', '手机'], [['火车', 'G1', today, '某', 'x', '']]);
    const created = await create(cdc, 'wrong.csv', 'csv', file.length);
    const id = created.json().id;
    const res = await as(t.app, cdc, {
      method: 'PUT',
      url: `${api}/${id}/chunks?offset=0`,
      payload: file,
      headers: { 'content-type': 'application/octet-stream', 'accept-language': 'en' },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'import.columns' });
    expect(res.json().errors).toEqual([
      { path: 'columns.remark', code: 'import.unknown_column', message: 'Unknown column' },
      { path: 'columns.idNumber', code: 'import.missing_column', message: 'Required column missing' },
    ]);
    expect(await viewOf(cdc, id)).toMatchObject({ status: 'refused', uploadedBytes: 0 });
    expect((await complete(cdc, id)).json()).toMatchObject({ status: 'refused' });
  });

  it('refuses a 2 GB file up front and a chunk over the chunk size, as problem+json', async () => {
    const big = await create(cdc, 'huge.csv', 'csv', 2 * 1024 ** 3);
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(big.json()).toMatchObject({ code: 'import.too_large', errors: [expect.objectContaining({ path: 'size' })] });
    const id = (await create(cdc, 'ok.csv', 'csv', 3 * CHUNK)).json().id;
    const over = await putChunk(cdc, id, 0, Buffer.alloc(CHUNK + 1, 65));
    expect(over.statusCode).toBe(413);
    expect(over.json()).toMatchObject({ code: 'request.too_large' });
    // A declared length far over the limit is refused before the body is read.
    const declared = await t.app.inject({
      method: 'PUT',
      url: `${api}/${id}/chunks?offset=0`,
      headers: { ...cdc.headers, 'content-type': 'application/octet-stream', 'content-length': String(2 * 1024 ** 3) },
      payload: 'x',
    });
    expect(declared.statusCode).toBe(413);
    expect(declared.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(declared.json()).toMatchObject({ code: 'request.too_large' });
  });

  it('stops reading a streamed body of unknown length at the chunk size, over a real socket', async () => {
    const id = (await create(cdc, 'stream.csv', 'csv', 3 * CHUNK)).json().id;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    let sent = 0;
    const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          port,
          host: '127.0.0.1',
          method: 'PUT',
          path: `${api}/${id}/chunks?offset=0`,
          headers: { ...cdc.headers, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
        },
      );
      req.on('error', reject);
      // Up to 64 MiB (a client that would send 2 GB); the server answers long before.
      const block = Buffer.alloc(64 * 1024, 65);
      const pump = () => {
        while (sent < 64 * 1024 * 1024 && !req.destroyed) {
          sent += block.length;
          if (!req.write(block)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(answer.status).toBe(413);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'request.too_large' });
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect((await viewOf(cdc, id)).uploadedBytes).toBe(0);
  });

  it('takes chunks only in order, accepts a repeated chunk and refuses different bytes at a stored offset', async () => {
    const bytes = csvOf(
      ZH,
      Array.from({ length: 80 }, () => {
        const p = passenger();
        return ['火车', 'D301', today, '1', '1A', p.name, p.idNumber, p.phone];
      }),
    );
    const id = (await create(cdc, 'order.csv', 'csv', bytes.length)).json().id;
    const second = await putChunk(cdc, id, CHUNK, bytes.subarray(CHUNK, 2 * CHUNK));
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'import.chunk_offset' });
    expect((await putChunk(cdc, id, 100, bytes.subarray(100, 100 + CHUNK))).json()).toMatchObject({
      code: 'import.chunk_size',
    });
    expect((await putChunk(cdc, id, 0, bytes.subarray(0, CHUNK - 1))).json()).toMatchObject({
      code: 'import.chunk_size',
    });
    expect((await putChunk(cdc, id, 0, bytes.subarray(0, CHUNK))).statusCode).toBe(200);
    const repeat = await putChunk(cdc, id, 0, bytes.subarray(0, CHUNK));
    expect(repeat.statusCode).toBe(200);
    expect(repeat.json().uploadedBytes).toBe(CHUNK);
    const changed = Buffer.from(bytes.subarray(0, CHUNK));
    changed[CHUNK - 1] = changed[CHUNK - 1]! ^ 0xff;
    expect((await putChunk(cdc, id, 0, changed)).json()).toMatchObject({ code: 'import.chunk_mismatch' });
    const early = await complete(cdc, id);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'import.incomplete' });
    const wrongType = await as(t.app, cdc, {
      method: 'PUT',
      url: `${api}/${id}/chunks?offset=${CHUNK}`,
      payload: { x: 1 },
    });
    expect(wrongType.statusCode).toBe(415);
    expect(await countRows(t, 'tracing_import_chunks')).toBe(1);
  });
});

describe('resuming after a crash', () => {
  it('continues after the last committed batch: every row once, none twice', async () => {
    const people = Array.from({ length: 300 }, () => passenger());
    const file = csvOf(
      ZH,
      people.map((p, i) => [
        '高铁',
        'G88',
        today,
        String((i % 8) + 1),
        `${(i % 17) + 1}A`,
        p.name,
        p.idNumber,
        p.phone,
      ]),
    );
    const v = await upload(cdc, 'crash.csv', 'csv', file);
    const db = t.zt.platform.database.db;
    // The "crash": the database refuses the checkpoint past row 150, as if the process died there.
    await sql`create function zt_test_crash() returns trigger language plpgsql as $$
      begin if new.checkpoint > 150 and new.status = 'running' then raise exception 'simulated crash'; end if; return new; end $$`.execute(
      db,
    );
    await sql`create trigger zt_test_crash before update on tracing_imports for each row execute function zt_test_crash()`.execute(
      db,
    );
    await expect(runJob(v.id)).rejects.toThrow();
    const midway = await viewOf(cdc, v.id);
    expect(midway.status).toBe('running');
    expect(midway.rowsDone).toBeGreaterThan(0);
    expect(midway.rowsDone).toBeLessThanOrEqual(150);
    expect((await rowsOf(v.id)).n).toBe(midway.rowsDone);
    await sql`drop trigger zt_test_crash on tracing_imports`.execute(db);
    await sql`drop function zt_test_crash()`.execute(db);
    await runJob(v.id);
    expect(await viewOf(cdc, v.id)).toMatchObject({ status: 'done', rowsDone: 300, rowsRejected: 0 });
    expect(await rowsOf(v.id)).toEqual({ n: 300, people: 300 });
    // A late second delivery of the same job changes nothing.
    await runJob(v.id);
    expect(await rowsOf(v.id)).toEqual({ n: 300, people: 300 });
  });
});

describe('who may import', () => {
  it('needs tracing.import: 403 for medical staff, and imports outside the jurisdiction are unknown', async () => {
    const res = await create(medical, 'x.csv', 'csv', 10);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'auth.forbidden' });
    expect((await as(t.app, medical, { method: 'GET', url: api })).statusCode).toBe(403);
    const cityWide = (await create(cdc, 'city.csv', 'csv', 10)).json().id;
    expect((await as(t.app, officer, { method: 'GET', url: `${api}/${cityWide}` })).statusCode).toBe(404);
    expect((await putChunk(officer, cityWide, 0, Buffer.from('0123456789'))).statusCode).toBe(404);
    const own = await as(t.app, officer, { method: 'GET', url: api });
    expect(own.json().items.every((i: ImportView) => i.createdBy !== 'cdc')).toBe(true);
    const all = await as(t.app, cdc, { method: 'GET', url: `${api}?limit=200` });
    expect(all.json().items.map((i: ImportView) => i.id)).toContain(cityWide);
  });
});

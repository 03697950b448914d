import { sql } from 'kysely';
import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import type { Actor } from '../apps/server/src/platform/auth/actor.ts';
import { maskIdNumber, maskName } from '../apps/server/src/platform/vault/index.ts';
import { benchApp } from './lib/app.ts';
import { passenger } from './lib/people.ts';
import { row, type Row } from './lib/table.ts';

const ROWS = Number(process.env.BENCH_MANIFEST_ROWS ?? 1_000_000);
/** Rows per statement of the baseline: 11 columns each, as many as the embedded database accepts in one message. */
const BASELINE_BATCH = 2000;
/** Trains over the last week, 16 carriages of 100 seats each: the shape of a railway's passenger list. */
function trip(n: number, dates: string[]) {
  return {
    number: `G${1000 + (Math.floor(n / 1600) % 500)}`,
    date: dates[Math.floor(n / 800_000) % dates.length]!,
    carriage: (Math.floor(n / 100) % 16) + 1,
    seat: `${(Math.floor(n / 5) % 20) + 1}${'ABCDF'[n % 5]}`,
  };
}

function manifestCsv(rows: number, dates: string[]): Buffer {
  const lines = ['交通方式,车次/航班号,日期,车厢,座位,姓名,身份证号,手机'];
  for (let n = 0; n < rows; n++) {
    const p = passenger(n);
    const t = trip(n, dates);
    lines.push(`火车,${t.number},${t.date},${t.carriage},${t.seat},${p.name},${p.idNumber},${p.phone}`);
  }
  return Buffer.from(lines.join('\r\n') + '\r\n');
}

/**
 * A passenger-manifest file import end to end (upload in chunks, then the job: parse, check, encrypt,
 * commit batches with checkpoints), against the database's own floor: a plain multi-row INSERT of the
 * same number of rows already checked and encrypted. Parsing the CSV alone is shown for the CPU side.
 */
export async function manifestImport(): Promise<Row[]> {
  const { zt, config, close } = await benchApp(['42']);
  try {
    const db = zt.platform.database.db;
    const { vault } = zt.platform;
    const imports = zt.services.manifestImports;
    const dayMs = 86_400_000;
    const shanghaiNow = Date.now() + 8 * 3_600_000;
    const dates = [1, 2].map((d) => new Date(shanghaiNow - d * dayMs).toISOString().slice(0, 10));
    const file = manifestCsv(ROWS, dates);

    // Baseline: the rows as the importer would write them, prepared outside the clock, inserted in batches.
    let insertMs = 0;
    for (let start = 0; start < ROWS; start += BASELINE_BATCH) {
      const rows = [];
      for (let n = start; n < Math.min(ROWS, start + BASELINE_BATCH); n++) {
        const p = passenger(n);
        const t = trip(n, dates);
        rows.push({
          import_id: null,
          mode: 'train' as const,
          number: t.number,
          travel_date: t.date,
          carriage: t.carriage,
          seat: t.seat,
          seat_row: Math.ceil(Number.parseInt(t.seat, 10) / 5),
          person_enc: vault.encrypt('person', JSON.stringify(p)),
          name_masked: maskName(p.name),
          id_number_bidx: vault.blindIndex('idNumber', p.idNumber),
          id_number_masked: maskIdNumber(p.idNumber),
        });
      }
      const t0 = performance.now();
      await db.insertInto('tracing_manifest_rows').values(rows).execute();
      insertMs += performance.now() - t0;
    }
    // The import starts from the same empty table the baseline did.
    await sql`truncate tracing_manifest_rows cascade`.execute(db);

    let t0 = performance.now();
    let parsed = 0;
    for await (const _ of Readable.from([file]).pipe(parse({ bom: true, relax_column_count: true }))) parsed++;
    const parseMs = performance.now() - t0;
    if (parsed !== ROWS + 1) throw new Error(`parsed ${parsed} records of ${ROWS + 1}`);

    const actor: Actor = {
      kind: 'staff',
      id: '00000000-0000-7000-8000-000000000001',
      label: 'bench',
      roles: [],
      permissions: ['tracing.import'],
      jurisdiction: '4201',
      residentId: null,
    };
    t0 = performance.now();
    const created = await imports.create(
      actor,
      { kind: 'manifest', fileName: 'bench.csv', format: 'csv', size: file.length },
      'en',
    );
    const { chunkBytes } = config.imports;
    for (let offset = 0; offset < file.length; offset += chunkBytes)
      await imports.putChunk(actor, created.id, offset, file.subarray(offset, offset + chunkBytes), 'en');
    await imports.complete(actor, created.id, 'en');
    const uploadMs = performance.now() - t0;

    t0 = performance.now();
    await imports.run(created.id);
    const importMs = performance.now() - t0;
    const done = await imports.get(actor, created.id, 'en');
    if (done.status !== 'done' || done.rowsDone !== ROWS || done.rowsRejected !== 0)
      throw new Error(`import ended ${done.status} with ${done.rowsDone} rows, ${done.rowsRejected} rejected`);

    const n = ROWS.toLocaleString('en-US');
    const insertRate = ROWS / (insertMs / 1000);
    const importRate = ROWS / (importMs / 1000);
    return [
      row(`plain multi-row INSERT of ${n} prepared manifest rows: rows/s`, insertRate, 'rows/s', null),
      row(`parse the ${n}-row CSV alone (csv-parse): rows/s`, ROWS / (parseMs / 1000), 'rows/s', null),
      row(
        `upload the ${(file.length / 1024 ** 2).toFixed(0)} MiB CSV in chunks: MiB/s`,
        file.length / 1024 ** 2 / (uploadMs / 1000),
        'MiB/s',
        null,
      ),
      row(`import a ${n}-row manifest (check, encrypt, commit): rows/s`, importRate, 'rows/s', insertRate),
      row(`import a ${n}-row manifest: seconds`, importMs / 1000, 's', insertMs / 1000),
    ];
  } finally {
    await close();
  }
}

import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { Readable, Transform } from 'node:stream';
import { TextDecoder } from 'node:util';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { ErrorCode, ManifestRowInput, TripMode } from '@zhengtong/contracts';
import { CopyRows } from '../../platform/db/copy.ts';
import type { FieldProblem } from '../../platform/errors.ts';
import type { SealingKeys } from '../../platform/vault/index.ts';

/** One record of a file: its row number (the header is row 1 in a CSV; the sheet's own number in XLSX) and cells. */
export interface FileRecord {
  row: number;
  cells: string[];
}

/** The file itself cannot be read (not a transient failure): the import fails and keeps nothing. */
export class FileError extends Error {
  constructor(readonly code: ErrorCode) {
    super(code);
    this.name = 'FileError';
  }
}

type Field = keyof ManifestRowInput;
const REQUIRED: Field[] = ['mode', 'number', 'date', 'name', 'idNumber'];
/** Accepted column headers, compared after normalising (see `headerKey`); Chinese and English. */
const ALIASES: Record<Field, string[]> = {
  mode: ['交通方式', '出行方式', '方式', 'mode', 'transport', 'transportmode'],
  number: [
    '车次/航班号',
    '车次航班号',
    '车次',
    '航班号',
    '航班',
    '班次',
    'number',
    'tripnumber',
    'trainnumber',
    'flightnumber',
  ],
  date: ['日期', '出行日期', '乘车日期', '乘机日期', '发车日期', 'date', 'traveldate'],
  carriage: ['车厢', '车厢号', 'carriage', 'coach'],
  seat: ['座位', '座位号', '座号', 'seat', 'seatnumber'],
  name: ['姓名', '旅客姓名', 'name', 'passengername'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '证件号码', 'idnumber', 'idcard'],
  phone: ['手机', '手机号', '手机号码', '联系电话', '电话', 'phone', 'mobile'],
};
const headerKey = (h: string) =>
  h
    .normalize('NFKC')
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
const FIELD_OF = new Map<string, Field>(
  (Object.entries(ALIASES) as [Field, string[]][]).flatMap(([field, names]) =>
    names.map((n) => [headerKey(n), field] as const),
  ),
);

/** Which cell holds which field. */
export type HeaderMap = Partial<Record<Field, number>>;

/**
 * Maps a header row to fields; a file with a required column missing, an unknown column or a column
 * twice is refused whole, naming each column (`columns.<header>` or `columns.<field>` when missing).
 */
export function mapHeader(cells: string[]): { ok: true; value: HeaderMap } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const map: HeaderMap = {};
  cells.forEach((cell, i) => {
    const text = cell.trim();
    if (!text) return;
    const field = FIELD_OF.get(headerKey(text));
    if (!field) problems.push({ path: `columns.${text}`, code: 'import.unknown_column' });
    else if (map[field] !== undefined) problems.push({ path: `columns.${text}`, code: 'import.duplicate_column' });
    else map[field] = i;
  });
  for (const field of REQUIRED)
    if (map[field] === undefined) problems.push({ path: `columns.${field}`, code: 'import.missing_column' });
  return problems.length ? { ok: false, problems } : { ok: true, value: map };
}

/** The header of a CSV's first chunk, if the chunk holds a whole first line (so an upload can be refused early). */
export function csvHeaderOf(firstChunk: Buffer): string[] | null {
  const text = decoderFor(firstChunk).decode(firstChunk, { stream: true });
  const end = text.search(/\r?\n/);
  if (end < 0) return null;
  try {
    const [header] = parseSync(text.slice(0, end), { bom: true, relax_column_count: true }) as string[][];
    return header ?? null;
  } catch {
    return null;
  }
}

const MODES: Record<string, TripMode> = {
  train: 'train',
  火车: 'train',
  列车: 'train',
  铁路: 'train',
  高铁: 'train',
  动车: 'train',
  flight: 'flight',
  plane: 'flight',
  航班: 'flight',
  飞机: 'flight',
  民航: 'flight',
  bus: 'bus',
  coach: 'bus',
  汽车: 'bus',
  客车: 'bus',
  大巴: 'bus',
  长途汽车: 'bus',
};

// Cells past the last mapped column must be blank; the width is the header's, the same for every row.
const widths = new WeakMap<HeaderMap, number>();
const widthOf = (header: HeaderMap) => {
  let width = widths.get(header);
  if (width === undefined) widths.set(header, (width = Math.max(...Object.values(header).map((i) => i + 1))));
  return width;
};

/** A record's cells as a manifest row, or the reasons it cannot be one (field names only, never values). */
export function recordToInput(
  header: HeaderMap,
  cells: string[],
): { input: ManifestRowInput } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const at = (f: Field) => {
    const i = header[f];
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  for (let i = widthOf(header); i < cells.length; i++)
    if (cells[i]!.trim() !== '') {
      problems.push({ path: 'row', code: 'import.column_count' });
      break;
    }

  const modeText = at('mode');
  const mode = MODES[modeText.toLowerCase()];
  if (!modeText) problems.push({ path: 'mode', code: 'field.required' });
  else if (!mode) problems.push({ path: 'mode', code: 'import.mode' });
  const number = at('number');
  if (!number) problems.push({ path: 'number', code: 'field.required' });
  else if (number.length > 20) problems.push({ path: 'number', code: 'field.too_long' });
  const dateText = at('date');
  const date = dateText ? normaliseDate(dateText) : null;
  if (!dateText) problems.push({ path: 'date', code: 'field.required' });
  else if (!date) problems.push({ path: 'date', code: 'field.format' });
  const carriageText = at('carriage');
  let carriage: number | undefined;
  if (carriageText) {
    const m = /^(\d{1,3})(?:车|号车厢|车厢)?$/.exec(carriageText);
    if (!m) problems.push({ path: 'carriage', code: 'field.format' });
    else if (Number(m[1]) < 1 || Number(m[1]) > 30) problems.push({ path: 'carriage', code: 'field.out_of_range' });
    else carriage = Number(m[1]);
  }
  const seat = at('seat');
  if (seat.length > 8) problems.push({ path: 'seat', code: 'field.too_long' });
  const name = at('name');
  if (!name) problems.push({ path: 'name', code: 'field.required' });
  else if (name.length > 50) problems.push({ path: 'name', code: 'field.too_long' });
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u001f\u007f]/.test(name)) problems.push({ path: 'name', code: 'field.format' });
  const idNumber = at('idNumber');
  if (!idNumber) problems.push({ path: 'idNumber', code: 'field.required' });
  const phone = at('phone');
  if (phone.length > 20) problems.push({ path: 'phone', code: 'phone.format' });
  if (problems.length || !mode || !date) return { problems };
  const input: ManifestRowInput = { mode, number, date, name, idNumber };
  if (carriage !== undefined) input.carriage = carriage;
  if (seat) input.seat = seat;
  if (phone) input.phone = phone;
  return { input };
}

// A manifest holds a few travel dates in a million rows: each distinct text is checked once.
const dates = new Map<string, string | null>();

/** 2026-12-01, 2026/12/1, 2026.12.01 or 20261201, as a real calendar date. */
function normaliseDate(text: string): string | null {
  let date = dates.get(text);
  if (date !== undefined) return date;
  const m = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$/.exec(text);
  if (!m) date = null;
  else {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const day = new Date(Date.UTC(y, mo - 1, d));
    const real = day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
    date = real ? day.toISOString().slice(0, 10) : null;
  }
  if (dates.size >= 10_000) dates.clear();
  dates.set(text, date);
  return date;
}

export const isBlank = (cells: string[]) => cells.every((c) => c.trim() === '');

/** UTF-8 (with or without BOM) unless the bytes are not UTF-8: then GB18030, what Chinese Excel writes as "CSV". */
function decoderFor(first: Buffer): TextDecoder {
  try {
    // A character cut at the chunk's end is not an error in streaming mode.
    new TextDecoder('utf-8', { fatal: true }).decode(first, { stream: true });
    return new TextDecoder('utf-8');
  } catch {
    return new TextDecoder('gb18030');
  }
}

function decodingStream(): Transform {
  let decoder: TextDecoder | null = null;
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, done) {
      decoder ??= decoderFor(chunk);
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder?.decode() ?? '');
    },
  });
}

/**
 * Records of a CSV file, streamed, a run at a time: the records the parser has ready come in one
 * array, since one await per record costs as much as checking it. A record over 64 KiB (say, an
 * unclosed quote) is a broken file.
 */
export async function* csvRecords(source: Readable): AsyncGenerator<FileRecord[]> {
  const parser = source
    .pipe(decodingStream())
    .pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 64 * 1024 }));
  let row = 0;
  try {
    for await (const first of parser as AsyncIterable<string[]>) {
      const records: FileRecord[] = [{ row: ++row, cells: first }];
      // The rest of what is buffered, without waiting; the parser still pauses when nobody reads.
      let cells: string[] | null;
      while ((cells = parser.read() as string[] | null) !== null) records.push({ row: ++row, cells });
      yield records;
    }
  } catch {
    throw new FileError('import.csv_malformed');
  } finally {
    source.destroy();
  }
}

/** Rows of the first worksheet of an XLSX file, streamed (never the whole sheet in memory). */
export async function* xlsxRecords(source: Readable): AsyncGenerator<FileRecord[]> {
  // Loaded only when an XLSX file comes: it costs each import's reader thread some 0.4 s of CPU to load.
  const { default: excel } = await import('exceljs');
  const reader = new excel.stream.xlsx.WorkbookReader(source, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as unknown[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        yield [{ row: row.number, cells }];
      }
      break; // the first sheet only
    }
  } catch {
    // The source never fails (a failed read ends it early, see the importer), so this is the file.
    throw new FileError('import.xlsx_malformed');
  } finally {
    source.destroy();
  }
}

/** A cell as the text a person sees: dates as YYYY-MM-DD, rich text joined, a formula's result. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.text !== undefined) return cellText(o.text);
    if (o.result !== undefined) return cellText(o.result);
  }
  return '';
}

/** One data row of a file, as a manifest row or the reasons it cannot be one. */
export type ParsedRecord = { row: number; input: ManifestRowInput } | { row: number; problems: FieldProblem[] };
/** What the file side of an import hands over: checked rows a run at a time, or the file refused whole. */
export type ParsedRun = { records: ParsedRecord[] } | { refused: FieldProblem[] };
/** Rows of a run: one message between threads carries one. */
export const RUN_ROWS = 1000;

/**
 * The file side of an import: reads a CSV or XLSX file, maps its header and checks each data row
 * after `checkpoint` (blank rows skipped), in runs of at most 1,000 rows. A file with wrong columns
 * or no header at all yields one `refused` and ends; a broken file throws a FileError.
 */
export async function* parsedRuns(
  format: 'csv' | 'xlsx',
  source: Readable,
  checkpoint: number,
): AsyncGenerator<ParsedRun> {
  let header: HeaderMap | null = null;
  let records: ParsedRecord[] = [];
  for await (const run of format === 'csv' ? csvRecords(source) : xlsxRecords(source)) {
    for (const record of run) {
      if (!header) {
        const mapped = mapHeader(record.cells);
        if (!mapped.ok) return yield { refused: mapped.problems };
        header = mapped.value;
        continue;
      }
      if (record.row <= checkpoint || isBlank(record.cells)) continue;
      const parsed = recordToInput(header, record.cells);
      records.push('input' in parsed ? { row: record.row, input: parsed.input } : { row: record.row, ...parsed });
      if (records.length === RUN_ROWS) {
        yield { records };
        records = [];
      }
    }
  }
  if (!header) return yield { refused: [{ path: 'file', code: 'import.empty' }] };
  if (records.length) yield { records };
}

/** One batch of an import as the sealing threads prepared it: rows checked, encrypted and COPY-encoded. */
export interface SealedBatch {
  rows: CopyRows;
  rejects: { row: number; field: string; code: string }[];
  rejectedRows: number;
  /** The file's row number the checkpoint moves to once the batch is committed. */
  lastRow: number;
  /** How far into the file the batch reaches, for the progress bar. */
  bytes: number;
  /** The last batch of the file (it may hold no rows), committed with the import's end. */
  last: boolean;
}

/** What an import's threads need: where to resume, how to cut and check rows, the keys to seal them. */
export interface SealingJob {
  checkpoint: number;
  batchRows: number;
  /** Shanghai's date the import runs on (trips after it, or long before it, are refused). */
  today: string;
  importId: string;
  /** The COPY columns, in the repository's order. */
  columns: readonly string[];
  keys: SealingKeys;
}

// Messages between an import, its reader and its sealers (contact-tracing.import.worker.ts, .sealer.ts).
export type ToReader = { type: 'chunk'; data: Uint8Array } | { type: 'end' };
export type FromReader =
  | { type: 'need' }
  | { type: 'refused'; problems: FieldProblem[] }
  | { type: 'done' }
  | { type: 'file-error'; code: ErrorCode }
  | { type: 'crash'; message: string };
/** Reader to sealer: a batch's rows a run at a time, then the cut that ends the batch. */
export type ReaderToSealer =
  { type: 'records'; records: ParsedRecord[] } | { type: 'cut'; lastRow: number; bytes: number; last: boolean };
/** Sealer to reader: one run of records is sealed (the reader sends at most READ_AHEAD_RUNS ahead). */
export type SealerToReader = { type: 'sealed' };
export type ToSealer = { type: 'credit' };
export type FromSealer =
  ({ type: 'batch'; rows: Uint8Array; count: number } & Omit<SealedBatch, 'rows'>) | { type: 'crash'; message: string };
export interface ReaderData {
  format: 'csv' | 'xlsx';
  checkpoint: number;
  batchRows: number;
  /** One port per sealer: batch n goes to sealer n modulo their number. */
  sealers: MessagePort[];
}
export interface SealerData extends SealingJob {
  reader: MessagePort;
}

/** Runs the reader may have sent a sealer ahead of its sealing: enough to never wait, few enough to hold little. */
export const READ_AHEAD_RUNS = 4;
/** Batches a sealer may have sent ahead of the import: one being committed, the next ready. */
export const READ_AHEAD_BATCHES = 2;

// The server runs TypeScript through tsx, whose loader a worker does not inherit on Node 20: the
// worker registers it first, then loads its TypeScript entry.
const boot = (entry: string) => `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ register }) => { register(); return import(${JSON.stringify(new URL(entry, import.meta.url).href)}); })`;

/**
 * An import's batches in file order, prepared on worker threads: one reads and checks the file
 * (its chunks fed from here), `sealers` take turns by batch to encrypt and COPY-encode the rows and
 * send the bytes here. Sealing costs three times what reading does, so it is what is shared out;
 * this thread is left to commit.
 */
export async function* sealedBatches(
  format: 'csv' | 'xlsx',
  chunks: AsyncIterator<Buffer>,
  job: SealingJob,
  sealers: number,
): AsyncGenerator<SealedBatch | { refused: FieldProblem[] }> {
  // The first of: the reader refusing the file or failing, or any thread crashing; it ends the run.
  let stop: FromReader | FromSealer | null = null;
  let wake: (() => void) | null = null;
  const channels = Array.from({ length: sealers }, () => new MessageChannel());
  const inboxes = channels.map(() => [] as FromSealer[]);
  const onExit = (code: number) => {
    stop ??= { type: 'crash', message: `import worker exited with ${code}` };
    wake?.();
  };
  const onError = (e: Error) => {
    stop ??= { type: 'crash', message: e.message };
    wake?.();
  };
  const sealing = channels.map((channel, i) => {
    const worker = new Worker(boot('./contact-tracing.import.sealer.ts'), {
      eval: true,
      workerData: { ...job, reader: channel.port2 } satisfies SealerData,
      transferList: [channel.port2],
    });
    worker.on('message', (m: FromSealer) => {
      if (m.type === 'crash') stop ??= m;
      else inboxes[i]!.push(m);
      wake?.();
    });
    return worker.on('error', onError).on('exit', onExit);
  });
  const ports = channels.map((c) => c.port1);
  const reader = new Worker(boot('./contact-tracing.import.worker.ts'), {
    eval: true,
    workerData: { format, checkpoint: job.checkpoint, batchRows: job.batchRows, sealers: ports } satisfies ReaderData,
    transferList: ports,
  });
  reader.on('message', (m: FromReader) => {
    if (m.type === 'need')
      return void chunks.next().then(
        (next) =>
          reader.postMessage((next.done ? { type: 'end' } : { type: 'chunk', data: next.value }) satisfies ToReader),
        () => reader.postMessage({ type: 'end' } satisfies ToReader),
      );
    if (m.type !== 'done') stop ??= m;
    wake?.();
  });
  reader.on('error', onError).on('exit', onExit);
  const threads = [reader, ...sealing];
  try {
    for (let index = 0; ; index++) {
      const inbox = inboxes[index % sealers]!;
      while (!inbox.length && !stop) await new Promise<void>((resolve) => (wake = resolve));
      const failed = stop as FromReader | FromSealer | null;
      if (failed?.type === 'refused') return yield { refused: failed.problems };
      if (failed?.type === 'file-error') throw new FileError(failed.code);
      if (failed?.type === 'crash') throw new Error(failed.message);
      const m = inbox.shift() as Extract<FromSealer, { type: 'batch' }>;
      sealing[index % sealers]!.postMessage({ type: 'credit' } satisfies ToSealer);
      const { rows, count, type: _, ...rest } = m;
      yield { ...rest, rows: CopyRows.encoded(job.columns, rows, count) };
      if (m.last) return;
    }
  } finally {
    for (const thread of threads) thread.removeAllListeners();
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
}

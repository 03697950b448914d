import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import {
  FileError,
  parsedRuns,
  READ_AHEAD_RUNS,
  RUN_ROWS,
  type FromReader,
  type ParsedRecord,
  type ReaderData,
  type ReaderToSealer,
  type ToReader,
} from './contact-tracing.import.files.ts';

// The reading side of one import run (see sealedBatches): chunks come in as asked for, checked rows go
// out to the sealer whose turn their batch is, never more than READ_AHEAD_RUNS ahead of its sealing.
const port = parentPort!;
const { format, checkpoint, batchRows, sealers } = workerData as ReaderData;
const send = (m: FromReader) => port.postMessage(m);
const credits = sealers.map(() => READ_AHEAD_RUNS);
let wake: (() => void) | null = null;
sealers.forEach((sealer, i) =>
  sealer.on('message', () => {
    credits[i]!++;
    wake?.();
  }),
);

// A chunk goes to the parser in pieces: the parser turns a whole piece into records before the first
// can be taken, and a chunk of megabytes would keep the import waiting for its first batch.
const PIECE_BYTES = 64 * 1024;
let pending: Buffer | null = null;
let ended = false;
let asked = false;
let fed = 0;
const feed = () => {
  if (pending) {
    const piece = pending.subarray(0, PIECE_BYTES);
    pending = pending.length > PIECE_BYTES ? pending.subarray(PIECE_BYTES) : null;
    fed += piece.length;
    source.push(piece);
  } else if (ended) source.push(null);
  else if (!asked) {
    asked = true;
    send({ type: 'need' });
  }
};
const source = new Readable({ read: feed });
port.on('message', (m: ToReader) => {
  asked = false;
  if (m.type === 'chunk') pending = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
  else ended = true;
  feed();
});

const turnOf = (batch: number) => batch % sealers.length;
async function toSealer(i: number, records: ParsedRecord[]) {
  while (!credits[i]) await new Promise<void>((resolve) => (wake = resolve));
  credits[i]!--;
  sealers[i]!.postMessage({ type: 'records', records } satisfies ReaderToSealer);
}
const cut = (i: number, lastRow: number, last: boolean) =>
  sealers[i]!.postMessage({ type: 'cut', lastRow, bytes: fed, last } satisfies ReaderToSealer);

async function read() {
  // Data rows so far, those of the batch not yet sent, and the row the checkpoint moves to after them.
  let n = 0;
  let out: ParsedRecord[] = [];
  let lastRow = checkpoint;
  for await (const run of parsedRuns(format, source, checkpoint)) {
    if ('refused' in run) return send({ type: 'refused', problems: run.refused });
    for (const record of run.records) {
      out.push(record);
      lastRow = record.row;
      if (++n % batchRows !== 0 && out.length < RUN_ROWS) continue;
      const batch = Math.floor((n - 1) / batchRows);
      await toSealer(turnOf(batch), out);
      out = [];
      if (n % batchRows === 0) cut(turnOf(batch), lastRow, false);
    }
  }
  // The last batch, whoever's turn it is: what is left after the last full one, perhaps nothing.
  const batch = Math.floor(n / batchRows);
  if (out.length) await toSealer(turnOf(batch), out);
  cut(turnOf(batch), lastRow, true);
  send({ type: 'done' });
}

read().catch((e: unknown) =>
  send(e instanceof FileError ? { type: 'file-error', code: e.code } : { type: 'crash', message: String(e) }),
);

import { parentPort, workerData } from 'node:worker_threads';
import { CopyRows } from '../../platform/db/copy.ts';
import { Sealer } from '../../platform/vault/index.ts';
import {
  READ_AHEAD_BATCHES,
  type FromSealer,
  type ParsedRecord,
  type ReaderToSealer,
  type SealedBatch,
  type SealerData,
  type SealerToReader,
  type ToSealer,
} from './contact-tracing.import.files.ts';
import { sealManifestRow } from './contact-tracing.rules.ts';

// One sealing thread of an import run (see sealedBatches): the reader sends it the rows of its turns'
// batches; it checks and encrypts them and sends each batch here as COPY bytes, never more than
// READ_AHEAD_BATCHES ahead of what the import has taken.
const port = parentPort!;
const job = workerData as SealerData;
const sealer = new Sealer(job.keys);
let credits = READ_AHEAD_BATCHES;
const inbox: ReaderToSealer[] = [];
let wake: (() => void) | null = null;
port.on('message', (_: ToSealer) => {
  credits++;
  wake?.();
});
job.reader.on('message', (m: ReaderToSealer) => {
  inbox.push(m);
  wake?.();
});

interface Batch {
  rows: CopyRows;
  rejects: SealedBatch['rejects'];
  rejectedRows: number;
}
const emptyBatch = (): Batch => ({ rows: new CopyRows(job.columns), rejects: [], rejectedRows: 0 });

function add(batch: Batch, record: ParsedRecord) {
  const checked =
    'input' in record ? sealManifestRow(sealer, record.input, job.today, job.importId) : { problems: record.problems };
  if ('row' in checked) return batch.rows.add(checked.row);
  batch.rejectedRows++;
  const seen = new Set<string>();
  for (const p of checked.problems)
    if (!seen.has(p.path)) {
      seen.add(p.path);
      batch.rejects.push({ row: record.row, field: p.path, code: p.code });
    }
}

async function seal() {
  let batch = emptyBatch();
  for (;;) {
    while (!inbox.length) await new Promise<void>((resolve) => (wake = resolve));
    const m = inbox.shift()!;
    if (m.type === 'records') {
      for (const record of m.records) add(batch, record);
      job.reader.postMessage({ type: 'sealed' } satisfies SealerToReader);
      continue;
    }
    while (!credits) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    const rows = batch.rows.bytes();
    const { lastRow, bytes, last } = m;
    const { rejects, rejectedRows } = batch;
    port.postMessage(
      {
        type: 'batch',
        rows,
        count: batch.rows.length,
        rejects,
        rejectedRows,
        lastRow,
        bytes,
        last,
      } satisfies FromSealer,
      [rows.buffer as ArrayBuffer],
    );
    batch = emptyBatch();
  }
}

seal().catch((e: unknown) => port.postMessage({ type: 'crash', message: String(e) } satisfies FromSealer));

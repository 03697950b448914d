import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import {
  FileError,
  parsedRuns,
  READ_AHEAD_RUNS,
  type FromReader,
  type ReaderData,
  type ToReader,
} from './contact-tracing.import.files.ts';

// The reading side of one import run (see parsedRunsInWorker): chunks come in as asked for, checked
// rows go out a run at a time, never more than READ_AHEAD_RUNS ahead of what the import has taken.
const port = parentPort!;
const { format, checkpoint } = workerData as ReaderData;
const send = (m: FromReader) => port.postMessage(m);
let credits = READ_AHEAD_RUNS;
let wake: (() => void) | null = null;
const source = new Readable({ read: () => send({ type: 'need' }) });
port.on('message', (m: ToReader) => {
  if (m.type === 'chunk') source.push(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
  else if (m.type === 'end') source.push(null);
  else {
    credits++;
    wake?.();
  }
});

try {
  for await (const run of parsedRuns(format, source, checkpoint)) {
    while (!credits) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    send({ type: 'run', run });
  }
  send({ type: 'done' });
} catch (e) {
  send(e instanceof FileError ? { type: 'file-error', code: e.code } : { type: 'crash', message: String(e) });
}

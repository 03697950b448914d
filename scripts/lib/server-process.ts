// The real server in its own process, as production runs it: for the browser suites, the
// benchmarks and the scale-out test.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Writable } from 'node:stream';

const root = new URL('../..', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed (also piped to `log` when given). */
  output: string[];
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts `apps/server/src/main.ts` with `env` on a free loopback port and waits for /readyz. */
export async function startServerProcess(
  env: NodeJS.ProcessEnv,
  options: { log?: Writable; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: root,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (d) => output.push(String(d)));
    if (options.log) stream.pipe(options.log, { end: false });
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode}:\n${output.join('').slice(-4000)}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return { url, child, output, stop };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`server did not become ready:\n${output.join('').slice(-4000)}`);
}

// `npm start`: build the web apps when their sources changed since the last build, then run the server.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildStaleWebApps } from './build-web.mjs';

const root = new URL('..', import.meta.url).pathname;
if (!buildStaleWebApps()) process.exit(1);

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/server/src/main.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { ZT_DEMO: '1', ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// `npm start`: build the web apps when their sources changed since the last build, then run the server.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const apps = ['portal', 'resident', 'console'];
const shared = ['packages/web-core/src', 'packages/contracts/src'];

function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const stale = apps.filter((app) => {
  const built = join(root, 'apps', app, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(newest(join(root, 'apps', app, 'src')), ...shared.map((d) => newest(join(root, d))));
  return sources > statSync(built).mtimeMs;
});

for (const app of stale) {
  console.log(`building web app ${app} …`);
  const r = spawnSync('npm', ['run', 'build', '--workspace', `@zhengtong/${app}`], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/server/src/main.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { ZT_DEMO: '1', ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

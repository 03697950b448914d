// Builds each web app whose sources changed since its last build (used by `npm start` and the browser suites).
import { spawnSync } from 'node:child_process';
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

/** Returns false when a build failed. */
export function buildStaleWebApps() {
  for (const app of apps) {
    const built = join(root, 'apps', app, 'dist', 'index.html');
    const sources = Math.max(
      newest(join(root, 'apps', app, 'src')),
      statSync(join(root, 'apps', app, 'index.html')).mtimeMs,
      ...shared.map((d) => newest(join(root, d))),
    );
    if (existsSync(built) && sources <= statSync(built).mtimeMs) continue;
    console.log(`building web app ${app} …`);
    const r = spawnSync('npm', ['run', 'build', '--workspace', `@zhengtong/${app}`], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) return false;
  }
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(buildStaleWebApps() ? 0 : 1);

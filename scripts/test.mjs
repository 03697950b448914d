// `npm test`: every suite (server and web units and HTTP integration, then the browser suites),
// closing with one line `N passed, N failed` over all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildStaleWebApps } from './build-web.mjs';

const root = new URL('..', import.meta.url).pathname;
const tmp = join(root, '.tmp');
mkdirSync(tmp, { recursive: true });
const report = join(tmp, 'vitest.json');
rmSync(report, { force: true });

const where = process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite';
const cache = process.env.REDIS_URL ? 'Redis' : 'in-process cache';
console.log(`== unit and integration suites (${where}, ${cache})`);
const unit = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`], {
  cwd: root,
  stdio: 'inherit',
});
let passed = 0;
let failed = 0;
// What failed, repeated just above the closing line: CI keeps only the tail of a long log.
const failures = [];
const firstLine = (text) =>
  String(text ?? '')
    .split('\n')
    .find((l) => l.trim()) ?? '';
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0);
  for (const file of r.testResults ?? []) {
    const where = file.name.replace(root, '');
    const broken = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of broken) failures.push(`${where} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
    if (file.status === 'failed' && !broken.length) failures.push(`${where}: ${firstLine(file.message)}`);
  }
} else {
  failed += 1;
  failures.push('vitest wrote no report');
}
if (unit.status !== 0 && failed === 0) failed += 1;

function close() {
  for (const f of failures) console.log(`failed: ${f.slice(0, 400)}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

if (process.argv.includes('--no-e2e')) close();

console.log('== browser suites');
// The browser suites drive the built apps as the server serves them.
if (!buildStaleWebApps()) failed += 1;
const e2e = spawnSync('npx', ['tsx', 'scripts/e2e.ts'], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
process.stdout.write(e2e.stdout ?? '');
const line = (e2e.stdout ?? '')
  .trim()
  .split('\n')
  .reverse()
  .find((l) => /^\d+ passed, \d+ failed/.test(l));
if (line) {
  const [, p, f] = line.match(/^(\d+) passed, (\d+) failed/);
  passed += Number(p);
  failed += Number(f);
}
if (e2e.status !== 0 && (!line || line.includes(' 0 failed'))) failed += 1;
for (const l of (e2e.stdout ?? '').split('\n')) if (/^\s*✗ /.test(l)) failures.push(`browser: ${l.trim().slice(2)}`);

close();

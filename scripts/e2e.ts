// End-to-end: starts the server on a fresh data dir with the demo city, drives every
// apps/*/e2e/*.e2e.ts suite in Debian's chromium, and ends with "N passed, N failed".
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildStaleWebApps } from './build-web.mjs';
import { startServerProcess, type ServerProcess } from './lib/server-process.ts';
import {
  axeViolations,
  formatViolations,
  makeScreenshot,
  screenshotDir,
  type Suite,
  type SuiteContext,
} from '../packages/web-core/e2e/harness.ts';

const root = new URL('..', import.meta.url).pathname;
const CHROMIUM = '/usr/bin/chromium';
const apps = ['portal', 'resident', 'console'] as const;

if (!existsSync(CHROMIUM)) {
  console.log(`chromium not found at ${CHROMIUM}; install it with: apt-get install -y chromium (Debian)`);
  console.log('0 passed, 0 failed');
  process.exit(process.env.CI === 'true' ? 1 : 0);
}

function suiteFiles(): string[] {
  const only = process.argv.slice(2);
  const files: string[] = [];
  for (const app of apps) {
    const dir = join(root, 'apps', app, 'e2e');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.e2e.ts')) files.push(join(dir, f));
  }
  return only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
}

async function main() {
  const files = suiteFiles();
  // The suites drive the apps as the server serves them: rebuild any whose sources changed.
  if (!buildStaleWebApps()) throw new Error('a web app failed to build');
  const dataDir = mkdtempSync(join(tmpdir(), 'zt-e2e-'));
  mkdirSync(join(root, '.tmp'), { recursive: true });
  rmSync(screenshotDir, { recursive: true, force: true });
  const logPath = join(root, '.tmp', 'e2e-server.log');
  const log = createWriteStream(logPath);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ZT_DATA_DIR: dataDir,
    ZT_DEMO: '1',
    ZT_DEMO_RESIDENTS: '500',
    NODE_ENV: 'test',
    // A waiting room a browser can watch: five admissions a second, so a few dozen people make a line.
    ZT_QUEUE_START_RATE: '5',
    ZT_QUEUE_MAX_RATE: '5',
  };
  if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
  // A run's own keys: Redis outlives runs, and the last run's per-number SMS budget is not this one's.
  if (process.env.REDIS_URL)
    Object.assign(env, { REDIS_URL: process.env.REDIS_URL, ZT_CACHE_PREFIX: `zt-e2e:${randomUUID()}:` });
  let server: ServerProcess | undefined;

  let passed = 0;
  let failed = 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  try {
    server = await startServerProcess(env, { log });
    const baseUrl = server.url;
    console.log(`server ready at ${baseUrl} (data ${dataDir}, log ${relative(root, logPath)})`);
    for (const file of files) {
      const suite = ((await import(pathToFileURL(file).href)) as { default: Suite }).default;
      console.log(`\n${suite.name}  (${relative(root, file)})`);
      const context = await browser.newContext({
        baseURL: baseUrl,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        viewport: { width: 1280, height: 800 },
      });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      let aborted = false;
      let suitePassed = 0;
      let suiteFailed = 0;
      const t: SuiteContext = {
        baseUrl,
        browser,
        context,
        page,
        screenshot: makeScreenshot(page, suite.name),
        async checkAccessibility(label) {
          const violations = await axeViolations(page);
          if (violations.length)
            throw new Error(
              `axe (${label}): ${violations.length} serious/critical violation(s)\n${formatViolations(violations)}`,
            );
        },
        async step(name, fn) {
          if (aborted) {
            console.log(`  - ${name} (skipped after a failure)`);
            return;
          }
          const started = Date.now();
          try {
            await fn();
            suitePassed++;
            console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
          } catch (err) {
            suiteFailed++;
            aborted = true;
            console.log(
              `  ✗ ${name}\n    ${String((err as Error)?.stack ?? err)
                .split('\n')
                .slice(0, 12)
                .join('\n    ')}`,
            );
            if (pageErrors.length) console.log(`    page errors: ${pageErrors.join(' | ')}`);
            await page
              .screenshot({ path: join(screenshotDir, `${suite.name}-failure.png`), fullPage: true })
              .catch(() => undefined);
          }
        },
      };
      try {
        await suite.run(t);
      } catch (err) {
        suiteFailed++;
        console.log(`  ✗ suite crashed: ${String((err as Error)?.stack ?? err)}`);
      }
      await context.close();
      passed += suitePassed;
      failed += suiteFailed;
      console.log(`  ${suite.name}: ${suitePassed} passed, ${suiteFailed} failed`);
    }
  } catch (err) {
    failed++;
    console.log(`e2e setup failed: ${String((err as Error)?.message ?? err)} (server log: ${relative(root, logPath)})`);
  } finally {
    await browser.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

await main();

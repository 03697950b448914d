import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { v7 as uuidv7 } from 'uuid';
import { permissionsOf } from '@zhengtong/contracts';
import { buildApp, type Zhengtong } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { DEMO_PASSWORD, ensureDemoCity } from '../apps/server/src/demo/demo-city.ts';
import type { Actor } from '../apps/server/src/platform/auth/actor.ts';
import { createScratchDatabase } from '../apps/server/test/build-test-app.ts';
import { buildStaleWebApps } from '../scripts/build-web.mjs';
import { startServer } from './lib/server.ts';
import { row, type Row } from './lib/table.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const num = (name: string, fallback: number) => Number((process.env[name] ?? String(fallback)).replace(/_/g, ''));
const NODES = num('BENCH_CHAIN_NODES', 100_000);
const SHOTS = process.env.BENCH_CHAIN_SHOTS ?? '/tmp/chain-shots';

/** A graph of `nodes` people: one case in twenty, the rest their contacts, four big clusters and many small ones. */
interface Shape {
  label: string;
  region: string;
  username: string;
  cases: number;
  contacts: number;
  /** Cases in the big clusters; the remaining cases form clusters of 1 to 12. */
  big: number[];
}
const shape = (label: string, region: string, username: string, nodes: number): Shape => {
  const cases = Math.round(nodes / 20);
  return {
    label,
    region,
    username,
    cases,
    contacts: nodes - cases,
    big: [0.2, 0.14, 0.1, 0.06].map((f) => Math.round(cases * f)),
  };
};

/**
 * The transmission-chain page at 100,000 people (5,000 cases, 95,000 contacts, the largest cluster
 * 1,000 cases and 19,000 contacts) against the same page and steps at a twentieth of that, in headless
 * Chromium against the real server on PostgreSQL: the overview, opening the largest cluster, a step of
 * the time slider, filtering by a source case, opening a case's record, the answers' size and the heap.
 */
export async function chainsPage(): Promise<Row[]> {
  if (!process.env.DATABASE_URL) {
    console.error('chains-page needs DATABASE_URL: the bench seeds the database the server then serves');
    return [];
  }
  const log = (m: string) => console.error(`  ${m}`);
  const scratch = await createScratchDatabase(process.env.DATABASE_URL);
  const masterKey = randomBytes(32).toString('base64');
  const shapes = [
    shape('5,000 nodes', '420102', 'chains-small', NODES / 20),
    shape('100,000 nodes', '420106', 'chains-large', NODES),
  ];
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const config = loadConfig(
      { NODE_ENV: 'test', LOG_LEVEL: 'silent', ZT_MASTER_KEY: masterKey, DATABASE_URL: scratch.url },
      { demo: false },
    );
    const zt = await buildApp(config, { regionProvinces: ['42'] });
    try {
      const started = Date.now();
      await ensureDemoCity(zt, { residents: 0 });
      for (const s of shapes) {
        await zt.services.identity.seedStaff({
          username: s.username,
          displayName: s.username,
          password: DEMO_PASSWORD,
          roles: ['cdc'],
          jurisdictionCode: s.region,
        });
        await seedChains(zt, s);
      }
      log(`chains seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await zt.close();
    }
    if (!buildStaleWebApps()) throw new Error('a web app failed to build');
    server = await startServer({ ZT_MASTER_KEY: masterKey, ZT_DEMO: '0' }, { databaseUrl: scratch.url });
    mkdirSync(SHOTS, { recursive: true });
    const figures = [];
    for (const s of shapes) {
      figures.push(await drive(server.url, browser, s));
      log(`${s.label}: ${JSON.stringify(figures.at(-1))}`);
    }
    const [small, large] = figures as [Figures, Figures];
    const at = `${shapes[1]!.label} (largest cluster ${large.largest})`;
    const rows: Row[] = [
      row(`${at}: clusters answer, server`, large.clustersMs, 'ms', small.clustersMs),
      row(`${at}: clusters answer, size`, large.clustersKb, 'kB', small.clustersKb),
      row(`${at}: largest cluster's graph answer, server`, large.graphMs, 'ms', small.graphMs),
      row(`${at}: largest cluster's graph answer, size`, large.graphKb, 'kB', small.graphKb),
      row(`${at}: overview, navigation to first paint`, large.overviewMs, 'ms', small.overviewMs),
      row(`${at}: open the largest cluster, click to first paint`, large.openMs, 'ms', small.openMs),
      row(`${at}: longest frame in the 3 s after opening it`, large.openFrameMs, 'ms', small.openFrameMs),
      row(`${at}: time slider one day back, key to first paint`, large.sliderMs, 'ms', small.sliderMs),
      row(`${at}: filter by a source case, click to first paint`, large.filterMs, 'ms', small.filterMs),
      row(`${at}: click a case node, then open its record`, large.recordMs, 'ms', small.recordMs),
      row(`${at}: JS heap used with the largest cluster drawn`, large.heapMb, 'MB', small.heapMb),
    ];
    return rows;
  } finally {
    await browser.close();
    await server?.stop();
    await scratch.drop();
  }
}

interface Figures {
  largest: string;
  clustersMs: number;
  clustersKb: number;
  graphMs: number;
  graphKb: number;
  overviewMs: number;
  openMs: number;
  openFrameMs: number;
  sliderMs: number;
  filterMs: number;
  recordMs: number;
  heapMb: number;
}

/** One staff member's walk through the page, each step timed from the input to the frame that shows it. */
async function drive(url: string, browser: Awaited<ReturnType<typeof chromium.launch>>, s: Shape): Promise<Figures> {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  try {
    await page.goto('/console/');
    await page.locator('#login-username').fill(s.username);
    await page.locator('#login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('welcome').waitFor();

    // The answers on their own, from the page's session (second call: warm, as a staff member clicking along).
    const answer = (path: string) =>
      page.evaluate<{ ms: number; kb: number; body: string }>(`(async () => {
        const t = performance.now();
        const text = await (await fetch(${JSON.stringify(path)}, { credentials: 'include' })).text();
        return { ms: performance.now() - t, kb: new Blob([text]).size / 1024, body: text };
      })()`);
    await answer('/api/v1/contact-tracing/chains/clusters');
    const clusters = await answer('/api/v1/contact-tracing/chains/clusters');
    const biggest = (JSON.parse(clusters.body) as { clusters: { id: string; cases: number; contacts: number }[] })
      .clusters[0]!;
    await answer(`/api/v1/contact-tracing/chains/graph?caseId=${biggest.id}`);
    const graph = await answer(`/api/v1/contact-tracing/chains/graph?caseId=${biggest.id}`);

    let t = Date.now();
    await page.goto('/console/chains');
    await page.locator('[data-testid="clusters-table"] .el-table__row').first().waitFor({ timeout: 120_000 });
    await painted(page);
    const overviewMs = Date.now() - t;
    await page.screenshot({ path: `${SHOTS}/${s.username}-overview.png` });

    const graphAnswer = () =>
      page.waitForResponse((r) => r.url().includes('/chains/graph'), { timeout: 180_000 }).then((r) => r.finished());
    let wait = graphAnswer();
    t = Date.now();
    await page.locator('[data-testid="clusters-table"] .el-table__row').first().click();
    await wait;
    await painted(page);
    const openMs = Date.now() - t;
    const openFrameMs = await longestFrame(page, 3000);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heapMb = metrics.find((m) => m.name === 'JSHeapUsedSize')!.value / 1024 / 1024;
    await page.screenshot({ path: `${SHOTS}/${s.username}-cluster.png` });

    // One day back on the slider: the clusters, then the open cluster, are fetched again.
    wait = graphAnswer();
    t = Date.now();
    await page.locator('[data-testid="until"] .el-slider__button-wrapper').focus();
    await page.keyboard.press('ArrowLeft');
    await wait;
    await painted(page);
    const sliderMs = Date.now() - t;
    await longestFrame(page, 1500);

    await clickCaseNode(page);
    wait = graphAnswer();
    t = Date.now();
    await page.getByTestId('only-from').click();
    await wait;
    await painted(page);
    const filterMs = Date.now() - t;
    await longestFrame(page, 1500);
    await page.screenshot({ path: `${SHOTS}/${s.username}-from-case.png` });

    t = Date.now();
    await clickCaseNode(page);
    await page.getByTestId('picked-case').getByRole('button').first().click();
    await page.waitForURL(/\/investigation$/);
    await painted(page);
    const recordMs = Date.now() - t;

    return {
      largest: `${biggest.cases.toLocaleString('en-US')} cases, ${biggest.contacts.toLocaleString('en-US')} contacts`,
      clustersMs: clusters.ms,
      clustersKb: clusters.kb,
      graphMs: graph.ms,
      graphKb: graph.kb,
      overviewMs,
      openMs,
      openFrameMs,
      sliderMs,
      filterMs,
      recordMs,
      heapMb,
    };
  } finally {
    await context.close();
  }
}

// In-page code is passed as text: tsx would wrap functions in helpers the page does not have.

/** Resolves once the page has drawn a frame after everything queued so far. */
const painted = (page: Page) => page.evaluate(`new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))`);

/** The longest gap between two frames over `ms`: how long the tab stays frozen while the drawing settles. */
const longestFrame = (page: Page, ms: number) =>
  page.evaluate<number>(`new Promise((resolve) => {
    const end = performance.now() + ${ms};
    let last = performance.now();
    let worst = 0;
    const tick = (now) => {
      worst = Math.max(worst, now - last);
      last = now;
      if (now < end) requestAnimationFrame(tick);
      else resolve(worst);
    };
    requestAnimationFrame(tick);
  })`);

/**
 * Clicks a case node in the drawing as a person would: the canvas has no elements to find, so the mouse
 * walks out from the centre until it clicks something that answers as a case.
 */
async function clickCaseNode(page: Page) {
  const box = (await page.getByTestId('chain-graph').boundingBox())!;
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  for (let i = 0; i < 400; i++) {
    const angle = i * 0.9;
    const r = 3 * Math.sqrt(i) * 4;
    const [x, y] = [cx + r * Math.cos(angle), cy + r * Math.sin(angle)];
    if (x < box.x || x > box.x + box.width || y < box.y || y > box.y + box.height) continue;
    await page.mouse.move(x, y);
    const pointer = await page.evaluate<boolean>(
      `document.querySelector('[data-testid="chain-graph"] > div')?.style.cursor === 'pointer'`,
    );
    if (!pointer) continue;
    await page.mouse.click(x, y);
    if (
      await page
        .getByTestId('picked-case')
        .waitFor({ timeout: 1000 })
        .then(() => true)
        .catch(() => false)
    )
      return;
  }
  throw new Error('no case node found to click');
}

/**
 * Cases cloned from one reported through the case service (so a record opens and decrypts), linked into
 * trees (each case infected by an earlier one of its cluster), diagnosed over the last four weeks, and
 * their contacts, written in bulk.
 */
async function seedChains(zt: Zhengtong, s: Shape) {
  const db = zt.platform.database.db;
  const cdc: Actor = {
    kind: 'staff',
    id: 'bench',
    label: 'bench',
    roles: ['cdc'],
    permissions: permissionsOf(['cdc']),
    jurisdiction: s.region,
    residentId: null,
  };
  const now = Date.now();
  const template = await zt.services.caseReport.report(cdc, {
    name: '链条样例',
    onsetDate: new Date(now - 30 * DAY_MS + 8 * HOUR_MS).toISOString().slice(0, 10),
    diagnosedAt: new Date(now - 29 * DAY_MS).toISOString(),
    classification: 'confirmed',
    symptoms: ['fever'],
  });
  const row0 = (await db
    .selectFrom('cases' as never)
    .selectAll()
    .where('id' as never, '=', template.id as never)
    .executeTakeFirstOrThrow()) as Record<string, unknown>;

  const sizes = [...s.big];
  for (let left = s.cases - 1 - sizes.reduce((a, b) => a + b, 0), k = 0; left > 0; k++) {
    const n = Math.min(left, 1 + ((k * 7) % 12));
    sizes.push(n);
    left -= n;
  }
  const cases: Record<string, unknown>[] = [];
  const links: Record<string, unknown>[] = [];
  const caseIds: string[] = [template.id];
  const diagnosed: number[] = [now - 29 * DAY_MS];
  const surnames = '张王李赵刘陈杨黄周吴';
  for (const [c, size] of sizes.entries()) {
    const start = now - (28 - (c % 14)) * DAY_MS;
    const ids: string[] = [];
    for (let i = 0; i < size; i++) {
      const id = c === 0 && i === 0 ? template.id : uuidv7();
      // Later generations later: the chain grows over the fortnight after its first case.
      const at = Math.min(now - HOUR_MS, start + Math.floor(Math.log2(i + 1)) * 1.5 * DAY_MS + (i % 24) * HOUR_MS);
      if (id !== template.id) {
        cases.push({
          ...row0,
          id,
          name_masked: `${surnames[(c + i) % 10]}*${i % 100}`,
          diagnosed_at: new Date(at),
          reported_at: new Date(at + HOUR_MS),
          onset_date: new Date(at - 2 * DAY_MS + 8 * HOUR_MS).toISOString().slice(0, 10),
        });
        caseIds.push(id);
        diagnosed.push(at);
      }
      if (i > 0)
        links.push({
          id: uuidv7(),
          source_case_id: ids[Math.floor((i - 1) / 3)]!,
          target_case_id: id,
          kind: 'contact',
          created_by: 'bench',
        });
      ids.push(id);
    }
  }
  for (let i = 0; i < cases.length; i += 1000)
    await db
      .insertInto('cases' as never)
      .values(cases.slice(i, i + 1000) as never)
      .execute();
  for (let i = 0; i < links.length; i += 5000)
    await db
      .insertInto('tracing_case_links' as never)
      .values(links.slice(i, i + 5000) as never)
      .execute();
  const contacts: Record<string, unknown>[] = [];
  const flush = async () => {
    await db
      .insertInto('tracing_contacts' as never)
      .values(contacts.splice(0) as never)
      .execute();
  };
  for (const [k, caseId] of caseIds.entries()) {
    const n = Math.floor((s.contacts * (k + 1)) / caseIds.length) - Math.floor((s.contacts * k) / caseIds.length);
    const at = new Date(Math.min(now - 60_000, diagnosed[k]! + 6 * HOUR_MS));
    for (let j = 0; j < n; j++) {
      contacts.push({
        id: uuidv7(),
        case_id: caseId,
        level: j % 4 === 3 ? 'secondary' : 'close',
        status: 'active',
        person_key: `b:${k}:${j}`,
        name_masked: `${surnames[j % 10]}*${j}`,
        region_code: s.region,
        case_region_code: s.region,
        score: 50,
        rank: 'medium',
        first_exposure_at: new Date(diagnosed[k]! - 2 * DAY_MS),
        last_exposure_at: new Date(diagnosed[k]! - DAY_MS),
        exposures: '[]',
        identified_at: at,
      });
      if (contacts.length === 2000) await flush();
    }
  }
  if (contacts.length) await flush();
}

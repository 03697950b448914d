import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { permissionsOf } from '@zhengtong/contracts';
import type { Zhengtong } from '../apps/server/src/app.ts';
import { ensureDemoCity } from '../apps/server/src/demo/demo-city.ts';
import { ensureTracingLoad, tripsOfLastDays } from '../apps/server/src/demo/demo-tracing-load.ts';
import type { Actor } from '../apps/server/src/platform/auth/actor.ts';
import { shanghaiDate, startOfShanghaiDay } from '../apps/server/src/platform/time.ts';
import { benchApp } from './lib/app.ts';
import { row, type Row } from './lib/table.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const num = (name: string, fallback: number) => Number((process.env[name] ?? String(fallback)).replace(/_/g, ''));
const CHECK_INS = num('BENCH_CHECK_INS', 10_000_000);
const RESIDENTS = num('BENCH_RESIDENTS', 1_000_000);
const MANIFEST_ROWS = num('BENCH_MANIFEST_ROWS', 1_000_000);
const RUN_CASES = num('BENCH_RUN_CASES', 1000);
const CASES_PER_STEP = num('BENCH_CASES_PER_STEP', 40);
/** Density stays that of the full load at every step: the table grows by older days. */
const PER_DAY = Math.ceil(CHECK_INS / 14);
const STEPS = [0.1, 0.2, 0.5, 1].map((f) => Math.round(CHECK_INS * f));

const cdc: Actor = {
  kind: 'staff',
  id: 'bench',
  label: 'bench',
  roles: ['cdc'],
  permissions: permissionsOf(['cdc']),
  jurisdiction: '4201',
  residentId: null,
};

/**
 * Contact discovery on PostgreSQL at 1 to 10 million check-ins, the load made by the same generator as
 * `npm run seed -- --check-ins`: for fresh confirmed cases with 20 place visits and 2 trips (a train
 * carriage and a flight), discovery from the investigation to the stored contacts, their codes and
 * their follow-up events, against the one query no discovery can skip (who checked in at the case's
 * 20 places and times), measured in the same database at the same moment. Then one run that traces
 * 1,000 cases as a job, against tracing them one by one.
 */
export async function tracing(): Promise<Row[]> {
  const { zt, close } = await benchApp(['42', '11']);
  const log = (m: string) => console.error(`  ${m}`);
  const rows: Row[] = [];
  try {
    await ensureDemoCity(zt, { residents: RESIDENTS, log });
    let at1: { p95: number } | null = null;
    let last: Awaited<ReturnType<typeof discoverMany>> | null = null;
    for (const size of STEPS) {
      const started = Date.now();
      await ensureTracingLoad(zt, {
        checkIns: size,
        checkInsPerDay: PER_DAY,
        places: Math.round(CHECK_INS / 200),
        manifestRows: MANIFEST_ROWS,
        log,
      });
      if (zt.platform.database.kind === 'postgresql') await sql`analyze`.execute(zt.platform.database.db);
      log(`${size.toLocaleString('en-US')} check-ins ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      const m = await discoverMany(zt, CASES_PER_STEP);
      at1 ??= m;
      last = m;
      const n = size.toLocaleString('en-US');
      rows.push(
        row(`${n} check-ins: floor, the case's 20 place windows in one query, p95`, m.floorP95, 'ms', null),
        row(
          `${n} check-ins: discover one case (20 visits, 2 trips; ${Math.round(m.contacts)} contacts, ${Math.round(m.told)} told at once), p95`,
          m.p95,
          'ms',
          m.floorP95,
        ),
        row(`${n} check-ins: discover one case, p50`, m.p50, 'ms', m.floorP50),
        row(
          `${n} check-ins: discover p95 against the same at ${STEPS[0]!.toLocaleString('en-US')}`,
          m.p95,
          'ms',
          at1.p95,
        ),
      );
    }

    // One run of RUN_CASES cases as the job does it, against the same work case by case.
    const ids = [];
    for (let i = 0; i < RUN_CASES; i++) ids.push((await benchCase(zt)).id);
    const run = await zt.services.contactTracing.startRun(cdc, { scope: 'listed', caseIds: ids });
    const t0 = performance.now();
    await zt.services.contactTracing.processRun(run.id);
    const seconds = (performance.now() - t0) / 1000;
    const done = await zt.services.contactTracing.run(cdc, run.id);
    if (done.done !== RUN_CASES || done.failedCases) throw new Error(`run: ${JSON.stringify(done)}`);
    rows.push(
      row(
        `trace ${RUN_CASES.toLocaleString('en-US')} cases as one job (${done.contacts.toLocaleString('en-US')} contacts): cases/s`,
        RUN_CASES / seconds,
        'cases/s',
        1000 / last!.mean,
      ),
    );
    rows.push(...(await chains(zt, ids)));
    return rows;
  } finally {
    await close();
  }
}

/**
 * Transmission chains over everything traced so far: the run's cases linked into ten chains (each
 * case infected by an earlier one of its chain), every contact a node. The cluster list and the
 * drawing of the largest cluster, against reading that cluster's contact rows alone.
 */
async function chains(zt: Zhengtong, ids: string[]): Promise<Row[]> {
  const db = zt.platform.database.db;
  // Chain k holds cases k, k + 10, k + 20, …; each infected by its parent in a binary tree.
  const links = ids.flatMap((target, i) => {
    const j = Math.floor(i / 10);
    if (!j) return [];
    const source = ids[Math.floor((j - 1) / 2) * 10 + (i % 10)]!;
    return [{ id: uuidv7(), source_case_id: source, target_case_id: target, kind: 'contact', created_by: 'bench' }];
  });
  if (!links.length) return [];
  await db
    .insertInto('tracing_case_links' as never)
    .values(links as never)
    .execute();
  const nodes = await sql<{ cases: number; contacts: number }>`select
    (select count(*)::int from cases) as cases, (select count(*)::int from tracing_contacts) as contacts`.execute(db);
  const { cases, contacts } = nodes.rows[0]!;
  const time = async (f: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      await f();
      xs.push(performance.now() - t);
    }
    return xs.sort((a, b) => a - b)[3]!;
  };
  const list = await zt.services.chains.clusters(cdc, {});
  const largest = list.clusters[0]!;
  const member = largest.id;
  const graph = await zt.services.chains.graph(cdc, { caseId: member });
  const clusters = await time(() => zt.services.chains.clusters(cdc, {}));
  const drawing = await time(() => zt.services.chains.graph(cdc, { caseId: member }));
  const floor = await time(() =>
    sql`select * from tracing_contacts where case_id = any(${graph.nodes.filter((n) => n.kind === 'case').map((n) => n.id)}::uuid[])`.execute(
      db,
    ),
  );
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    row(
      `chains: list ${n(list.clusters.length)} clusters of ${n(cases)} cases and ${n(contacts)} contacts (${n(cases + contacts)} nodes), median`,
      clusters,
      'ms',
      null,
    ),
    row(`chains: read the largest cluster's contact rows (${n(largest.contacts)}), median`, floor, 'ms', null),
    row(
      `chains: draw the largest cluster (${n(largest.cases)} cases, ${n(largest.contacts)} contacts → ${n(graph.nodes.length)} nodes), median`,
      drawing,
      'ms',
      floor,
    ),
  ];
}

/** Discovers `n` fresh cases one after another; answers latency percentiles and what was found. */
async function discoverMany(zt: Zhengtong, n: number) {
  const times: number[] = [];
  const floors: number[] = [];
  let contacts = 0;
  let told = 0;
  for (let i = 0; i < n + 3; i++) {
    const { id: caseId, visits } = await benchCase(zt);
    // What discovery asks of the check-ins, with the default stay of an hour.
    const windows = visits.map((v, key) => ({
      key,
      placeId: v.place_id,
      from: new Date(v.from_at.getTime() - HOUR_MS),
      to: v.to_at,
    }));
    let t = performance.now();
    await zt.services.checkIn.presentAt(windows);
    const floor = performance.now() - t;
    t = performance.now();
    const found = await zt.services.contactTracing.discover(caseId, cdc);
    const took = performance.now() - t;
    if (i < 3) continue; // warm-up
    floors.push(floor);
    times.push(took);
    contacts += found.close + found.secondary;
    told += found.notified;
  }
  const pct = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]!;
  return {
    p50: pct(times, 0.5),
    p95: pct(times, 0.95),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    floorP50: pct(floors, 0.5),
    floorP95: pct(floors, 0.95),
    contacts: contacts / n,
    told: told / n,
  };
}

let places: { id: string; name: string; address: string }[] | null = null;
let seq = 0;

/**
 * A confirmed case reported through the case service, whose investigation (20 visits to registered
 * places yesterday, a train carriage and a flight) is written as the console would have left it, without
 * the discovery each edit starts: the benchmark measures that discovery once, in full.
 */
async function benchCase(zt: Zhengtong) {
  const db = zt.platform.database.db;
  places ??= (
    await sql<{ id: string; name: string; address: string }>`select id, name, address from places
      where owner_id = 'synthetic' order by id`.execute(db)
  ).rows;
  const i = seq++;
  const yesterday = startOfShanghaiDay(new Date()).getTime() - DAY_MS;
  const reported = await zt.services.caseReport.report(
    { ...cdc, jurisdiction: '420106' },
    {
      name: `测试${i}`,
      onsetDate: shanghaiDate(new Date(yesterday)),
      diagnosedAt: new Date(Date.now() - HOUR_MS).toISOString(),
      classification: 'confirmed',
      symptoms: ['fever'],
    },
  );
  const visits = Array.from({ length: 20 }, (_, v) => {
    const place = places![(i * 7919 + v * 104_729) % places!.length]!;
    const from = yesterday + 8 * HOUR_MS + ((i * 13 + v * 37) % 12) * HOUR_MS + ((i + v) % 4) * 15 * 60_000;
    return {
      id: uuidv7(),
      case_id: reported.id,
      place_id: place.id,
      place_name: place.name,
      place_address: place.address,
      from_at: new Date(from),
      to_at: new Date(from + HOUR_MS + ((i + v) % 3) * 30 * 60_000),
      source: 'entered',
      created_by: 'bench',
    };
  });
  await db
    .insertInto('tracing_visits' as never)
    .values(visits as never)
    .execute();
  const { trips } = tripsOfLastDays(1);
  const train = trips.filter((t) => t.mode === 'train')[i % 120]!;
  const flight = trips.filter((t) => t.mode === 'flight')[i % 300]!;
  await db
    .insertInto('tracing_trips' as never)
    .values([
      {
        id: uuidv7(),
        case_id: reported.id,
        mode: 'train',
        number: train.number,
        travel_date: train.date,
        carriage: 1 + (i % 16),
        seat: '5A',
        seat_row: 5,
        created_by: 'bench',
      },
      {
        id: uuidv7(),
        case_id: reported.id,
        mode: 'flight',
        number: flight.number,
        travel_date: flight.date,
        carriage: null,
        seat: '12C',
        seat_row: 12,
        created_by: 'bench',
      },
    ] as never)
    .execute();
  return { id: reported.id, visits };
}

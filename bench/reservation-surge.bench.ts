import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { CampaignInput } from '@zhengtong/contracts';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import type { Actor } from '../apps/server/src/platform/auth/actor.ts';
import { QueueTickets } from '../apps/server/src/modules/reservation/index.ts';
import { createScratchDatabase } from '../apps/server/test/build-test-app.ts';
import { retryDelayMs } from '../packages/web-core/src/api/retry.ts';
import { send, type Answer } from './lib/client.ts';
import { sampleCpu } from './lib/cpu.ts';
import { load } from './lib/load.ts';
import { passenger } from './lib/people.ts';
import { startServer } from './lib/server.ts';
import { row, type Row } from './lib/table.ts';

const JIANGAN = '420102';
const LEVELS = (process.env.BENCH_SURGE_LEVELS ?? '1,2,5,10').split(',').map(Number);
/**
 * App processes sharing the database and Redis, people spread over them as a load balancer would
 * (BENCH_SURGE_PROCESSES, default 1): the scale-out the platform is built for, under a surge.
 */
const PROCESSES = Math.max(1, Number(process.env.BENCH_SURGE_PROCESSES ?? 1));
/** Seconds of arrivals per level; the line then drains. */
const ARRIVAL_SECONDS = Number(process.env.BENCH_SURGE_SECONDS ?? 3);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const officer: Actor = {
  kind: 'staff',
  id: 'bench',
  label: 'bench-officer',
  roles: ['department_officer'],
  permissions: ['reservations.manage'],
  jurisdiction: JIANGAN,
  residentId: null,
};

interface Person {
  residentId: string;
  headers: Record<string, string>;
}

const p99 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! : 0;
};

/**
 * 口罩预约 surge: the real server (PostgreSQL, Redis) in its own process, people arriving from this
 * process at 1× to 10× the rate it served in a calm closed-loop run. Each person takes the way the
 * H5 takes: join the campaign's line, ask with the ticket of their place until admitted, then reserve;
 * a few click twice. Figures: reservations admitted per second against a trivial route of the same server, the p99
 * of waiting-room answers, and the database's own count of oversold places and doubled people.
 */
export async function reservationSurge(): Promise<Row[]> {
  if (!process.env.DATABASE_URL) {
    console.error('reservation-surge needs DATABASE_URL (and REDIS_URL): the bench and the server share the database');
    return [];
  }
  const scratch = await createScratchDatabase(process.env.DATABASE_URL);
  const masterKey = randomBytes(32).toString('base64');
  const config = loadConfig(
    { NODE_ENV: 'test', LOG_LEVEL: 'silent', ZT_MASTER_KEY: masterKey, DATABASE_URL: scratch.url },
    { demo: false },
  );
  const zt = await buildApp(config, { regionProvinces: ['42'] });
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  const others: Awaited<ReturnType<typeof startServer>>[] = [];
  try {
    // People: synthetic residents of 江岸区 with a session each (the SMS step is not what is measured).
    const street = (await zt.services.regions.list({ parent: JIANGAN, limit: 1 })).items[0]!.code;
    const maxPeople = Number(process.env.BENCH_SURGE_PEOPLE ?? 30_000);
    const rows = Array.from({ length: maxPeople }, (_, n) => {
      const p = passenger(n);
      return { ...p, row: zt.services.identity.encryptResident({ ...p, regionCode: street, synthetic: true }) };
    });
    for (let i = 0; i < rows.length; i += 1000)
      await zt.services.identity.insertResidentRows(rows.slice(i, i + 1000).map((r) => r.row));
    const sessions = await zt.services.identity.seedResidentSessions(
      rows.map((r) => ({ residentId: r.row.id, phone: r.phone })),
    );
    const people: Person[] = sessions.map((s) => ({
      residentId: s.residentId,
      headers: { cookie: `zt_session=${s.token}`, 'x-csrf-token': s.csrfToken },
    }));

    const serverEnv = {
      ZT_MASTER_KEY: masterKey,
      ZT_DEMO: '0',
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    };
    // Capacity is what the backend serves with the waiting room out of the way (admitting everyone at
    // once, never backing off): measured on a server of its own, so the surge's room starts fresh.
    server = await startServer(
      {
        ...serverEnv,
        ZT_CACHE_PREFIX: `zt-bench:${randomUUID()}:`,
        ZT_QUEUE_START_RATE: '5000',
        ZT_QUEUE_MAX_RATE: '5000',
        ZT_QUEUE_TARGET_MS: '600000',
      },
      { databaseUrl: scratch.url },
    );
    let url = server.url;

    const campaign = async (title: string, quota: number) => {
      const input: CampaignInput = {
        kind: 'masks',
        title,
        regionCode: JIANGAN,
        mode: 'first_come',
        oncePerDays: 0,
        itemsPerPerson: 5,
        sites: [
          {
            name: '江岸大药房',
            address: '解放大道 1 号',
            regionCode: street,
            slots: [
              {
                startsAt: new Date(Date.now() - 60_000).toISOString(),
                endsAt: new Date(Date.now() + 3_600_000).toISOString(),
                quota,
              },
            ],
          },
        ],
      };
      const c = await zt.services.reservation.createCampaign(officer, input);
      await zt.services.reservation.setStatus(officer, c.id, 'open');
      return { id: c.id, slotId: c.sites[0]!.slots[0]!.id, quota };
    };

    // Calm capacity: a closed loop of 32 people at a time, each reserving once.
    const calm = await campaign('容量测定', 1_000_000);
    const served = await eachOnce(people, 32, 3000, (p) => reserveOnce(url, p, calm.slotId), 201);
    const capacity = served.ok / 3;
    await server.stop();
    // The surge's processes share one waiting room (the same cache prefix), as a deployment's do.
    const room = { ...serverEnv, ZT_CACHE_PREFIX: `zt-bench:${randomUUID()}:` };
    server = await startServer(room, { databaseUrl: scratch.url });
    for (let i = 1; i < PROCESSES; i++) others.push(await startServer(room, { databaseUrl: scratch.url }));
    url = server.url;
    const urls = [url, ...others.map((o) => o.url)];
    await load(`${url}/healthz`, { seconds: 2 });
    const trivial = await load(`${url}/healthz`, { seconds: 3 });
    // With several processes the surge's figures are against the trivial route of all of them at once.
    const trivialAll =
      PROCESSES === 1
        ? trivial
        : (await Promise.all(urls.map((u) => load(`${u}/healthz`, { seconds: 3 })))).reduce((a, b) => ({
            ...a,
            rps: a.rps + b.rps,
            p99: Math.max(a.p99, b.p99),
          }));
    // What the waiting room's own two answers cost the server, closed loop: a join (session, one script)
    // and a poll with a ticket (no session, no round trip).
    const probe = await campaign('排队测定', 1000);
    const joinUrl = `${url}/api/v1/reservation/campaigns/${probe.id}/queue`;
    await load(joinUrl, { method: 'POST', headers: people.at(-1)!.headers, seconds: 1 });
    const join = await load(joinUrl, { method: 'POST', headers: people.at(-1)!.headers, seconds: 3 });
    // Arrivals are people the server has not seen yet (no session in the cache): each joins once. They come
    // from the end of the pool, minutes before any level could reach them (sessions are cached a minute).
    const firstJoins = await eachOnce(
      people.slice(-10_000),
      64,
      3000,
      (p) => send(joinUrl, { method: 'POST', headers: p.headers }),
      200,
    );
    const ticket = new QueueTickets(Buffer.from(masterKey, 'base64')).issue(probe.id, 1_000_000);
    const poll = await load(`${url}/api/v1/reservation/public/queue`, {
      headers: { 'x-queue-ticket': ticket },
      seconds: 3,
    });
    if (join.non2xx || poll.non2xx) console.error(`  probe refusals: ${join.non2xx} joins, ${poll.non2xx} polls`);
    const out: Row[] = [
      row('trivial route GET /healthz: requests/s', trivial.rps, 'req/s', null),
      ...(PROCESSES > 1
        ? [
            row(
              `trivial route GET /healthz on ${PROCESSES} processes at once: requests/s`,
              trivialAll.rps,
              'req/s',
              null,
            ),
          ]
        : []),
      row('waiting room: joins/s (closed loop, one person rejoining)', join.rps, 'req/s', trivial.rps),
      row(
        'waiting room: joins/s by people arriving (closed loop, 64 at a time, each once)',
        firstJoins.ok / firstJoins.seconds,
        'req/s',
        trivial.rps,
      ),
      row('waiting room: polls with a ticket/s (closed loop)', poll.rps, 'req/s', trivial.rps),
      row(
        'calm closed-loop reservations/s, waiting room open wide (capacity, 32 at a time)',
        capacity,
        'res/s',
        trivial.rps,
      ),
    ];

    for (const level of LEVELS) {
      const arrivals = Math.min(people.length, Math.round(level * capacity * ARRIVAL_SECONDS));
      // Fewer places than people: the surge also meets "sold out", where overselling would show.
      const c = await campaign(`${level}× 抢购`, Math.round(arrivals * 0.8));
      const sampler = sampleCpu([server.pid, ...others.map((o) => o.pid)]);
      const r = await surge(urls, people.slice(0, arrivals), c.id, c.slotId, arrivals / ARRIVAL_SECONDS);
      const cpu = sampler.stop();
      const counts = await sql<{ taken: number; confirmed: number; doubled: number }>`
        select (select taken from reservation_slots where id = ${c.slotId}) as taken,
          (select count(*)::int from reservations where campaign_id = ${c.id} and status = 'confirmed') as confirmed,
          (select count(*)::int from (select resident_id from reservations where campaign_id = ${c.id}
            and status = 'confirmed' group by resident_id having count(*) > 1) d) as doubled`.execute(
        zt.platform.database.db,
      );
      const { taken, confirmed, doubled } = counts.rows[0]!;
      // Fewer people than the level asks for (BENCH_SURGE_PEOPLE) offer less: the label says what was offered.
      const offered = arrivals / ARRIVAL_SECONDS / capacity;
      const label = `${Math.abs(offered - level) < 0.05 * level ? level : offered.toFixed(1)}× offered (${Math.round(arrivals / ARRIVAL_SECONDS)} arrivals/s, ${arrivals} people, ${c.quota} places${PROCESSES > 1 ? `, ${PROCESSES} processes` : ''})`;
      out.push(
        row(`${label}: admitted reservations/s`, r.admittedPerSecond, 'res/s', trivialAll.rps),
        row(`${label}: waiting-room answers p99`, r.waitingP99, 'ms', trivialAll.p99),
        row(`${label}: … of which joins (arrivals) p99`, r.joinP99, 'ms', trivialAll.p99),
        row(`${label}: … of which polls with a ticket p99`, r.pollP99, 'ms', trivialAll.p99),
        row(`${label}: reservation answers p99`, r.reserveP99, 'ms', trivialAll.p99),
        row(
          `${label}: oversold places (taken − quota, and confirmed ≠ taken)`,
          Math.max(0, taken - c.quota) + Math.abs(confirmed - taken),
          'places',
          null,
        ),
        row(`${label}: people with two reservations`, doubled, 'people', null),
        row(`${label}: people never answered (errors, lost answers)`, r.failed, 'people', null),
        row(`${label}: shed answers (503 Retry-After)`, r.shed, 'answers', null),
      );
      // Whose limit the figures show: the server's, or a machine whose cores the loader, PostgreSQL and Redis share.
      if (cpu)
        out.push(
          row(
            `${label}: CPU of the server process${PROCESSES > 1 ? 'es together' : ''}, busiest second`,
            cpu.peak.server,
            'cores',
            cpu.cores,
          ),
          row(`${label}: CPU of the loader, busiest second`, cpu.peak.loader, 'cores', cpu.cores),
          row(`${label}: CPU of the whole machine, busiest second`, cpu.peak.machine, 'cores', cpu.cores),
        );
    }
    return out;
  } finally {
    await server?.stop();
    for (const o of others) await o.stop();
    await zt.close();
    await scratch.drop();
  }
}

/**
 * A closed loop of `workers` at a time, each person once, for `ms` or until the people run out: how many
 * were answered `status`, and in how many seconds.
 */
async function eachOnce(
  people: Person[],
  workers: number,
  ms: number,
  ask: (p: Person) => Promise<Answer>,
  status: number,
) {
  const from = Date.now();
  let next = 0;
  let ok = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < from + ms && next < people.length) if ((await ask(people[next++]!)).status === status) ok++;
    }),
  );
  return { ok, seconds: (Date.now() - from) / 1000 };
}

function reserveOnce(url: string, p: Person, slotId: string, key = randomUUID()) {
  return send(`${url}/api/v1/reservation/reservations`, {
    method: 'POST',
    headers: { ...p.headers, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ slotId }),
  });
}

/**
 * Open-loop arrivals at `perSecond`; each person joins the line, waits with the ticket, and reserves once
 * admitted, all on one of the processes (`urls`), taken in turn as a load balancer would.
 */
async function surge(urls: string[], people: Person[], campaignId: string, slotId: string, perSecond: number) {
  const waiting: number[] = [];
  const joins: number[] = [];
  const polls: number[] = [];
  const reserving: number[] = [];
  let admitted = 0;
  let failed = 0;
  let shed = 0;
  let lastSuccess = 0;
  const why = new Map<string, number>();
  const rates = new Map<number, number>();
  const admittedAt = new Map<number, number>();
  const started = Date.now();
  const timed = async (into: number[][], f: () => Promise<Answer>) => {
    const t0 = performance.now();
    const res = await f();
    for (const list of into) list.push(performance.now() - t0);
    return { status: res.status, retryAfter: Number(res.headers['retry-after'] ?? 1), body: res.body };
  };
  const person = async (p: Person, n: number) => {
    const url = urls[n % urls.length]!;
    const key = randomUUID();
    const deadline = Date.now() + 120_000;
    let ticket: string | null = null;
    let admittedToRoom = false;
    try {
      while (Date.now() < deadline) {
        if (!admittedToRoom) {
          // As the H5 does: join the line on arrival, then ask where one stands with the signed ticket
          // of the place (no session cookie) until admitted.
          const s = await timed([waiting, ticket ? polls : joins], () =>
            ticket
              ? send(`${url}/api/v1/reservation/public/queue`, { headers: { 'x-queue-ticket': ticket } })
              : send(`${url}/api/v1/reservation/campaigns/${campaignId}/queue`, {
                  method: 'POST',
                  headers: p.headers,
                }),
          );
          if (s.status === 503) {
            shed++;
            await sleep(retryDelayMs(s.retryAfter));
            continue;
          }
          if (s.status !== 200) throw new Error(`queue answered ${s.status}`);
          const state = JSON.parse(s.body) as {
            admitted: boolean;
            retryAfterSeconds: number;
            rate: number;
            ticket: string | null;
          };
          ticket = state.ticket ?? ticket;
          const sec = Math.floor((Date.now() - started) / 1000);
          if (!rates.has(sec)) rates.set(sec, state.rate);
          admittedToRoom = state.admitted;
          // When to ask again is the server's to say, spread out as the H5 spreads it.
          if (!admittedToRoom) await sleep(retryDelayMs(state.retryAfterSeconds));
          continue;
        }
        // One in twenty clicks twice: the same Idempotency-Key, so it must stay one reservation.
        const tries = n % 20 === 0 ? 2 : 1;
        const answers = await Promise.all(
          Array.from({ length: tries }, () => timed([reserving], () => reserveOnce(url, p, slotId, key))),
        );
        const res = answers.find((a) => a.status === 201) ?? answers[0]!;
        if (res.status === 201) {
          admitted++;
          const sec = Math.floor((Date.now() - started) / 1000);
          admittedAt.set(sec, (admittedAt.get(sec) ?? 0) + 1);
          lastSuccess = Date.now();
          return;
        }
        if (res.status === 409) return; // sold out (or already holds one): an answer
        if (res.status === 503) {
          // Admitted, but the process is at its limit: the same key again when it says.
          shed++;
          await sleep(retryDelayMs(res.retryAfter));
          continue;
        }
        if (res.status !== 429) throw new Error(`reserve answered ${res.status}`);
        // Told to wait after all: back to the line (the join keeps the place).
        admittedToRoom = false;
        ticket = null;
      }
      failed++;
      why.set('120 s without a place', (why.get('120 s without a place') ?? 0) + 1);
    } catch (e) {
      failed++;
      const reason = String((e as Error).cause ?? (e as Error).message).slice(0, 80);
      why.set(reason, (why.get(reason) ?? 0) + 1);
    }
  };
  const flows: Promise<void>[] = [];
  for (let n = 0; n < people.length;) {
    const due = Math.min(people.length, Math.floor(((Date.now() - started) / 1000) * perSecond) + 1);
    for (; n < due; n++) flows.push(person(people[n]!, n));
    await sleep(5);
  }
  await Promise.all(flows);
  // What went wrong for those never answered, for whoever reads the run's log.
  for (const [reason, n] of why) console.error(`  not answered: ${n} × ${reason}`);
  // For whoever tunes the waiting room: the admission rate people were told, and how many got in, each second.
  console.error(
    `  rate/admitted by second: ${[...rates]
      .sort((a, b) => a[0] - b[0])
      .map(([k, v]) => `${k}:${v}/${admittedAt.get(k) ?? 0}`)
      .join(' ')}`,
  );
  console.error(
    `  requests: ${reserving.length} reserve, ${joins.length} joins, ${polls.length} ticket polls; ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  const seconds = Math.max(0.001, (lastSuccess - started) / 1000);
  return {
    admittedPerSecond: admitted / seconds,
    waitingP99: p99(waiting),
    joinP99: p99(joins),
    pollP99: p99(polls),
    reserveP99: p99(reserving),
    failed,
    shed,
  };
}

import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, FollowUpTask, Investigation } from '@zhengtong/contracts';
import {
  as,
  buildTestApp,
  countRows,
  JIANGAN,
  makeIdNumber,
  signInResident,
  signInStaff,
  uniquePhone,
  WUCHANG,
  type Signed,
  type TestApp,
} from '../build-test-app.ts';

let t: TestApp;
let admin: Signed;
let medical: Signed;
let cdc: Signed;
let grid: Signed;
const H = 3_600_000;
const shanghaiToday = () => new Date(Date.now() + 8 * H).toISOString().slice(0, 10);
const api = '/api/v1/contact-tracing';

interface Person {
  name: string;
  idNumber: string;
  phone: string;
  regionCode: string;
  id?: string;
  pseudonym?: string;
}
let seq = 700;
const person = (name: string, regionCode: string): Person => ({
  name,
  idNumber: makeIdNumber(regionCode.slice(0, 6), '19850505', seq++),
  phone: uniquePhone(),
  regionCode,
});

const sessions = new Map<string, Signed>();
const sessionOf = async (p: Person) => {
  // One sign-in each: SMS codes are sent once a minute.
  if (!sessions.has(p.phone)) sessions.set(p.phone, await signInResident(t.app, p.phone));
  return sessions.get(p.phone)!;
};

/** Registers a resident who declared once (so they have a code and their check-ins a pseudonym). */
async function register(p: Person) {
  const res = await as(t.app, admin, { method: 'POST', url: '/api/v1/identity/residents', payload: { ...p } });
  expect(res.statusCode, res.body).toBe(201);
  p.id = res.json().id;
  const declared = await as(t.app, await sessionOf(p), {
    method: 'POST',
    url: '/api/v1/health-code/declarations',
    payload: { symptoms: [], visited: [], riskAreaVisit: 'none', contactWithCase: false, consent: true },
  });
  expect(declared.statusCode, declared.body).toBe(200);
  p.pseudonym = (await t.zt.services.healthCode.pseudonymOf(p.id!))!;
}

/** A check-in some time ago, as the place-code scan would have written it. */
async function checkedIn(p: Person, placeId: string, at: Date) {
  await sql`insert into check_ins (id, subject, place_id, region_code, at, colour, method)
    values (${uuidv7()}, ${p.pseudonym!}, ${placeId}, ${WUCHANG}, ${at}, 'green', 'place-scan')`.execute(
    t.zt.platform.database.db,
  );
}

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A case reported by the hospital today (onset today, diagnosed now); answers its id. */
async function reportCase(who: { idNumber: string } | { name: string }, classification: string, symptoms: string[]) {
  const reported = await as(t.app, medical, {
    method: 'POST',
    url: '/api/v1/case-report/cases',
    payload: { ...who, onsetDate: shanghaiToday(), diagnosedAt: new Date().toISOString(), classification, symptoms },
  });
  expect(reported.statusCode, reported.body).toBe(201);
  return reported.json().id as string;
}

const contactsOf = async (caseId: string, who: Signed = cdc): Promise<Contact[]> => {
  const res = await as(t.app, who, { method: 'GET', url: `${api}/contacts?caseId=${caseId}&limit=200` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
};
/** The person's own view of their code. */
const colourOf = async (p: Person) =>
  (await as(t.app, await sessionOf(p), { method: 'GET', url: '/api/v1/health-code/status' })).json();

const now = Date.now();
const caseA = person('病例甲', WUCHANG);
const nearB = person('密接乙', ''); // lives in the grid worker's grid
const lateC = person('无关丙', WUCHANG);
const secondD = person('次密丁', WUCHANG);
const homeE = person('家属戊', WUCHANG);
const seatF = person('邻座己', WUCHANG);
const farG = person('远座庚', WUCHANG);
const trainH = person('同厢辛', WUCHANG);
const trainI = person('别厢壬', WUCHANG);
const trainJ = person('远排癸', WUCHANG);
let places: { id: string; code: string; name: string }[];
let caseId: string;

beforeAll(async () => {
  t = await buildTestApp({ residents: 20, build: { startJobs: true } });
  nearB.regionCode = t.grids[0]!;
  nearB.idNumber = makeIdNumber(t.grids[0]!.slice(0, 6), '19850505', seq++);
  [admin, medical, cdc, grid] = await Promise.all([
    signInStaff(t.app, 'admin'),
    signInStaff(t.app, 'medical'),
    signInStaff(t.app, 'cdc'),
    signInStaff(t.app, 'grid'),
  ]);
  for (const p of [caseA, nearB, lateC, secondD, homeE, seatF, farG, trainH, trainI, trainJ]) await register(p);
  const venue = await signInStaff(t.app, 'venue');
  places = (await as(t.app, venue, { method: 'GET', url: '/api/v1/check-in/places' })).json().items;
  const [p1, p2] = places;
  await checkedIn(caseA, p1!.id, new Date(now - 3 * H));
  await checkedIn(nearB, p1!.id, new Date(now - 3 * H + 20 * 60_000));
  await checkedIn(lateC, p1!.id, new Date(now - 10 * H));
  // After meeting the case, B went elsewhere and met D there.
  await checkedIn(nearB, p2!.id, new Date(now - 1 * H));
  await checkedIn(secondD, p2!.id, new Date(now - 1 * H + 10 * 60_000));
});
afterAll(() => t?.close());

describe('automatic contact discovery', () => {
  it('traces a confirmed case at once from its own check-ins: close and secondary contacts with reasons', async () => {
    caseId = await reportCase({ idNumber: caseA.idNumber }, 'confirmed', ['fever']);
    const contacts = await until(
      () => contactsOf(caseId),
      (c) => c.length >= 2,
    );
    const b = contacts.find((c) => c.name === '密*乙');
    expect(b).toMatchObject({ level: 'close', status: 'active', residentKnown: true, rank: 'high', score: 80 });
    expect(b!.exposures).toEqual([
      expect.objectContaining({ kind: 'place', label: places[0]!.name, minutes: 40, via: null }),
    ]);
    const d = contacts.find((c) => c.name === '次*丁');
    expect(d).toMatchObject({ level: 'secondary', rank: 'low' });
    expect(d!.exposures[0]).toMatchObject({ kind: 'secondary', label: places[1]!.name, via: '密*乙', minutes: 50 });
    // Ten hours earlier is no overlap: C is not a contact.
    expect(contacts.map((c) => c.name)).not.toContain('无*丙');
    expect(JSON.stringify(contacts)).not.toContain(nearB.idNumber);

    // Their codes changed through the health-code service.
    expect(await colourOf(nearB)).toMatchObject({ colour: 'red', explanation: { ruleId: 'close' } });
    expect(await colourOf(secondD)).toMatchObject({ colour: 'yellow', explanation: { ruleId: 'secondary' } });
    expect((await colourOf(lateC)).colour).toBe('green');

    // The case's own check-in is now part of its investigation.
    const inv = await as(t.app, cdc, { method: 'GET', url: `${api}/cases/${caseId}/investigation` });
    expect(inv.json()).toMatchObject({
      notifies: true,
      contacts: { close: 1, secondary: 1 },
      visits: [{ source: 'check-in', place: { name: places[0]!.name } }],
    });
  });

  it("gives the contact's grid worker a follow-up task, with masked details", async () => {
    const tasks = await until(
      async () =>
        (await as(t.app, grid, { method: 'GET', url: '/api/v1/community/tasks' })).json().items as FollowUpTask[],
      (items) => items.some((i) => i.name === '密*乙'),
    );
    const task = tasks.find((i) => i.name === '密*乙')!;
    expect(task).toMatchObject({
      level: 'close',
      status: 'open',
      checkedToday: false,
      exposure: { kind: 'place', label: places[0]!.name },
      region: { code: t.grids[0] },
    });
    expect(task.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(task.endsOn > shanghaiToday()).toBe(true);
    // D lives outside this grid: the grid worker does not see them.
    expect(tasks.map((i) => i.name)).not.toContain('次*丁');

    // The grid worker records today's check; the resident can see their observation and report too.
    const checked = await as(t.app, grid, {
      method: 'POST',
      url: `/api/v1/community/tasks/${task.id}/checks`,
      payload: { temperature: 36.6, symptoms: [] },
    });
    expect(checked.statusCode, checked.body).toBe(200);
    expect(checked.json()).toMatchObject({
      status: 'in_progress',
      checkedToday: true,
      checks: [{ by: 'grid_worker' }],
    });
    await colourOf(nearB);
    const mine = await as(t.app, sessions.get(nearB.phone)!, {
      method: 'POST',
      url: '/api/v1/community/my-observation/checks',
      payload: { temperature: 37.8, symptoms: ['cough'] },
    });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ active: true, checkedToday: true, checks: [{ by: 'self', abnormal: true }] });
    // An abnormal check raises an alert for the grid.
    const alerts = (await as(t.app, grid, { method: 'GET', url: '/api/v1/community/alerts' })).json().items;
    expect(alerts).toEqual([expect.objectContaining({ kind: 'abnormal_check', taskId: task.id, name: '密*乙' })]);
  });

  it('adds household, flight neighbours from a manifest, and notices what is not a contact', async () => {
    const flight = { mode: 'flight', number: 'CZ3456', date: shanghaiToday() };
    const manifest = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/manifest-rows`,
      payload: {
        rows: [
          { ...flight, seat: '20C', name: caseA.name, idNumber: caseA.idNumber },
          { ...flight, seat: '21A', name: seatF.name, idNumber: seatF.idNumber, phone: seatF.phone },
          { ...flight, seat: '30A', name: farG.name, idNumber: farG.idNumber },
          { ...flight, seat: '19B', name: '外地旅客', idNumber: makeIdNumber('110101', '19700101', 555) },
        ],
      },
    });
    expect(manifest.statusCode, manifest.body).toBe(201);
    const trip = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/cases/${caseId}/trips`,
      payload: { ...flight, number: 'cz 3456', seat: '20c', fromStation: '武汉', toStation: '广州' },
    });
    expect(trip.statusCode, trip.body).toBe(201);
    expect((trip.json() as Investigation).trips).toEqual([
      expect.objectContaining({ number: 'CZ3456', seat: '20C', published: false }),
    ]);
    const home = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/cases/${caseId}/household`,
      payload: { idNumber: homeE.idNumber, name: homeE.name, relation: '配偶' },
    });
    expect(home.statusCode, home.body).toBe(201);
    const contacts = await contactsOf(caseId);
    const byName = new Map(contacts.map((c) => [c.name, c]));
    expect(byName.get('家*戊')).toMatchObject({
      level: 'close',
      rank: 'high',
      exposures: [{ kind: 'household', label: '配偶' }],
    });
    expect(byName.get('邻*己')).toMatchObject({
      level: 'close',
      rank: 'high',
      exposures: [{ kind: 'flight', label: 'CZ3456 20C', seatDistance: 1 }],
    });
    expect(byName.get('外**客')).toMatchObject({
      residentKnown: false,
      region: null,
      exposures: [{ seatDistance: 1 }],
    });
    expect(byName.has('远*庚')).toBe(false);
    expect(byName.has('病*甲')).toBe(false);
    expect((await colourOf(seatF)).colour).toBe('red');
    // The passenger from elsewhere lives nowhere known here: the case's jurisdiction follows them up.
    const listed = (await as(t.app, cdc, { method: 'GET', url: `${api}/contacts?limit=200` })).json()
      .items as Contact[];
    expect(listed.find((c) => c.name === '外**客')).toMatchObject({ caseId, region: null });
  });

  it('finds the people seated near a close contact on a trip the contact took after the exposure', async () => {
    // The flight neighbour went on by train the same day; so did a visitor from elsewhere.
    const train = { mode: 'train', number: 'G1234', date: shanghaiToday() };
    const visitor = makeIdNumber('110101', '19700101', 556);
    const laterFlight = { mode: 'flight', number: 'MU2001', date: shanghaiToday() };
    const manifest = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/manifest-rows`,
      payload: {
        rows: [
          { ...train, carriage: 5, seat: '8A', name: seatF.name, idNumber: seatF.idNumber },
          { ...train, carriage: 5, seat: '9C', name: trainH.name, idNumber: trainH.idNumber },
          { ...train, carriage: 5, seat: '10F', name: '外地乘客', idNumber: visitor },
          { ...train, carriage: 5, seat: '15A', name: trainJ.name, idNumber: trainJ.idNumber },
          { ...train, carriage: 6, seat: '8A', name: trainI.name, idNumber: trainI.idNumber },
          { ...laterFlight, seat: '21A', name: seatF.name, idNumber: seatF.idNumber },
          { ...laterFlight, seat: '23C', name: '机上乘客', idNumber: makeIdNumber('110101', '19700101', 557) },
          { ...laterFlight, seat: '26C', name: '后排旅客', idNumber: makeIdNumber('110101', '19700101', 558) },
        ],
      },
    });
    expect(manifest.statusCode, manifest.body).toBe(201);
    // Asked twice at once (two investigators, or two processes): both are answered (the index keeps one row a person).
    const again = await Promise.all(
      [1, 2].map(() => as(t.app, cdc, { method: 'POST', url: `${api}/cases/${caseId}/discovery` })),
    );
    for (const r of again) expect(r.statusCode, r.body).toBeLessThan(300);
    const contacts = await until(
      () => contactsOf(caseId),
      (c) => c.some((x) => x.name === '同*辛'),
    );
    const h = contacts.find((c) => c.name === '同*辛');
    expect(h).toMatchObject({ level: 'secondary', rank: 'low', residentKnown: true });
    expect(h!.exposures).toEqual([
      expect.objectContaining({ kind: 'secondary', label: 'G1234 #5 8A', via: '邻*己', seatDistance: 1 }),
    ]);
    expect(contacts.find((c) => c.name === '外**客' && c.level === 'secondary')).toMatchObject({
      residentKnown: false,
      exposures: [expect.objectContaining({ kind: 'secondary', via: '邻*己' })],
    });
    // On a flight, the rows within the configured distance (3) count.
    expect(contacts.find((c) => c.name === '机**客')).toMatchObject({
      level: 'secondary',
      exposures: [expect.objectContaining({ kind: 'secondary', via: '邻*己', seatDistance: 2 })],
    });
    expect(contacts.map((c) => c.name)).not.toContain('后**客');
    // Seven rows away or another carriage is not a contact; the close contact stays close.
    expect(contacts.map((c) => c.name)).not.toContain('别*壬');
    expect(contacts.map((c) => c.name)).not.toContain('远*癸');
    expect(contacts.find((c) => c.name === '邻*己')).toMatchObject({ level: 'close' });
    expect(await colourOf(trainH)).toMatchObject({ colour: 'yellow', explanation: { ruleId: 'secondary' } });
    expect((await colourOf(trainI)).colour).toBe('green');
  });

  it('links a contact who becomes a case to the source case and ends their follow-up', async () => {
    const second = await reportCase({ idNumber: nearB.idNumber }, 'suspected', ['cough']);
    const b = await until(
      async () => (await contactsOf(caseId)).find((c) => c.name === '密*乙'),
      (c) => c?.status === 'became_case',
    );
    expect(b).toMatchObject({ status: 'became_case', becameCaseId: second });
    const inv = (await as(t.app, cdc, { method: 'GET', url: `${api}/cases/${second}/investigation` })).json();
    expect(inv.links).toEqual([
      expect.objectContaining({
        direction: 'source',
        kind: 'contact',
        otherCase: expect.objectContaining({ id: caseId }),
      }),
    ]);
    // A suspected case's own contacts are found but nobody is told yet.
    expect(inv.notifies).toBe(false);
    const task = await until(
      async () =>
        (await as(t.app, grid, { method: 'GET', url: '/api/v1/community/tasks?open=false' })).json()
          .items as FollowUpTask[],
      (items) => items.some((i) => i.name === '密*乙'),
    );
    expect(task.find((i) => i.name === '密*乙')).toMatchObject({ status: 'cancelled', ending: 'became_case' });
  });
});

describe('a suspected case: found first, told once confirmed, cleared when excluded', () => {
  it('keeps contacts pending until a positive result, and clears them when the case is excluded', async () => {
    const s = person('疑似辛', WUCHANG);
    const near = person('同店壬', WUCHANG);
    await register(s);
    await register(near);
    const place = places[2]!;
    await checkedIn(near, place.id, new Date(now - 2 * H));
    const id = await reportCase({ idNumber: s.idNumber }, 'suspected', ['fever']);
    const added = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/cases/${id}/visits`,
      payload: {
        placeCode: place.code,
        from: new Date(now - 2.5 * H).toISOString(),
        to: new Date(now - 1.5 * H).toISOString(),
      },
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ notifies: false, contacts: { close: 1 } });
    expect((await contactsOf(id))[0]).toMatchObject({ status: 'pending', name: '同*壬', exposures: [{ minutes: 30 }] });
    expect(await colourOf(near)).toMatchObject({ colour: 'green' });

    const sample = await as(t.app, medical, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${id}/samples`,
      payload: { kind: 'throat_swab', collectedAt: new Date().toISOString(), lab: '武昌区疾控实验室' },
    });
    await as(t.app, medical, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${id}/samples/${sample.json().samples[0].id}/result`,
      payload: { result: 'positive' },
    });
    await until(
      () => contactsOf(id),
      (c) => c[0]?.status === 'active',
    );
    expect((await colourOf(near)).colour).toBe('red');

    await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/case-report/cases/${id}/outcome`,
      payload: { outcome: 'excluded' },
    });
    await until(
      async () => (await colourOf(near)).colour,
      (c) => c === 'green',
    );
    expect((await colourOf(near)).colour).toBe('green');
    // Cleared contacts leave the lists.
    expect(await contactsOf(id)).toEqual([]);
  });
});

describe('a case entered by name, and a resident who scanned the place code a moment ago', () => {
  it('finds the resident from the place-code check-in', async () => {
    const visitor = person('扫码癸', WUCHANG);
    await register(visitor);
    const place = places[1]!;
    const scanned = await as(t.app, await sessionOf(visitor), {
      method: 'POST',
      url: '/api/v1/check-in/check-ins',
      payload: { placeCode: place.code },
    });
    expect(scanned.statusCode, scanned.body).toBe(201);
    const id = await reportCase({ name: '未登记病例' }, 'confirmed', []);
    const end = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
    const added = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/cases/${id}/visits`,
      payload: { placeCode: place.code, from: new Date(end - H).toISOString(), to: new Date(end).toISOString() },
    });
    expect(added.statusCode, added.body).toBe(201);
    // Others were there within the hour too; the one who scanned a moment ago is among them.
    expect((await contactsOf(id)).find((c) => c.name === '扫*癸')).toMatchObject({
      status: 'active',
      exposures: [{ kind: 'place', label: place.name }],
    });
  });
});

describe('transmission chains', () => {
  it('joins linked cases into a cluster with its contacts, and draws it from any case', async () => {
    const overview = await as(t.app, cdc, { method: 'GET', url: `${api}/chains/clusters` });
    expect(overview.statusCode, overview.body).toBe(200);
    const cluster = overview.json().clusters.find((c: { rootName: string }) => c.rootName === '病*甲');
    // A, and B who became a case after being A's contact.
    expect(cluster).toMatchObject({ cases: 2, newCases7d: 2, newCasesPrev7d: 0 });
    expect(cluster.contacts).toBeGreaterThanOrEqual(4);
    const graph = (await as(t.app, cdc, { method: 'GET', url: `${api}/chains/graph?caseId=${caseId}` })).json();
    const caseNodes = graph.nodes.filter((n: { kind: string }) => n.kind === 'case');
    expect(caseNodes.map((n: { name: string }) => n.name).sort()).toEqual(['密*乙', '病*甲']);
    const b = caseNodes.find((n: { name: string }) => n.name === '密*乙');
    expect(graph.edges).toContainEqual({ source: caseId, target: b.id, kind: 'link' });
    const seat = graph.nodes.find((n: { name: string }) => n.name === '邻*己');
    expect(seat).toMatchObject({ kind: 'contact', level: 'close' });
    expect(graph.edges).toContainEqual({ source: caseId, target: seat.id, kind: 'exposure' });
    expect(JSON.stringify(graph)).not.toMatch(/\d{17}/);
    // From B onwards: A and A's contacts are not drawn.
    const fromB = (await as(t.app, cdc, { method: 'GET', url: `${api}/chains/graph?caseId=${b.id}&from=true` })).json();
    expect(fromB.nodes.filter((n: { kind: string }) => n.kind === 'case').map((n: { name: string }) => n.name)).toEqual(
      ['密*乙'],
    );
    expect(fromB.nodes.some((n: { name: string }) => n.name === '邻*己')).toBe(false);
    // As the chains stood the day before: nothing yet.
    const yesterday = new Date(Date.now() + 8 * H - 24 * H).toISOString().slice(0, 10);
    const before = (await as(t.app, cdc, { method: 'GET', url: `${api}/chains/clusters?until=${yesterday}` })).json();
    expect(before.totals).toEqual({ cases: 0, contacts: 0, clusters: 0 });
  });
});

describe('contact exports', () => {
  it("writes the contacts of the jurisdiction's cases in clear, from resident records and passenger lists", async () => {
    const started = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/exports`,
      payload: { format: 'csv', purpose: '移交隔离点名单' },
    });
    expect(started.statusCode, started.body).toBe(202);
    const job = await until(
      async () => (await as(t.app, cdc, { method: 'GET', url: `/api/v1/exports/${started.json().id}` })).json(),
      (j) => j.status === 'done',
    );
    expect(job.rowsDone).toBeGreaterThanOrEqual(5);
    const file = await as(t.app, cdc, { method: 'GET', url: `/api/v1/exports/${started.json().id}/file` });
    expect(file.body).toContain(seatF.idNumber);
    expect(file.body).toContain(seatF.phone);
    expect(file.body).toContain('外地旅客');
    expect(file.body).toContain('flight:CZ3456 20C');
    const fhir = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/exports`,
      payload: { format: 'fhir', purpose: '移交隔离点名单' },
    });
    expect(fhir.statusCode).toBe(400);
  });
});

describe('batch tracing runs', () => {
  it('traces every open infectious case of the jurisdiction as one job, with progress', async () => {
    const started = await as(t.app, cdc, { method: 'POST', url: `${api}/tracing-runs`, payload: { scope: 'open' } });
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json()).toMatchObject({ status: 'queued', done: 0 });
    const total = started.json().total;
    expect(total).toBeGreaterThanOrEqual(2);
    const run = await until(
      async () => (await as(t.app, cdc, { method: 'GET', url: `${api}/tracing-runs/${started.json().id}` })).json(),
      (r) => r.status === 'done',
    );
    expect(run).toMatchObject({ status: 'done', done: total, failedCases: 0 });
    expect(run.contacts).toBeGreaterThan(0);
    expect(run.casesPerSecond).toBeGreaterThan(0);
    const unknown = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/tracing-runs`,
      payload: { scope: 'listed', caseIds: [caseId, '01900000-0000-7000-8000-00000000abcd'] },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([expect.objectContaining({ path: 'caseIds/1', code: 'resource.not_found' })]);
  });
});

describe('jurisdiction, bad input and the public co-traveller query', () => {
  it("shows a district CDC the contacts living there, not another district's case", async () => {
    await t.zt.services.identity.seedStaff({
      username: 'cdc-jiangan',
      displayName: '江岸区疾控',
      password: 'Strong-pass-2026',
      roles: ['cdc'],
      jurisdictionCode: JIANGAN,
    });
    const district = await signInStaff(t.app, 'cdc-jiangan', 'Strong-pass-2026');
    const inv = await as(t.app, district, { method: 'GET', url: `${api}/cases/${caseId}/investigation` });
    expect(inv.statusCode).toBe(404);
    const mine = (await as(t.app, district, { method: 'GET', url: `${api}/contacts` })).json().items as Contact[];
    expect(mine.map((c) => c.name)).toContain('密*乙');
    expect(mine.every((c) => c.region?.code.startsWith(JIANGAN))).toBe(true);
    const officer = await signInStaff(t.app, 'officer');
    expect((await as(t.app, officer, { method: 'GET', url: `${api}/contacts` })).statusCode).toBe(403);
  });

  it('refuses impossible windows, unknown trip formats and a manifest with one bad row, writing nothing', async () => {
    const before = await Promise.all(
      ['tracing_visits', 'tracing_trips', 'tracing_manifest_rows'].map((x) => countRows(t, x)),
    );
    const visit = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/cases/${caseId}/visits`,
      payload: { placeCode: places[0]!.code, from: new Date(now).toISOString(), to: new Date(now - H).toISOString() },
      headers: { 'accept-language': 'en' },
    });
    expect(visit.statusCode).toBe(400);
    expect(visit.json().errors).toEqual([expect.objectContaining({ path: 'to', code: 'tracing.window' })]);
    const trip = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/cases/${caseId}/trips`,
      payload: { mode: 'train', number: 'HX-99', date: shanghaiToday(), seat: 'aisle' },
    });
    expect(trip.statusCode).toBe(400);
    expect(trip.json().errors.map((e: { code: string }) => e.code)).toEqual(['trip.train_number', 'trip.seat_format']);
    const rows = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/manifest-rows`,
      payload: {
        rows: [
          {
            mode: 'train',
            number: 'G1',
            date: shanghaiToday(),
            carriage: 3,
            name: '张三',
            idNumber: makeIdNumber('110101', '19700101', 556),
          },
          {
            mode: 'train',
            number: 'G1',
            date: shanghaiToday(),
            carriage: 3,
            name: '李四',
            idNumber: '110101197001015560',
          },
        ],
      },
    });
    expect(rows.statusCode).toBe(400);
    expect(rows.json().errors).toEqual([
      expect.objectContaining({ path: 'rows/1/idNumber', code: 'id_number.checksum' }),
    ]);
    const after = await Promise.all(
      ['tracing_visits', 'tracing_trips', 'tracing_manifest_rows'].map((x) => countRows(t, x)),
    );
    expect(after).toEqual(before);
  });

  it('answers the public 同程 query for published trips only, with no personal data', async () => {
    const query = `${api}/co-travel?date=${shanghaiToday()}&number=cz3456`;
    expect((await t.app.inject({ method: 'GET', url: query })).json()).toEqual({ found: false, trips: [] });
    const inv = (await as(t.app, cdc, { method: 'GET', url: `${api}/cases/${caseId}/investigation` })).json();
    const published = await as(t.app, cdc, {
      method: 'PUT',
      url: `${api}/cases/${caseId}/trips/${inv.trips[0].id}/published`,
      payload: { published: true },
    });
    expect(published.statusCode, published.body).toBe(200);
    const answer = await t.app.inject({ method: 'GET', url: query });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({
      found: true,
      trips: [{ mode: 'flight', number: 'CZ3456', fromStation: '武汉', toStation: '广州', carriage: null }],
    });
    expect(answer.body).not.toMatch(/20C|病|甲|\d{17}/);
    const other = await t.app.inject({ method: 'GET', url: `${api}/co-travel?date=${shanghaiToday()}&number=CZ3457` });
    expect(other.json().found).toBe(false);
    // Full-width characters, as phone keyboards type them, find the same trip; a day to come is refused.
    const wide = await t.app.inject({
      method: 'GET',
      url: `${api}/co-travel?date=${shanghaiToday()}&number=${encodeURIComponent('ｃｚ３４５６')}`,
    });
    expect(wide.json().found).toBe(true);
    const tomorrow = new Date(Date.now() + 32 * H).toISOString().slice(0, 10);
    const future = await t.app.inject({ method: 'GET', url: `${api}/co-travel?date=${tomorrow}&number=CZ3456` });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors).toEqual([expect.objectContaining({ path: 'date', code: 'trip.date_range' })]);
  });
});

describe("a case's own train trips", () => {
  it('count the passengers of its carriage, or of the whole train when the carriage is not known', async () => {
    const rider = person('列车甲', WUCHANG);
    await register(rider);
    const id = await reportCase({ idNumber: rider.idNumber }, 'confirmed', ['fever']);
    const day = shanghaiToday();
    const g = { mode: 'train', number: 'G5678', date: day };
    const d = { mode: 'train', number: 'D9999', date: day };
    const manifest = await as(t.app, cdc, {
      method: 'POST',
      url: `${api}/manifest-rows`,
      payload: {
        rows: [
          { ...g, carriage: 2, seat: '3A', name: rider.name, idNumber: rider.idNumber },
          { ...g, carriage: 2, seat: '4B', name: '车厢同排', idNumber: makeIdNumber('110101', '19700101', 560) },
          { ...g, carriage: 3, seat: '3A', name: '隔壁车厢', idNumber: makeIdNumber('110101', '19700101', 561) },
          { ...d, carriage: 7, seat: '20C', name: '全车乘客', idNumber: makeIdNumber('110101', '19700101', 562) },
        ],
      },
    });
    expect(manifest.statusCode, manifest.body).toBe(201);
    for (const trip of [
      { ...g, carriage: 2, seat: '3A', fromStation: '武汉', toStation: '北京' },
      { ...d, fromStation: '武汉', toStation: '长沙' },
    ]) {
      const added = await as(t.app, cdc, { method: 'POST', url: `${api}/cases/${id}/trips`, payload: trip });
      expect(added.statusCode, added.body).toBe(201);
    }
    const byName = new Map((await contactsOf(id)).map((c) => [c.name, c]));
    expect(byName.get('车**排')).toMatchObject({
      level: 'close',
      rank: 'high',
      exposures: [expect.objectContaining({ kind: 'train', seatDistance: 1 })],
    });
    expect(byName.has('隔**厢')).toBe(false);
    // Without the case's carriage the whole train is listed, at low risk, for the investigator to narrow.
    expect(byName.get('全**客')).toMatchObject({ level: 'close', rank: 'low', exposures: [{ kind: 'train' }] });
  });
});

import { inflateSync } from 'node:zlib';
import { decode as base45Decode } from '@digitalbazaar/base45';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLOUR_CHANGED, type ColourChanged } from '../../src/modules/health-code/index.ts';
import { systemActor } from '../../src/platform/auth/actor.ts';
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
let grid: Signed;
let admin: Signed;
let venue: Signed;
const person = {
  name: '欧阳明华',
  idNumber: makeIdNumber(JIANGAN, '19550607', 231),
  phone: uniquePhone(),
  regionCode: '',
};
let residentId: string;
let resident: Signed;

const declaration = (extra: Record<string, unknown> = {}) => ({
  symptoms: [],
  visited: [],
  riskAreaVisit: 'none',
  contactWithCase: false,
  consent: true,
  ...extra,
});

beforeAll(async () => {
  t = await buildTestApp({
    residents: 50,
    build: {
      beforeStart: ({ events }) => events.on<ColourChanged>(COLOUR_CHANGED, 'test.colour', async () => {}),
    },
    config: {
      healthCode: {
        lifetimeSeconds: 300,
        refreshSeconds: 60,
        maxProxies: 1,
        checkInRetentionDays: 28,
        declarationRetentionDays: 28,
      },
    },
  });
  [grid, admin, venue] = await Promise.all([
    signInStaff(t.app, 'grid'),
    signInStaff(t.app, 'admin'),
    signInStaff(t.app, 'venue'),
  ]);
  person.regionCode = t.grids[0]!;
  const reg = await as(t.app, grid, { method: 'POST', url: '/api/v1/identity/residents', payload: person });
  expect(reg.statusCode, reg.body).toBe(201);
  residentId = reg.json().id;
  resident = await signInResident(t.app, person.phone);
});
afterAll(() => t?.close());

async function code(who: Signed = resident) {
  const res = await as(t.app, who, { method: 'GET', url: '/api/v1/health-code/code' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function verify(text: string) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/credentials/verify', payload: { text } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('declarations and codes', () => {
  it('asks for a declaration before the first code', async () => {
    const res = await as(t.app, resident, { method: 'GET', url: '/api/v1/health-code/code' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('health_code.declaration_required');
  });

  it('refuses a declaration without consent or with an impossible temperature, writing nothing', async () => {
    const before = await countRows(t, 'health_declarations');
    const noConsent = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/health-code/declarations',
      payload: declaration({ consent: false }),
    });
    expect(noConsent.statusCode).toBe(400);
    const hot = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/health-code/declarations',
      headers: { 'accept-language': 'en' },
      payload: declaration({ temperature: 48, visited: [{ regionCode: WUCHANG, date: '2020-01-01' }] }),
    });
    expect(hot.statusCode).toBe(400);
    expect(hot.headers['content-type']).toContain('application/problem+json');
    expect(
      hot
        .json()
        .errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`)
        .sort(),
    ).toEqual(['temperature health_code.temperature_range', 'visited/0/date health_code.date_range']);
    expect(await countRows(t, 'health_declarations')).toBe(before);
  });

  it('gives a green code after a healthy declaration; the QR holds no ID number, phone or name', async () => {
    const res = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/health-code/declarations',
      payload: declaration(),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().colour).toBe('green');
    const c = await code();
    expect(c.text).toMatch(/^ZT1:/);
    expect(c.refreshAfterSeconds).toBe(60);
    expect(Date.parse(c.expiresAt) - Date.parse(c.issuedAt)).toBe(300_000);
    expect(c.explanation.reason['zh-CN']).toBeTruthy();
    const v = await verify(c.text);
    expect(v.result).toBe('valid');
    expect(v.claims.iss).toBe('420100');
    expect(v.claims.zt).toMatchObject({ t: 'hc', c: 'green', n: '欧*' });
    // Everything the QR carries, decoded: none of the person's identifiers.
    const raw = Buffer.from(inflateSync(base45Decode(c.text.slice(4)))).toString('latin1');
    const utf8 = Buffer.from(inflateSync(base45Decode(c.text.slice(4)))).toString('utf8');
    for (const secret of [person.idNumber, person.phone, person.name, person.idNumber.slice(6, 14)]) {
      expect(raw).not.toContain(secret);
      expect(utf8).not.toContain(secret);
    }
    expect(v.claims.sub).not.toBe(residentId);
  });

  it('turns yellow with a reason and a date to turn green after declaring a fever', async () => {
    const res = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/health-code/declarations',
      payload: declaration({ temperature: 38.2, symptoms: ['fever', 'cough'] }),
    });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s.colour).toBe('yellow');
    expect(s.explanation.ruleId).toBeTruthy();
    expect(Date.parse(s.explanation.greenAt)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const c = await code();
    expect((await verify(c.text)).claims.zt).toMatchObject({ c: 'yellow', r: s.explanation.ruleId });
    const mine = await as(t.app, resident, { method: 'GET', url: '/api/v1/health-code/declarations' });
    expect(mine.json().items[0]).toMatchObject({ temperature: 38.2, symptoms: ['fever', 'cough'], declaredBy: 'self' });
  });

  it('turns red at once when case reporting confirms the person, and publishes the change', async () => {
    const e = await t.zt.services.healthCode.setFacts(
      residentId,
      { caseStatus: 'confirmed', caseSince: new Date().toISOString() },
      systemActor('case-report'),
    );
    expect(e.colour).toBe('red');
    expect(e.greenAt).toBeNull();
    const s = await as(t.app, resident, { method: 'GET', url: '/api/v1/health-code/status' });
    expect(s.json().colour).toBe('red');
    const stored = await sql<{
      colour: string;
    }>`select colour from health_subjects where resident_id = ${residentId}`.execute(t.zt.platform.database.db);
    expect(stored.rows[0]!.colour).toBe('red');
    const events = await sql<{
      n: number;
    }>`select count(*)::int as n from jobs.job where data::text like ${'%' + residentId + '%'}`.execute(
      t.zt.platform.database.db,
    );
    expect(events.rows[0]!.n).toBeGreaterThan(0);
    await t.zt.services.healthCode.setFacts(residentId, { caseStatus: 'recovered' }, systemActor('case-report'));
  });
});

describe('automatic return to green', () => {
  it('turns a colour green when its observation period has ended, with the change published', async () => {
    const other = {
      name: '钱进',
      idNumber: makeIdNumber(WUCHANG, '19800808', 345),
      phone: uniquePhone(),
      regionCode: '',
    };
    other.regionCode = t.grids[0]!;
    const reg = await as(t.app, grid, { method: 'POST', url: '/api/v1/identity/residents', payload: other });
    const id = reg.json().id;
    const e = await t.zt.services.healthCode.setFacts(
      id,
      { contact: 'secondary', contactSince: new Date(Date.now() - 6 * 86_400_000).toISOString() },
      systemActor('contact-tracing'),
    );
    expect(e.colour).toBe('yellow');
    // A day later the 7-day observation of a secondary contact is over.
    const returned = await t.zt.services.healthCode.returnDueToGreen(new Date(Date.now() + 86_400_000 + 60_000));
    expect(returned).toBeGreaterThanOrEqual(1);
    const row = await sql<{
      colour: string;
      green_at: Date | null;
    }>`select colour, green_at from health_subjects where resident_id = ${id}`.execute(t.zt.platform.database.db);
    expect(row.rows[0]).toEqual({ colour: 'green', green_at: null });
    const events = await sql<{
      data: ColourChanged;
    }>`select data from jobs.job where name = ${'test.colour.on.' + COLOUR_CHANGED}`.execute(t.zt.platform.database.db);
    expect(events.rows.map((r) => r.data)).toContainEqual(
      expect.objectContaining({ residentId: id, colour: 'green', previous: 'yellow' }),
    );
  });
});

describe('ID-card mode (人证码)', () => {
  it('answers the colour only and audits every lookup', async () => {
    const res = await as(t.app, venue, {
      method: 'POST',
      url: '/api/v1/health-code/id-card-lookups',
      payload: { idNumber: person.idNumber, purpose: '地铁站入口' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ found: true, colour: 'yellow' });
    expect(res.body).not.toContain(person.name.slice(0, 1));
    const audit = await sql<{
      purpose: string;
    }>`select purpose from audit_events where action = 'lookup' and subject_id = ${residentId}`.execute(
      t.zt.platform.database.db,
    );
    expect(audit.rows.map((r) => r.purpose)).toContain('id-card-check: 地铁站入口');
    const bad = await as(t.app, venue, {
      method: 'POST',
      url: '/api/v1/health-code/id-card-lookups',
      payload: { idNumber: '420102199001011230', purpose: '测试' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].code).toBe('id_number.checksum');
    const resident403 = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/health-code/id-card-lookups',
      payload: { idNumber: person.idNumber, purpose: '测试' },
    });
    expect(resident403.statusCode).toBe(403);
  });
});

describe('rule sets', () => {
  it('previews a draft on sample people, publishes it, and the person sees the new rule and version', async () => {
    const draft = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/health-code/rule-sets',
      payload: { regionCode: '4201', note: '咳嗽亦为黄码' },
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const body = draft.json().body;
    // The fever rules are dropped: in this region a declared symptom within 3 days is red.
    body.rules = [
      {
        id: 'symptom-red',
        colour: 'red',
        when: [{ fact: 'symptoms', op: 'eq', value: true, withinDays: 3 }],
        reason: { 'zh-CN': '近 3 天申报有症状', en: 'Symptoms declared in the last 3 days' },
        advice: { 'zh-CN': '请到发热门诊就诊', en: 'Go to a fever clinic' },
      },
      ...body.rules,
    ];
    const preview = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/health-code/rule-sets/preview',
      payload: { regionCode: '4201', body },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(
      preview
        .json()
        .items.some(
          (i: { current: { colour: string }; draft: { colour: string } }) => i.current.colour !== i.draft.colour,
        ),
    ).toBe(true);
    const put = await as(t.app, admin, {
      method: 'PUT',
      url: `/api/v1/health-code/rule-sets/${draft.json().id}`,
      payload: { body },
    });
    expect(put.statusCode, put.body).toBe(200);
    const pub = await as(t.app, admin, {
      method: 'POST',
      url: `/api/v1/health-code/rule-sets/${draft.json().id}/publish`,
    });
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json().status).toBe('published');
    const s = (await as(t.app, resident, { method: 'GET', url: '/api/v1/health-code/status' })).json();
    expect(s.colour).toBe('red');
    expect(s.explanation.ruleId).toBe('symptom-red');
    expect(s.ruleSet.version).toBe(pub.json().version);
    const again = await as(t.app, admin, {
      method: 'PUT',
      url: `/api/v1/health-code/rule-sets/${draft.json().id}`,
      payload: { body },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('rules.not_draft');
    const recomputed = await t.zt.services.healthCode.recompute('4201');
    expect(recomputed.processed).toBeGreaterThan(0);
  });

  it('refuses a rule set with duplicate ids, naming the field', async () => {
    const list = (await as(t.app, admin, { method: 'GET', url: '/api/v1/health-code/rule-sets' })).json();
    const body = list.items.find((r: { status: string }) => r.status === 'built-in').body;
    body.rules.push(body.rules[0]);
    const res = await as(t.app, admin, {
      method: 'POST',
      url: '/api/v1/health-code/rule-sets',
      payload: { regionCode: '4201', body },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { code: string }) => e.code)).toContain('rules.duplicate_id');
    const venueTry = await as(t.app, venue, { method: 'GET', url: '/api/v1/health-code/rule-sets' });
    expect(venueTry.statusCode).toBe(403);
  });
});

describe('places and check-ins', () => {
  let place: { id: string; code: string };

  it('registers a place, and a resident scanning its code is checked in and sees a pass', async () => {
    const res = await as(t.app, venue, {
      method: 'POST',
      url: '/api/v1/check-in/places',
      payload: { name: '中南路超市', address: '武昌区中南路 1 号', regionCode: WUCHANG, kind: 'shop' },
    });
    expect(res.statusCode, res.body).toBe(201);
    place = res.json();
    expect(place.code).toMatch(/^[0-9A-Z]{10}$/);
    const pub = await t.app.inject({ method: 'GET', url: `/api/v1/check-in/place-codes/${place.code}` });
    expect(pub.json()).toMatchObject({ name: '中南路超市' });
    const outside = await as(t.app, venue, {
      method: 'POST',
      url: '/api/v1/check-in/places',
      payload: { name: '江岸某店', address: '江岸区', regionCode: JIANGAN, kind: 'shop' },
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().code).toBe('region.outside_jurisdiction');

    const ci = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/check-in/check-ins',
      payload: { placeCode: place.code.toLowerCase() },
    });
    expect(ci.statusCode, ci.body).toBe(201);
    expect(ci.json()).toMatchObject({
      maskedName: '欧**华',
      checkIn: { place: { name: '中南路超市' }, method: 'place-scan' },
    });
    const mine = await as(t.app, resident, { method: 'GET', url: '/api/v1/check-in/check-ins' });
    expect(mine.json().items[0].place.name).toBe('中南路超市');
    const unknown = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/check-in/check-ins',
      payload: { placeCode: '0000000000' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('place.not_found');
  });

  it('lets a shopkeeper sign their own place up from the resident app, a few at most', async () => {
    const shop = { name: '街角小卖部', address: '江岸区胜利街 12 号', regionCode: JIANGAN, kind: 'shop' };
    const created = await as(t.app, resident, { method: 'POST', url: '/api/v1/check-in/my-places', payload: shop });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: '街角小卖部', region: { code: JIANGAN }, active: true });
    const mine = await as(t.app, resident, { method: 'GET', url: '/api/v1/check-in/my-places' });
    expect(mine.json().items.map((p: { code: string }) => p.code)).toEqual([created.json().code]);
    for (let i = 0; i < 4; i++)
      await as(t.app, resident, {
        method: 'POST',
        url: '/api/v1/check-in/my-places',
        payload: { ...shop, name: `分店${i}` },
      });
    const sixth = await as(t.app, resident, { method: 'POST', url: '/api/v1/check-in/my-places', payload: shop });
    expect(sixth.statusCode).toBe(409);
    expect(sixth.json().code).toBe('place.limit');
    const staffTry = await as(t.app, venue, { method: 'GET', url: '/api/v1/check-in/my-places' });
    expect(staffTry.statusCode).toBe(403);
  });

  it('verifies a scanned code at a checkpoint and records the check-in in the next batch', async () => {
    const c = await code();
    const res = await as(t.app, venue, {
      method: 'POST',
      url: '/api/v1/check-in/scans',
      payload: { text: c.text, placeId: place.id },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      result: 'valid',
      colour: c.colour,
      maskedName: '欧*',
      checkedIn: true,
      issuer: '420100',
    });
    await t.zt.services.checkIn.flush();
    const mine = await as(t.app, resident, { method: 'GET', url: '/api/v1/check-in/check-ins' });
    expect(mine.json().items[0]).toMatchObject({ method: 'verifier', place: { name: '中南路超市' } });
    const listed = await as(t.app, venue, { method: 'GET', url: '/api/v1/check-in/places' });
    expect(listed.json().items.find((p: { id: string }) => p.id === place.id).checkInsToday).toBe(2);
  });

  it('rejects a tampered code and records nothing', async () => {
    const c = await code();
    const before = await countRows(t, 'check_ins');
    const chars = [...c.text];
    // Mid-text, inside the compressed COSE body.
    const i = Math.floor(chars.length / 2);
    chars[i] = chars[i] === 'A' ? 'B' : 'A';
    const res = await as(t.app, venue, {
      method: 'POST',
      url: '/api/v1/check-in/scans',
      payload: { text: chars.join('') },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().checkedIn).toBe(false);
    expect(res.json().result).not.toBe('valid');
    const wrong = await as(t.app, venue, { method: 'POST', url: '/api/v1/check-in/scans', payload: { text: 'HELLO' } });
    expect(wrong.json()).toMatchObject({ result: 'malformed', stage: 'prefix', checkedIn: false });
    await t.zt.services.checkIn.flush();
    expect(await countRows(t, 'check_ins')).toBe(before);
  });

  it('purges check-ins past retention and logs the run', async () => {
    await sql`update check_ins set at = now() - interval '30 days' where place_id = ${place.id}`.execute(
      t.zt.platform.database.db,
    );
    const purged = await t.zt.platform.retention.run('check-in.purge-check-ins', (now) =>
      t.zt.services.checkIn.purgeCheckIns(now),
    );
    expect(purged.rows).toBe(2);
    const mine = await as(t.app, resident, { method: 'GET', url: '/api/v1/check-in/check-ins' });
    expect(mine.json().items).toEqual([]);
    const runs = await as(t.app, admin, { method: 'GET', url: '/api/v1/retention/purge-runs' });
    expect(runs.statusCode).toBe(200);
    expect(runs.json().items[0]).toMatchObject({ job: 'check-in.purge-check-ins', rows: 2 });
    const notAllowed = await as(t.app, venue, { method: 'GET', url: '/api/v1/retention/purge-runs' });
    expect(notAllowed.statusCode).toBe(403);
  });
});

describe('代申报: proxies and printed cards', () => {
  const elder = {
    name: '王秀英',
    idNumber: makeIdNumber(JIANGAN, '19380211', 682),
    phone: uniquePhone(),
    regionCode: '',
  };
  let elderId: string;

  beforeAll(async () => {
    elder.regionCode = t.grids[0]!;
    const reg = await as(t.app, grid, { method: 'POST', url: '/api/v1/identity/residents', payload: elder });
    elderId = reg.json().id;
  });

  it('a family member holds an elder’s code once ID number and name match, up to the limit', async () => {
    const wrong = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/health-code/proxies',
      payload: { idNumber: elder.idNumber, name: '王秀兰', relation: 'parent' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('health_code.proxy_no_match');
    const added = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/health-code/proxies',
      payload: { idNumber: elder.idNumber, name: elder.name, relation: 'parent' },
    });
    expect(added.statusCode, added.body).toBe(200);
    const [held] = added.json().items;
    expect(held).toMatchObject({ maskedName: '王*英', relation: 'parent', colour: null });
    expect(added.body).not.toContain(elder.idNumber);

    const declared = await as(t.app, resident, {
      method: 'POST',
      url: `/api/v1/health-code/proxies/${held.id}/declarations`,
      payload: declaration(),
    });
    expect(declared.statusCode, declared.body).toBe(200);
    const c = await as(t.app, resident, { method: 'GET', url: `/api/v1/health-code/proxies/${held.id}/code` });
    expect((await verify(c.json().text)).claims.zt).toMatchObject({ t: 'hc', c: 'green', n: '王*' });

    const self = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/health-code/proxies',
      payload: { idNumber: person.idNumber, name: person.name, relation: 'other' },
    });
    expect(self.json().code).toBe('health_code.proxy_self');
    const child = {
      name: '李小宝',
      idNumber: makeIdNumber(JIANGAN, '20190506', 113),
      phone: uniquePhone(),
      regionCode: elder.regionCode,
    };
    expect(
      (await as(t.app, grid, { method: 'POST', url: '/api/v1/identity/residents', payload: child })).statusCode,
    ).toBe(201);
    const second = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/health-code/proxies',
      payload: { idNumber: child.idNumber, name: child.name, relation: 'child' },
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('health_code.proxy_limit');
    const audit = await sql<{
      n: number;
    }>`select count(*)::int as n from audit_events where purpose = 'proxy-declaration' and subject_id = ${elderId}`.execute(
      t.zt.platform.database.db,
    );
    expect(audit.rows[0]!.n).toBe(1);
  });

  it('a grid worker prints a week-long card; online checkpoints read the colour as it is now', async () => {
    const card = await as(t.app, grid, { method: 'POST', url: `/api/v1/health-code/residents/${elderId}/card` });
    expect(card.statusCode, card.body).toBe(200);
    expect(Date.parse(card.json().expiresAt) - Date.parse(card.json().issuedAt)).toBe(7 * 86_400_000);
    expect(card.json().colour).toBe('green');
    await t.zt.services.healthCode.setFacts(
      elderId,
      { contact: 'close', contactSince: new Date().toISOString(), quarantine: 'home' },
      systemActor('contact-tracing'),
    );
    const scan = await as(t.app, venue, {
      method: 'POST',
      url: '/api/v1/check-in/scans',
      payload: { text: card.json().text },
    });
    expect(scan.json()).toMatchObject({ result: 'valid', colour: 'red', checkedIn: true });
    const outside = await as(t.app, await signInStaff(t.app, 'officer'), {
      method: 'POST',
      url: `/api/v1/health-code/residents/${elderId}/card`,
    });
    expect(outside.statusCode).toBe(403);
  });
});

describe('申诉 appeals and manual colours', () => {
  it('needs a legal basis and a second official, shows the person why, and is counted', async () => {
    const cdc = await signInStaff(t.app, 'cdc');
    const before = (await as(t.app, resident, { method: 'GET', url: '/api/v1/health-code/status' })).json();
    const filed = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/health-code/appeals',
      payload: { statement: '我已于三天前退烧，复查正常' },
    });
    expect(filed.statusCode, filed.body).toBe(200);
    expect(filed.json().items[0]).toMatchObject({ status: 'open', colour: before.colour });
    const again = await as(t.app, resident, {
      method: 'POST',
      url: '/api/v1/health-code/appeals',
      payload: { statement: '再次申诉一下' },
    });
    expect(again.json().code).toBe('health_code.appeal_open');

    const queue = await as(t.app, cdc, { method: 'GET', url: '/api/v1/health-code/appeal-queue?status=open' });
    const appeal = queue.json().items.find((a: { residentId: string }) => a.residentId === residentId);
    expect(appeal).toMatchObject({ statement: '我已于三天前退烧，复查正常', maskedName: '欧**华' });
    const decided = await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/health-code/appeals/${appeal.id}/decision`,
      payload: { decision: 'upheld', note: '复查结果正常，予以转绿' },
    });
    expect(decided.json().status).toBe('upheld');

    const asked = await as(t.app, cdc, {
      method: 'POST',
      url: '/api/v1/health-code/overrides',
      payload: {
        residentId,
        colour: 'green',
        legalBasis: '《传染病防治法》第三十九条',
        reason: '申诉成立，复查正常',
        endsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        appealId: appeal.id,
      },
    });
    expect(asked.statusCode, asked.body).toBe(201);
    // Nothing changes until a second official approves.
    expect((await as(t.app, resident, { method: 'GET', url: '/api/v1/health-code/status' })).json().colour).toBe(
      before.colour,
    );
    const self = await as(t.app, cdc, {
      method: 'POST',
      url: `/api/v1/health-code/overrides/${asked.json().id}/approve`,
    });
    expect(self.statusCode).toBe(403);
    expect(self.json().code).toBe('health_code.override_same_official');
    const approved = await as(t.app, admin, {
      method: 'POST',
      url: `/api/v1/health-code/overrides/${asked.json().id}/approve`,
    });
    expect(approved.json()).toMatchObject({ status: 'active', requestedBy: 'cdc', approvedBy: 'admin' });

    const now = (await as(t.app, resident, { method: 'GET', url: '/api/v1/health-code/status' })).json();
    expect(now.colour).toBe('green');
    expect(now.explanation.ruleId).toBe('override');
    expect(now.explanation.reason['zh-CN']).toContain('《传染病防治法》第三十九条');
    expect((await verify((await code()).text)).claims.zt).toMatchObject({ c: 'green', r: 'override' });

    const report = await as(t.app, admin, {
      method: 'GET',
      url: `/api/v1/health-code/override-report?from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`,
    });
    expect(report.json().items).toContainEqual(
      expect.objectContaining({ requestedBy: 'cdc', approvedBy: 'admin', colour: 'green', status: 'active', count: 1 }),
    );
    // Past its end date an override no longer sets the colour and is listed as ended.
    await sql`update health_overrides set ends_at = now() - interval '1 second' where id = ${asked.json().id}`.execute(
      t.zt.platform.database.db,
    );
    await sql`update health_subjects set override_until = now() - interval '1 second' where resident_id = ${residentId}`.execute(
      t.zt.platform.database.db,
    );
    expect((await as(t.app, resident, { method: 'GET', url: '/api/v1/health-code/status' })).json().colour).toBe(
      before.colour,
    );
    const listed = await as(t.app, cdc, { method: 'GET', url: '/api/v1/health-code/overrides' });
    expect(listed.json().items.find((o: { id: string }) => o.id === asked.json().id).status).toBe('ended');
    const ended = await as(t.app, cdc, { method: 'POST', url: `/api/v1/health-code/overrides/${asked.json().id}/end` });
    expect(ended.json().status).toBe('ended');
    expect((await as(t.app, resident, { method: 'GET', url: '/api/v1/health-code/status' })).json().colour).toBe(
      before.colour,
    );
    const venueTry = await as(t.app, venue, { method: 'GET', url: '/api/v1/health-code/overrides' });
    expect(venueTry.statusCode).toBe(403);
  });
});

describe('data rights', () => {
  it('shows what is held and who read it, exports it, and erases declarations and check-ins', async () => {
    const summary = await as(t.app, resident, { method: 'GET', url: '/api/v1/data-rights/summary' });
    expect(summary.statusCode, summary.body).toBe(200);
    const s = summary.json();
    expect(s.counts.declarations).toBeGreaterThan(0);
    expect(
      s.accessLog.some(
        (a: { purpose: string; actor: string }) => a.purpose === 'id-card-check: 地铁站入口' && a.actor === 'venue',
      ),
    ).toBe(true);
    expectNoFullIdentifiers(summary.body);

    const exported = await as(t.app, resident, { method: 'GET', url: '/api/v1/data-rights/export' });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-disposition']).toContain('attachment');
    expect(exported.json().declarations.length).toBe(s.counts.declarations);

    const withdrawn = await as(t.app, resident, { method: 'POST', url: '/api/v1/data-rights/consent-withdrawal' });
    expect(withdrawn.json().declarations).toBe(s.counts.declarations);
    expect(await countRows(t, 'health_declarations')).toBeGreaterThan(0); // the elder's, declared by proxy, stay

    const erased = await as(t.app, resident, { method: 'POST', url: '/api/v1/data-rights/erasure' });
    expect(erased.statusCode, erased.body).toBe(200);
    // The case status set by a health authority keeps the code record.
    expect(erased.json()).toMatchObject({ declarations: 0, codeRecord: 'kept' });
    const mine = await as(t.app, resident, { method: 'GET', url: '/api/v1/check-in/check-ins' });
    expect(mine.json().items).toEqual([]);
  });
});

function expectNoFullIdentifiers(body: string) {
  expect(body).not.toContain(person.idNumber);
  expect(body).not.toContain(person.phone);
  expect(body).not.toContain(person.name);
}

describe('retention', () => {
  it('purges declarations past their retention period and logs the run', async () => {
    const before = await countRows(t, 'health_declarations');
    expect(before).toBeGreaterThan(0); // the elder's, declared by proxy
    const purged = await t.zt.platform.retention.run('health-code.purge-declarations', (now) =>
      t.zt.services.healthCode.purgeDeclarations(new Date(now.getTime() + 29 * 86_400_000)),
    );
    expect(purged.rows).toBe(before);
    expect(await countRows(t, 'health_declarations')).toBe(0);
  });
});

import { Faker, base, en, zh_CN } from '@faker-js/faker';
import { permissionsOf } from '@zhengtong/contracts';
import type { Actor } from '../platform/auth/actor.ts';
import { shanghaiDate } from '../platform/time.ts';
import type { Zhengtong } from '../app.ts';
import { DEMO_RESIDENT_PHONE } from './demo-city.ts';

const DAY_MS = 86_400_000;
const RELATIONS = ['配偶', '子女', '父母', '同住亲属'];

/**
 * A small synthetic outbreak for the demo city, made through the modules' own services: a few clusters
 * of linked cases reported over two weeks, their households, and two trips in the co-traveller query.
 * The people are invented (names only, no ID numbers), so nobody's health code changes, except two
 * residents of the grid worker's grid (`grid`) who live with the last case of the largest cluster: they
 * become close contacts, so that grid's follow-up task list is not empty.
 */
export async function ensureDemoOutbreak(
  zt: Zhengtong,
  options: { seed?: number; grid?: string; log?: (m: string) => void } = {},
) {
  const { caseReport, contactTracing } = zt.services;
  const cdc: Actor = {
    kind: 'staff',
    id: 'demo-outbreak',
    label: 'demo',
    roles: ['cdc'],
    permissions: permissionsOf(['cdc']),
    jurisdiction: '4201',
    residentId: null,
  };
  if ((await caseReport.caseRefsWithin('4201', 1)).length) return;
  const faker = new Faker({ locale: [zh_CN, en, base], seed: options.seed ?? 2020 });
  const districts = ['420102', '420103', '420104', '420105', '420106', '420111'];
  const clusters = [9, 6, 4, 3, 2, 1, 1];
  const now = Date.now();
  let cases = 0;
  let lastOfLargest: string | undefined;
  for (const [c, size] of clusters.entries()) {
    const start = now - (14 - c) * DAY_MS;
    const ids: string[] = [];
    for (let i = 0; i < size; i++) {
      const diagnosed = new Date(Math.min(now - 3_600_000, start + i * 1.3 * DAY_MS));
      const reported = await caseReport.report(
        { ...cdc, jurisdiction: districts[c % districts.length]! },
        {
          name: faker.person.lastName() + faker.person.firstName(),
          onsetDate: shanghaiDate(new Date(diagnosed.getTime() - 2 * DAY_MS)),
          diagnosedAt: diagnosed.toISOString(),
          classification: i % 5 === 4 ? 'asymptomatic' : 'confirmed',
          symptoms: i % 5 === 4 ? [] : ['fever', 'cough'],
        },
      );
      ids.push(reported.id);
      if (c === 0) lastOfLargest = reported.id;
      cases++;
      await caseReport.setSource(
        cdc,
        reported.id,
        i === 0 && c === 1 ? 'imported' : 'local',
        i === 0 && c === 1 ? '广东省' : undefined,
      );
      // Each case infected by an earlier one of its cluster: a chain with a few branches.
      if (i > 0)
        await contactTracing.link(cdc, reported.id, {
          otherCaseId: ids[Math.floor((i - 1) / 2)]!,
          direction: 'source',
          kind: i % 3 === 0 ? 'household' : 'contact',
        });
      for (let h = 0; h < 1 + (i % 3); h++)
        await contactTracing.addHouseholdMember(cdc, reported.id, {
          name: faker.person.lastName() + faker.person.firstName(),
          relation: RELATIONS[h % RELATIONS.length]!,
        });
    }
    if (c < 2) {
      const investigation = await contactTracing.addTrip(cdc, ids[0]!, {
        mode: c === 0 ? 'train' : 'flight',
        number: c === 0 ? 'G1234' : 'CZ3456',
        date: shanghaiDate(new Date(now - 3 * DAY_MS)),
        ...(c === 0 ? { carriage: 5, seat: '08F' } : { seat: '20C' }),
        fromStation: c === 0 ? '武汉' : '广州',
        toStation: c === 0 ? '北京西' : '武汉',
      });
      await contactTracing.publishTrip(cdc, ids[0]!, investigation.trips[0]!.id, true);
    }
  }
  if (options.grid) await householdInGrid(zt, cdc, options.grid, lastOfLargest!);
  options.log?.(`demo outbreak: ${cases} cases in ${clusters.length} clusters`);
}

/** Two residents of the grid (never the demo resident, whose code stays green) added to a case's household. */
async function householdInGrid(zt: Zhengtong, cdc: Actor, grid: string, caseId: string) {
  const { identity, contactTracing } = zt.services;
  const reader: Actor = { ...cdc, permissions: ['residents.read'], jurisdiction: grid };
  const { items } = await identity.listResidents(reader, { limit: 3 });
  const people = await identity.plainPeople(items.map((r) => r.id));
  const members = [...people.values()].filter((p) => p.phone !== DEMO_RESIDENT_PHONE).slice(0, 2);
  for (const [i, p] of members.entries())
    await contactTracing.addHouseholdMember(cdc, caseId, {
      idNumber: p.idNumber,
      name: p.name,
      relation: RELATIONS[i % RELATIONS.length]!,
    });
}

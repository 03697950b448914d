import { Faker, zh_CN, en, base } from '@faker-js/faker';
import type { Role } from '@zhengtong/contracts';
import { idNumberCheckChar } from '../platform/vault/index.ts';
import type { Zhengtong } from '../app.ts';

/** Wuhan (武汉市): real districts and streets from GB/T 2260, synthetic communities, grids and people. */
export const DEMO_CITY = '4201';
export const DEMO_PASSWORD = 'Demo-2026-zt';
export const DEMO_RESIDENT_PHONE = '13800138000';

const COMMUNITIES_PER_STREET = 3;
const GRIDS_PER_COMMUNITY = 2;

export interface DemoAccount {
  username: string;
  role: Exclude<Role, 'resident'>;
  displayName: string;
  jurisdiction: string;
}

export interface DemoOptions {
  residents: number;
  seed?: number;
  log?: (message: string) => void;
}

/** Seeds the demo city once; a second start finds it and only reports the accounts. */
export async function ensureDemoCity(zt: Zhengtong, options: DemoOptions) {
  const { regions, identity } = zt.services;
  const log = options.log ?? (() => {});
  const faker = new Faker({ locale: [zh_CN, en, base], seed: options.seed ?? 2020 });

  const districts = (await regions.list({ parent: DEMO_CITY, limit: 200 })).items;
  const grids: string[] = [];
  const units: Parameters<typeof regions.addLocalUnits>[0] = [];
  for (const district of districts) {
    const streets = (await regions.list({ parent: district.code, limit: 200 })).items;
    for (const street of streets) {
      for (let c = 1; c <= COMMUNITIES_PER_STREET; c++) {
        const community = `${street.code}${String(c).padStart(3, '0')}`;
        units.push({
          code: community,
          name: `${street.name.replace(/(街道|镇|乡)$/, '')}第${c}社区`,
          level: 'community',
          parentCode: street.code,
        });
        for (let g = 1; g <= GRIDS_PER_COMMUNITY; g++) {
          const grid = `${community}${String(g).padStart(3, '0')}`;
          units.push({ code: grid, name: `第${g}网格`, level: 'grid', parentCode: community });
          grids.push(grid);
        }
      }
    }
  }
  await regions.addLocalUnits(units);

  const wuchang = districts.find((d) => d.name === '武昌区')?.code ?? districts[0]!.code;
  const jiangan = districts.find((d) => d.name === '江岸区')?.code ?? districts[1]!.code;
  const accounts: DemoAccount[] = [
    { username: 'admin', role: 'admin', displayName: '系统管理员', jurisdiction: DEMO_CITY },
    { username: 'cdc', role: 'cdc', displayName: '市疾控中心', jurisdiction: DEMO_CITY },
    { username: 'medical', role: 'medical_staff', displayName: '武昌区医院医生', jurisdiction: wuchang },
    { username: 'grid', role: 'grid_worker', displayName: '网格员', jurisdiction: grids[0]! },
    { username: 'venue', role: 'venue_staff', displayName: '场所工作人员', jurisdiction: wuchang },
    { username: 'enterprise', role: 'enterprise', displayName: '企业联络员', jurisdiction: wuchang },
    { username: 'officer', role: 'department_officer', displayName: '江岸区部门专员', jurisdiction: jiangan },
    { username: 'leader', role: 'leader', displayName: '市领导', jurisdiction: DEMO_CITY },
    { username: 'steward', role: 'data_steward', displayName: '数据管理员', jurisdiction: DEMO_CITY },
  ];
  for (const a of accounts)
    await identity.seedStaff({
      username: a.username,
      displayName: a.displayName,
      password: DEMO_PASSWORD,
      roles: [a.role],
      jurisdictionCode: a.jurisdiction,
    });

  const existing = await identity.countResidents();
  if (existing < options.residents) {
    const started = Date.now();
    await seedResidents(zt, faker, grids, existing, options.residents, log);
    log(
      `demo city: ${options.residents - existing} synthetic residents in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  await zt.services.checkIn.seedPlaces([
    { name: '武昌火车站候车大厅', address: '武昌区中山路 1 号', regionCode: wuchang, kind: 'transport' },
    { name: '中南路中百超市', address: '武昌区中南路 9 号', regionCode: wuchang, kind: 'shop' },
    { name: '武汉大学人民医院发热门诊', address: '武昌区张之洞路 99 号', regionCode: wuchang, kind: 'hospital' },
  ]);
  return { accounts, residentPhone: DEMO_RESIDENT_PHONE, grids };
}

async function seedResidents(
  zt: Zhengtong,
  faker: Faker,
  grids: string[],
  from: number,
  to: number,
  log: (m: string) => void,
) {
  const seenIds = new Set<string>();
  const seenPhones = new Set<string>([DEMO_RESIDENT_PHONE]);
  const batch: ReturnType<typeof zt.services.identity.encryptResident>[] = [];
  const prefixes = ['135', '136', '137', '139', '150', '151', '158', '159', '186', '187', '188', '189', '177', '199'];
  // Draws are made for every index so resident N is the same person whether seeding starts at 0 or N.
  for (let i = 0; i < to; i++) {
    const grid = grids[i % grids.length]!;
    const drawn = faker.date.birthdate({ min: 1, max: 95, mode: 'age', refDate: '2026-01-01T00:00:00Z' });
    // The demo resident who signs in by phone is an adult.
    const birth = i === 0 ? new Date('1985-06-15T00:00:00Z') : drawn;
    const gender = faker.person.sexType();
    const name = faker.person.lastName() + faker.person.firstName(gender);
    let idNumber: string;
    do {
      const seq =
        faker.number.int({ min: 0, max: 99 }) * 10 +
        (gender === 'male' ? faker.helpers.arrayElement([1, 3, 5, 7, 9]) : faker.helpers.arrayElement([0, 2, 4, 6, 8]));
      const first17 = `${grid.slice(0, 6)}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
      idNumber = first17 + idNumberCheckChar(first17);
    } while (seenIds.has(idNumber));
    seenIds.add(idNumber);
    let phone = i === 0 ? DEMO_RESIDENT_PHONE : '';
    while (!phone || (i > 0 && seenPhones.has(phone)))
      phone = faker.helpers.arrayElement(prefixes) + faker.string.numeric(8);
    seenPhones.add(phone);
    if (i < from) continue;
    batch.push(zt.services.identity.encryptResident({ name, idNumber, phone, regionCode: grid, synthetic: true }));
    if (batch.length === 1000) {
      await zt.services.identity.insertResidentRows(batch.splice(0));
      if ((i + 1) % 100_000 === 0) log(`demo city: ${i + 1} residents`);
    }
  }
  if (batch.length) await zt.services.identity.insertResidentRows(batch);
}

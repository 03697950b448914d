import { Faker, base, en, zh_CN } from '@faker-js/faker';
import { permissionsOf, type ManifestRowInput } from '@zhengtong/contracts';
import type { Actor } from '../platform/auth/actor.ts';
import { shanghaiDate, startOfShanghaiDay } from '../platform/time.ts';
import { idNumberCheckChar } from '../platform/vault/index.ts';
import type { Zhengtong } from '../app.ts';
import { DEMO_CITY } from './demo-city.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Seats a row of a synthetic flight, rows of a flight, seats a carriage, carriages of a train. */
const FLIGHT_SEATS = ['A', 'B', 'C', 'D', 'E', 'F'];
const FLIGHT_ROWS = 30;
const CARRIAGE_SEATS = 90;
const CARRIAGES = 16;

export interface TracingLoadOptions {
  /** Check-ins the database should hold in all. */
  checkIns: number;
  /** Check-ins of one day: the load goes back in time day by day at this density. */
  checkInsPerDay: number;
  /** Registered places the check-ins spread over. */
  places: number;
  /** Passenger-manifest rows the database should hold in all. */
  manifestRows: number;
  seed?: number;
  log?: (message: string) => void;
}

/**
 * Synthetic load for the tracing benchmarks, through the modules' own services: every demo resident
 * gets a code, places, and check-ins of those residents spread over the day's open hours, yesterday
 * first and then further back; passenger manifests of trains and flights of the last days. Growing from N to M
 * adds only what is missing, so a benchmark can measure at 1, 2, 5 and 10 million in one database.
 */
export async function ensureTracingLoad(zt: Zhengtong, options: TracingLoadOptions) {
  const { checkIn, healthCode, identity, regions, contactTracing } = zt.services;
  const log = options.log ?? (() => {});
  const faker = new Faker({ locale: [zh_CN, en, base], seed: options.seed ?? 2020 });

  // Everyone who checks in needs a code.
  const pseudonyms: string[] = [];
  for (let after: string | null = null; ;) {
    const ids = await identity.residentIdsAfter(after, 5000);
    if (!ids.length) break;
    pseudonyms.push(...(await healthCode.ensureCodes(ids)).values());
    after = ids[ids.length - 1]!;
  }
  if (!pseudonyms.length) throw new Error('seed the demo city first: no residents to check in');

  let places = await checkIn.syntheticPlaces();
  if (places.length < options.places) {
    const streets = (await regions.list({ parent: DEMO_CITY, limit: 200 })).items;
    const wanted = options.places - places.length;
    const added = [];
    for (let i = 0; i < wanted; i++) {
      const district = streets[(places.length + i) % streets.length]!;
      added.push({
        name: `${faker.company.name()}${faker.helpers.arrayElement(['超市', '餐厅', '药店', '商场', '菜市场', '健身房'])}`,
        address: `${district.name}${faker.location.street()}${faker.number.int({ min: 1, max: 999 })}号`,
        regionCode: district.code,
        kind: 'shop',
      });
    }
    await checkIn.addPlaces(added);
    places = await checkIn.syntheticPlaces();
    log(`tracing load: ${places.length} places`);
  }

  // Whole days only, yesterday the most recent: no check-in lies in the future.
  const yesterday = startOfShanghaiDay(new Date()).getTime() - DAY_MS;
  const have = await checkIn.countCheckIns();
  for (let from = have; from < options.checkIns; from += 5000) {
    const rows = [];
    for (let i = from; i < Math.min(options.checkIns, from + 5000); i++) {
      // Check-in i falls on day ⌊i / perDay⌋ before yesterday, between 07:00 and 22:00 Beijing time.
      const day = yesterday - Math.floor(i / options.checkInsPerDay) * DAY_MS;
      const place = places[faker.number.int(places.length - 1)]!;
      rows.push({
        subject: pseudonyms[faker.number.int(pseudonyms.length - 1)]!,
        placeId: place.id,
        regionCode: place.region_code,
        at: new Date(day + 7 * HOUR_MS + faker.number.int(15 * HOUR_MS - 1)),
      });
    }
    await checkIn.addCheckIns(rows);
    if (Math.floor((from + 5000) / 500_000) > Math.floor(from / 500_000))
      log(`tracing load: ${Math.min(options.checkIns, from + 5000)} check-ins`);
  }

  const importer: Actor = {
    kind: 'system',
    id: 'tracing-load',
    label: 'tracing-load',
    roles: [],
    permissions: permissionsOf(['cdc']),
    jurisdiction: DEMO_CITY,
    residentId: null,
  };
  const haveRows = await contactTracing.countManifestRows();
  const trips = tripsOfLastDays(7);
  for (let from = haveRows; from < options.manifestRows; from += 5000) {
    const rows: ManifestRowInput[] = [];
    for (let i = from; i < Math.min(options.manifestRows, from + 5000); i++) rows.push(passenger(i, trips, faker));
    await contactTracing.importManifestRows(importer, rows);
    if (Math.floor((from + 5000) / 100_000) > Math.floor(from / 100_000))
      log(`tracing load: ${Math.min(options.manifestRows, from + 5000)} manifest rows`);
  }
  return { places: places.length, residents: pseudonyms.length };
}

/** The trains and flights the synthetic manifests list: a few hundred a day, numbered as carriers do. */
export function tripsOfLastDays(days: number) {
  const trips: { mode: 'train' | 'flight'; number: string; date: string; seats: number; first: number }[] = [];
  let first = 0;
  const add = (mode: 'train' | 'flight', number: string, date: string, seats: number) => {
    trips.push({ mode, number, date, seats, first });
    first += seats;
  };
  for (let d = 1; d <= days; d++) {
    const date = shanghaiDate(new Date(Date.now() - d * DAY_MS));
    for (let n = 1; n <= 120; n++) add('train', `G${n}`, date, CARRIAGES * CARRIAGE_SEATS);
    for (let n = 1; n <= 300; n++) add('flight', `CZ${3000 + n}`, date, FLIGHT_ROWS * FLIGHT_SEATS.length);
  }
  return { trips, seats: first };
}

/** Passenger i: trips fill seat by seat, one after the other; people are invented, not residents. */
function passenger(i: number, all: ReturnType<typeof tripsOfLastDays>, faker: Faker): ManifestRowInput {
  const n = i % all.seats;
  let lo = 0;
  let hi = all.trips.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (all.trips[mid]!.first <= n) lo = mid;
    else hi = mid - 1;
  }
  const trip = all.trips[lo]!;
  const seat = n - trip.first;
  const birth = faker.date.birthdate({ min: 18, max: 80, mode: 'age', refDate: '2026-01-01T00:00:00Z' });
  const first17 = `110105${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(i % 1000).padStart(3, '0')}`;
  const person = {
    date: trip.date,
    name: faker.person.lastName() + faker.person.firstName(),
    idNumber: first17 + idNumberCheckChar(first17),
  };
  if (trip.mode === 'flight')
    return {
      mode: 'flight',
      number: trip.number,
      seat: `${Math.floor(seat / FLIGHT_SEATS.length) + 1}${FLIGHT_SEATS[seat % FLIGHT_SEATS.length]}`,
      ...person,
    };
  const inCarriage = seat % CARRIAGE_SEATS;
  return {
    mode: 'train',
    number: trip.number,
    carriage: Math.floor(seat / CARRIAGE_SEATS) + 1,
    seat: `${Math.floor(inCarriage / 5) + 1}${'ABCDF'[inCarriage % 5]}`,
    ...person,
  };
}

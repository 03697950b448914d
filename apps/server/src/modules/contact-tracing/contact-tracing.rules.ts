import type { Insertable } from 'kysely';
import type { ErrorCode, ManifestRowInput, riskRanks, TripMode } from '@zhengtong/contracts';
import type { FieldProblem } from '../../platform/errors.ts';
import { maskIdNumber, maskName, parseIdNumber, parsePhone, type Sealer } from '../../platform/vault/index.ts';
import type { TracingManifestRowsTable } from './contact-tracing.tables.ts';

/** Tracing parameters an operator may set (README: ZT_TRACING_*). */
export interface TracingOptions {
  /** How long a check-in counts as presence when nobody checks out (minutes). */
  stayMinutes: number;
  /** Flight passengers within this many rows of the case are close contacts. */
  flightRows: number;
  /** The case's movements count from this many days before onset. */
  lookbackDays: number;
}

export interface NormalisedTrip {
  mode: TripMode;
  number: string;
  date: string;
  carriage: number | null;
  seat: string | null;
  /** Seat row for distances: the row of a flight or high-speed seat, a bench of five for hard seats. */
  seatRow: number | null;
}

const NUMBER_RULES: Record<TripMode, { pattern: RegExp; code: ErrorCode }> = {
  // 高铁 G, 动车 D, 城际 C, 直达 Z, 特快 T, 快速 K, 旅游 Y, 市郊 S, 临客 L; ordinary trains have four digits.
  train: { pattern: /^(?:[GDCZTKYSL]\d{1,4}|\d{4})$/, code: 'trip.train_number' },
  // IATA: a two-character airline designator (not two digits), then one to four digits.
  flight: { pattern: /^(?:[A-Z]{2}|[A-Z]\d|\d[A-Z])\d{1,4}$/, code: 'trip.flight_number' },
  // A route number or a plate such as 鄂A12345.
  bus: { pattern: /^(?:\p{Script=Han}[A-Z][A-Z0-9]{5,6}|[A-Z0-9-]{1,10})$/u, code: 'trip.bus_number' },
};
const SEAT_RULES: Record<TripMode, RegExp> = {
  flight: /^(\d{1,2})([A-K])$/,
  train: /^(\d{1,3})([A-F])?$/,
  bus: /^(\d{1,2})$/,
};

/** Validates a trip as an investigator or a carrier's manifest gives it; numbers and seats are normalised. */
export function normaliseTrip(
  input: { mode: TripMode; number: string; date: string; carriage?: number | null; seat?: string | null },
  today: string,
): { ok: true; value: NormalisedTrip } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const number = input.number.replace(/\s+/g, '').toUpperCase();
  const rule = NUMBER_RULES[input.mode];
  if (!rule.pattern.test(number)) problems.push({ path: 'number', code: rule.code });
  if (input.date > today || daysBetween(input.date, today) > 60)
    problems.push({ path: 'date', code: 'trip.date_range' });
  const carriage = input.carriage ?? null;
  if (input.mode === 'flight' && carriage !== null) problems.push({ path: 'carriage', code: 'trip.carriage_flight' });
  let seat: string | null = null;
  let seatRow: number | null = null;
  if (input.seat) {
    seat = input.seat.replace(/\s+|号$/g, '').toUpperCase();
    const m = SEAT_RULES[input.mode].exec(seat);
    if (!m) problems.push({ path: 'seat', code: 'trip.seat_format' });
    else {
      const n = Number(m[1]);
      seatRow = input.mode === 'train' && !m[2] ? Math.ceil(n / 5) : input.mode === 'bus' ? Math.ceil(n / 4) : n;
    }
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { mode: input.mode, number, date: input.date, carriage, seat, seatRow } };
}

/**
 * Validates and encrypts one manifest row, for the JSON import and a file import's worker threads
 * alike: it needs only the sealer, no service or database.
 */
export function sealManifestRow(
  sealer: Sealer,
  row: ManifestRowInput,
  today: string,
  importId: string | null,
): { row: Insertable<TracingManifestRowsTable> } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const trip = normaliseTrip(row, today);
  if (!trip.ok) problems.push(...trip.problems);
  const id = parseIdNumber(row.idNumber);
  if (!id.ok) problems.push({ path: 'idNumber', code: id.code });
  const phone = row.phone?.trim() ? parsePhone(row.phone) : null;
  if (row.phone?.trim() && !phone) problems.push({ path: 'phone', code: 'phone.format' });
  const name = row.name.trim();
  if (!name) problems.push({ path: 'name', code: 'field.required' });
  if (problems.length || !trip.ok || !id.ok) return { problems };
  const idNumber = id.value.normalized;
  return {
    row: {
      import_id: importId,
      mode: trip.value.mode,
      number: trip.value.number,
      travel_date: trip.value.date,
      carriage: trip.value.carriage,
      seat: trip.value.seat,
      seat_row: trip.value.seatRow,
      person_enc: sealer.encrypt('person', JSON.stringify({ name, idNumber, phone })),
      name_masked: maskName(name),
      id_number_bidx: sealer.blindIndex('idNumber', idNumber),
      id_number_masked: maskIdNumber(idNumber),
    },
  };
}

function daysBetween(a: string, b: string): number {
  return Math.round((dayMs(b) - dayMs(a)) / 86_400_000);
}

// A manifest of a million rows has a handful of travel dates: parse each once.
const dayMsOf = new Map<string, number>();
function dayMs(date: string): number {
  let ms = dayMsOf.get(date);
  if (ms === undefined) {
    if (dayMsOf.size >= 10_000) dayMsOf.clear();
    dayMsOf.set(date, (ms = Date.parse(`${date}T00:00:00Z`)));
  }
  return ms;
}

export type Rank = (typeof riskRanks)[number];

/** How close a shared trip was; null when the passenger is not a contact at all. */
export function tripScore(
  caseTrip: NormalisedTrip,
  other: { carriage: number | null; seatRow: number | null },
  options: TracingOptions,
): { score: number; seatDistance: number | null } | null {
  const distance =
    caseTrip.seatRow !== null && other.seatRow !== null ? Math.abs(caseTrip.seatRow - other.seatRow) : null;
  switch (caseTrip.mode) {
    case 'flight':
      if (distance === null) return { score: 45, seatDistance: null };
      if (distance > options.flightRows) return null;
      return { score: distance <= 1 ? 90 : 75, seatDistance: distance };
    case 'train':
      // Without the case's carriage the whole train is listed, at low risk, for the investigator to narrow.
      if (caseTrip.carriage === null) return { score: 35, seatDistance: null };
      if (other.carriage !== caseTrip.carriage) return null;
      if (distance === null) return { score: 55, seatDistance: null };
      return { score: distance <= 1 ? 85 : distance <= 3 ? 70 : 55, seatDistance: distance };
    case 'bus':
      return { score: 60, seatDistance: distance };
  }
}

/** Time at one place: 40 for having been there at all, up to 80 for 40 minutes or more together. */
export const placeScore = (minutes: number) => 40 + Math.min(40, Math.max(0, minutes));
export const HOUSEHOLD_SCORE = 95;
export const SECONDARY_SCORE = 30;
/**
 * A close contact's later trip counts for the passengers within three rows of them in their carriage, or
 * within the flight's rows: one hop further is narrower than the whole carriage a case's trip counts.
 */
export const SECONDARY_TRIP_MIN_SCORE = 70;
/** The rows on a train that score SECONDARY_TRIP_MIN_SCORE or more (see tripScore). */
export const SECONDARY_TRAIN_ROWS = 3;

/** Several exposures add up: the strongest counts, each further one adds a little. */
export function combinedScore(scores: number[]): number {
  if (!scores.length) return 0;
  return Math.min(100, Math.max(...scores) + 5 * (scores.length - 1));
}

export function rankOf(score: number): Rank {
  return score >= 80 ? 'high' : score >= 55 ? 'medium' : 'low';
}

/** Minutes two presences overlap, never negative. */
export function overlapMinutes(a: { from: number; to: number }, b: { from: number; to: number }): number {
  return Math.max(0, Math.round((Math.min(a.to, b.to) - Math.max(a.from, b.from)) / 60_000));
}

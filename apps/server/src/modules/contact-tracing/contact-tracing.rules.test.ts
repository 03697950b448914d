import { describe, expect, it } from 'vitest';
import {
  combinedScore,
  normaliseTrip,
  overlapMinutes,
  placeScore,
  rankOf,
  tripScore,
  type NormalisedTrip,
} from './contact-tracing.rules.ts';

const today = '2026-12-01';
const options = { stayMinutes: 60, flightRows: 3, lookbackDays: 4 };
const trip = (input: Parameters<typeof normaliseTrip>[0]) => {
  const r = normaliseTrip(input, today);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.value;
};

describe('trip numbers and seats', () => {
  it('accepts the numbers people write and normalises them', () => {
    expect(trip({ mode: 'train', number: 'g 1234', date: '2026-11-30', carriage: 5, seat: '12f' })).toEqual({
      mode: 'train',
      number: 'G1234',
      date: '2026-11-30',
      carriage: 5,
      seat: '12F',
      seatRow: 12,
    });
    expect(trip({ mode: 'train', number: '1461', date: today, carriage: 3, seat: '045号' }).seatRow).toBe(9);
    expect(trip({ mode: 'flight', number: 'cz3456', date: today, seat: '33C' }).seatRow).toBe(33);
    expect(trip({ mode: 'flight', number: '3U8881', date: today }).number).toBe('3U8881');
    expect(trip({ mode: 'bus', number: '鄂A12345', date: today }).number).toBe('鄂A12345');
  });

  it('refuses unknown formats with a code per field', () => {
    const r = normaliseTrip(
      { mode: 'flight', number: '12345', date: '2026-12-02', carriage: 4, seat: 'window' },
      today,
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toEqual([
      { path: 'number', code: 'trip.flight_number' },
      { path: 'date', code: 'trip.date_range' },
      { path: 'carriage', code: 'trip.carriage_flight' },
      { path: 'seat', code: 'trip.seat_format' },
    ]);
    expect(normaliseTrip({ mode: 'train', number: 'X99', date: today }, today)).toMatchObject({
      ok: false,
      problems: [{ path: 'number', code: 'trip.train_number' }],
    });
    expect(normaliseTrip({ mode: 'train', number: 'G1', date: '2026-09-01' }, today)).toMatchObject({
      ok: false,
      problems: [{ path: 'date', code: 'trip.date_range' }],
    });
  });
});

describe('risk scores', () => {
  const flight = (seat: string | null): NormalisedTrip => ({
    mode: 'flight',
    number: 'CZ3456',
    date: today,
    carriage: null,
    seat,
    seatRow: seat ? Number.parseInt(seat) : null,
  });

  it('counts flight passengers within the configured rows, closest highest', () => {
    expect(tripScore(flight('20C'), { carriage: null, seatRow: 21 }, options)).toEqual({ score: 90, seatDistance: 1 });
    expect(tripScore(flight('20C'), { carriage: null, seatRow: 23 }, options)).toEqual({ score: 75, seatDistance: 3 });
    expect(tripScore(flight('20C'), { carriage: null, seatRow: 24 }, options)).toBeNull();
    expect(tripScore(flight('20C'), { carriage: null, seatRow: 24 }, { ...options, flightRows: 4 })).not.toBeNull();
    expect(tripScore(flight(null), { carriage: null, seatRow: 40 }, options)).toEqual({
      score: 45,
      seatDistance: null,
    });
  });

  it('counts a whole train carriage, and only that carriage', () => {
    const train = trip({ mode: 'train', number: 'G1', date: today, carriage: 5, seat: '10A' });
    expect(tripScore(train, { carriage: 5, seatRow: 11 }, options)?.score).toBe(85);
    expect(tripScore(train, { carriage: 5, seatRow: 30 }, options)?.score).toBe(55);
    expect(tripScore(train, { carriage: 6, seatRow: 10 }, options)).toBeNull();
  });

  it('ranks by time together and adds up several exposures', () => {
    expect(placeScore(5)).toBe(45);
    expect(placeScore(120)).toBe(80);
    expect(rankOf(placeScore(120))).toBe('high');
    expect(rankOf(placeScore(15))).toBe('medium');
    expect(rankOf(placeScore(2))).toBe('low');
    expect(combinedScore([45, 60])).toBe(65);
    expect(combinedScore([95, 90, 90])).toBe(100);
  });

  it('measures overlaps in minutes', () => {
    const h = 3_600_000;
    expect(overlapMinutes({ from: 0, to: 2 * h }, { from: h, to: 3 * h })).toBe(60);
    expect(overlapMinutes({ from: 0, to: h }, { from: 2 * h, to: 3 * h })).toBe(0);
  });
});

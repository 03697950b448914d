/** China keeps one time zone, UTC+8, with no daylight saving: calendar days are counted there. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The calendar date ('YYYY-MM-DD') of an instant in Asia/Shanghai. */
export function shanghaiDate(d: Date): string {
  return new Date(d.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight in Asia/Shanghai of the day an instant falls on. */
export function startOfShanghaiDay(d: Date): Date {
  return new Date(`${shanghaiDate(d)}T00:00:00+08:00`);
}

import { daysBetween } from '@zhengtong/web-core';

export { caseSymptoms, FEVER_CELSIUS as FEVER_FROM } from '@zhengtong/contracts';

export const MIN_TEMPERATURE = 34;
export const MAX_TEMPERATURE = 43;

/** Where today falls in the observation period: day n of total, and how many days come after today. */
export function observationProgress(startsOn: string, endsOn: string, today: string) {
  const total = daysBetween(startsOn, endsOn) + 1;
  const day = Math.min(Math.max(daysBetween(startsOn, today) + 1, 0), total);
  const left = Math.max(daysBetween(today, endsOn), 0);
  return { day, total, left, within: today >= startsOn && today <= endsOn };
}

/** A typed reading as a number: full-width digits from a Chinese keyboard (３６．５) and a decimal comma accepted; NaN otherwise. */
export function parseTemperature(input: number | string): number {
  if (typeof input === 'number') return input;
  const text = input.normalize('NFKC').replace(',', '.').trim();
  return /^\d{2}(\.\d)?$/.test(text) ? Number(text) : Number.NaN;
}

/** One tenth of a degree, inside the range a thermometer reading may have. */
export function clampTemperature(value: number): number {
  if (!Number.isFinite(value)) return 36.5;
  return Math.min(MAX_TEMPERATURE, Math.max(MIN_TEMPERATURE, Math.round(value * 10) / 10));
}

/** The stepper's − and + buttons: a tenth of a degree at a time, never leaving the range. */
export function stepTemperature(value: number | string, tenths: number): number {
  const start = parseTemperature(value);
  return clampTemperature(Math.round((Number.isFinite(start) ? start : 36.5) * 10 + tenths) / 10);
}

/** Local check mirroring the server's (34–43 °C), so a typing slip is named before sending; i18n keys. */
export function validateCheck(input: { temperature: number | string }): Record<string, string> {
  const value = parseTemperature(input.temperature);
  if (!Number.isFinite(value) || value < MIN_TEMPERATURE || value > MAX_TEMPERATURE)
    return { temperature: 'observation.errors.temperature' };
  return {};
}

function randomKey(): string {
  // getRandomValues, unlike randomUUID, also exists outside secure contexts.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Idempotency-Key per distinct request: a double tap or a retry after a lost answer sends the same key
 * (the server replays its first answer), a changed form a new one, and a finished send starts afresh.
 */
export function idempotencyKeys(random: () => string = randomKey) {
  let last: { body: string; key: string } | null = null;
  return {
    keyFor(body: unknown): string {
      const text = JSON.stringify(body);
      if (!last || last.body !== text) last = { body: text, key: random() };
      return last.key;
    },
    settled() {
      last = null;
    },
  };
}

import { isCalendarDate, shanghaiToday } from '../format/date-time.ts';

export const MAX_CARRIAGE = 30;

// Train (G1234, 1461), flight (CZ3456, 3U8888) and bus numbers (301, 鄂A12345) as the server stores them.
const NUMBER_PATTERN = /^(?:\p{Script=Han}[A-Z][A-Z0-9]{5,6}|[A-Z0-9-]{1,10})$/u;

/** What a person types → what trips are stored as: full-width characters folded (Ｇ１２３４), spaces dropped, upper case. */
export function normaliseTravelNumber(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** The 同程查询 form as typed: the carriage is optional and may arrive as text from an input. */
export interface CoTravelForm {
  date: string;
  number: string;
  carriage?: string | number | null;
}

export interface CoTravelParams {
  date: string;
  number: string;
  carriage?: number;
}

/** Field → i18n key (in the app's `coTravel` namespace) of what is wrong with it. */
export type CoTravelErrors = Partial<Record<'date' | 'number' | 'carriage', string>>;

/**
 * Checks and normalises the form into the query of `GET /api/v1/contact-tracing/co-travel`: a date not in
 * the future (Asia/Shanghai), a plausible train or flight number, a carriage of 1–30 when given.
 */
export function coTravelParams(
  form: CoTravelForm,
  today: string = shanghaiToday(),
): { ok: true; params: CoTravelParams } | { ok: false; errors: CoTravelErrors } {
  const errors: CoTravelErrors = {};
  const date = form.date.trim();
  if (!isCalendarDate(date)) errors.date = 'coTravel.errors.date';
  else if (date > today) errors.date = 'coTravel.errors.future';
  const number = normaliseTravelNumber(form.number);
  if (!number) errors.number = 'coTravel.errors.numberRequired';
  else if (!NUMBER_PATTERN.test(number)) errors.number = 'coTravel.errors.number';
  const rawCarriage = form.carriage === null || form.carriage === undefined ? '' : String(form.carriage);
  const carriageText = rawCarriage.normalize('NFKC').trim();
  let carriage: number | undefined;
  if (carriageText) {
    carriage = /^\d{1,2}$/.test(carriageText) ? Number(carriageText) : NaN;
    if (!(carriage >= 1 && carriage <= MAX_CARRIAGE)) errors.carriage = 'coTravel.errors.carriage';
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, params: { date, number, ...(carriage !== undefined ? { carriage } : {}) } };
}

import type { Exposure } from '@zhengtong/web-core';

type Translate = (key: string, values?: Record<string, unknown>) => string;

const SHANGHAI_MS = 8 * 3_600_000;
/** 11-28 14:05 in Beijing time: short enough for a table cell. */
export function shortTime(iso: string): string {
  return new Date(Date.parse(iso) + SHANGHAI_MS).toISOString().slice(5, 16).replace('T', ' ');
}

/** An exposure as much as is known of it: a follow-up task knows only what, where and when. */
export type ExposureLike = Pick<Exposure, 'kind' | 'label' | 'from'> &
  Partial<Pick<Exposure, 'minutes' | 'via' | 'seatDistance'>>;

/** One exposure in the investigator's words: where or on what, when, and how close. */
export function exposureText(e: ExposureLike, t: Translate): string {
  const time = shortTime(e.from);
  switch (e.kind) {
    case 'place':
      return e.minutes == null
        ? t('tracing.exposure.placeAt', { label: e.label, time })
        : t('tracing.exposure.place', { label: e.label, time, minutes: e.minutes });
    case 'household':
      return t('tracing.exposure.household', { label: e.label });
    case 'secondary':
      return e.via
        ? t('tracing.exposure.secondary', { via: e.via, label: e.label, time })
        : t('tracing.exposure.secondaryAt', { label: e.label, time });
    default:
      return (
        t(`tracing.exposure.${e.kind}`, { label: e.label, date: time.slice(0, 5) }) +
        (e.seatDistance != null ? t('tracing.exposure.seat', { n: e.seatDistance }) : '')
      );
  }
}

/** A follow-up task's exposure (`at` is when it began). */
export const taskExposureText = (e: { kind: Exposure['kind']; label: string; at: string }, t: Translate) =>
  exposureText({ kind: e.kind, label: e.label, from: e.at }, t);

/** A datetime-local value (Beijing time) as an ISO instant. */
export const fromLocalInput = (value: string) => new Date(`${value}:00+08:00`).toISOString();
/** An instant as a datetime-local value in Beijing time. */
export const toLocalInput = (ms: number) => new Date(ms + SHANGHAI_MS).toISOString().slice(0, 16);

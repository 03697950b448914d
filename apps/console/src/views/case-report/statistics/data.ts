import type { CaseStatistics } from '@zhengtong/web-core';

type Row = CaseStatistics['rows'][number];
type Translate = (key: string, values?: Record<string, unknown>) => string;

export const SHOWN = ['confirmed', 'asymptomatic', 'suspected', 'clinical', 'unexplained_pneumonia'] as const;

/** Every day from `from` to `to`, inclusive. */
export function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000)
    out.push(new Date(d).toISOString().slice(0, 10));
  return out;
}

/**
 * Per classification and day: new cases that day, and those in it at the end of the day. The rollup
 * has a row only where something changed, so totals carry forward over quiet days.
 */
export function series(stats: CaseStatistics) {
  const days = daysFrom(stats.from, stats.to);
  const out = new Map<string, { new: number[]; current: number[] }>();
  for (const c of SHOWN) {
    const keys = new Map<string, number>();
    const byDay = new Map<string, Row[]>();
    for (const r of stats.rows) if (r.classification === c) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r]);
    // Totals before the first row of each key are its first row's current minus that day's change.
    for (const r of stats.rows)
      if (r.classification === c && !keys.has(`${r.district}|${r.source}`))
        keys.set(`${r.district}|${r.source}`, r.current - r.new + r.left);
    const s = { new: [] as number[], current: [] as number[] };
    for (const day of days) {
      let added = 0;
      for (const r of byDay.get(day) ?? []) {
        added += r.new;
        keys.set(`${r.district}|${r.source}`, r.current);
      }
      s.new.push(added);
      s.current.push([...keys.values()].reduce((a, b) => a + b, 0));
    }
    out.set(c, s);
  }
  return { days, series: out };
}

/** Districts with their cases in each classification at the end of the range, and new on its last day. */
export function byDistrict(stats: CaseStatistics) {
  const latest = new Map<string, Row>();
  for (const r of stats.rows) latest.set(`${r.district}|${r.classification}|${r.source}`, r);
  return stats.districts
    .map((d) => {
      const mine = [...latest.values()].filter((r) => r.district === d.code);
      const sum = (c: string) => mine.filter((r) => r.classification === c).reduce((s, r) => s + r.current, 0);
      const today = stats.rows.filter((r) => r.district === d.code && r.day === stats.to);
      return {
        code: d.code,
        name: d.name,
        confirmed: sum('confirmed') + sum('clinical'),
        asymptomatic: sum('asymptomatic'),
        suspected: sum('suspected') + sum('unexplained_pneumonia'),
        newToday: today.reduce((s, r) => s + r.new, 0),
        imported: mine.filter((r) => r.source === 'imported').reduce((s, r) => s + r.current, 0),
      };
    })
    .sort((a, b) => b.confirmed - a.confirmed || a.code.localeCompare(b.code));
}

export function chartOption(stats: CaseStatistics, t: Translate) {
  const { days, series: s } = series(stats);
  const lines = SHOWN.slice(0, 3);
  return {
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 40, right: 40, top: 30, bottom: 50 },
    xAxis: { type: 'category', data: days.map((d) => d.slice(5)) },
    yAxis: [
      { type: 'value', name: t('stats.new'), minInterval: 1 },
      { type: 'value', name: t('stats.current'), minInterval: 1 },
    ],
    series: [
      ...lines.map((c) => ({
        type: 'bar',
        name: `${t(`cases.classes.${c}`)} · ${t('stats.new')}`,
        data: s.get(c)!.new,
        stack: 'new',
      })),
      ...lines.map((c) => ({
        type: 'line',
        yAxisIndex: 1,
        name: `${t(`cases.classes.${c}`)} · ${t('stats.current')}`,
        data: s.get(c)!.current,
        smooth: true,
      })),
    ],
  };
}

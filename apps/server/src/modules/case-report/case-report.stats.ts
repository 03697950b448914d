import { shanghaiDate } from '../../platform/time.ts';
import type { CaseClassification, CaseRow, CaseSource } from './case-report.tables.ts';

/** One counter of the daily rollup: cases entering or leaving a classification on a day. */
export interface StatDelta {
  day: string;
  districtCode: string;
  classification: CaseClassification;
  source: CaseSource;
  entered: number;
  left: number;
}

const keyOf = (d: Omit<StatDelta, 'entered' | 'left'>) => `${d.day}|${d.districtCode}|${d.classification}|${d.source}`;

/**
 * What one case adds to the rollup: each classification entered on the day it was set and left on the
 * day of the next one; an excluded case leaves its last one on the day it was excluded.
 */
export function contributions(
  row: Pick<CaseRow, 'region_code' | 'source' | 'outcome' | 'outcome_at'>,
  history: { classification: CaseClassification; at: Date }[],
): StatDelta[] {
  const out: StatDelta[] = [];
  const base = { districtCode: row.region_code.slice(0, 6), source: row.source as CaseSource };
  history.forEach((h, i) => {
    out.push({ ...base, day: shanghaiDate(h.at), classification: h.classification, entered: 1, left: 0 });
    const next = history[i + 1];
    if (next) out.push({ ...base, day: shanghaiDate(next.at), classification: h.classification, entered: 0, left: 1 });
    else if (row.outcome === 'excluded' && row.outcome_at)
      out.push({ ...base, day: shanghaiDate(row.outcome_at), classification: h.classification, entered: 0, left: 1 });
  });
  return out;
}

/** The counters to add so the rollup goes from counting `before` to counting `after`. */
export function difference(before: StatDelta[], after: StatDelta[]): StatDelta[] {
  const sum = new Map<string, StatDelta>();
  const add = (d: StatDelta, sign: 1 | -1) => {
    const k = keyOf(d);
    const s = sum.get(k) ?? { ...d, entered: 0, left: 0 };
    s.entered += sign * d.entered;
    s.left += sign * d.left;
    sum.set(k, s);
  };
  for (const d of before) add(d, -1);
  for (const d of after) add(d, 1);
  return [...sum.values()].filter((d) => d.entered !== 0 || d.left !== 0);
}

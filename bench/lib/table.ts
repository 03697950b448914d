export interface Row {
  scenario: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
}

export function row(scenario: string, value: number, unit: string, baseline: number | null): Row {
  return { scenario, value, unit, baseline, ratio: baseline ? value / baseline : null };
}

const fmt = (n: number | null, digits = 1) =>
  n === null ? '—' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(digits);

export function printTable(rows: Row[]) {
  const header = ['scenario', 'figure', 'unit', 'same-run baseline', 'ratio'];
  const body = rows.map((r) => [
    r.scenario,
    fmt(r.value),
    r.unit,
    fmt(r.baseline),
    r.ratio === null ? '—' : r.ratio.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

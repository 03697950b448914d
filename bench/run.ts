// `npm run bench [-- <name>] [-- --json]`: each scenario prints figures against a baseline measured in the same run.
import { apiRead } from './api-read.bench.ts';
import { chainsPage } from './chains-page.bench.ts';
import { credentials } from './credentials.bench.ts';
import { healthCodeRecompute } from './health-code-recompute.bench.ts';
import { healthCodeScan } from './health-code.bench.ts';
import { manifestImport } from './manifest-import.bench.ts';
import { printTable, type Row } from './lib/table.ts';
import { reservationSurge } from './reservation-surge.bench.ts';
import { tracing } from './tracing.bench.ts';

const scenarios: Record<string, () => Promise<Row[]>> = {
  'api-read': apiRead,
  credentials,
  'health-code-scan': healthCodeScan,
  'health-code-recompute': healthCodeRecompute,
  tracing,
  'chains-page': chainsPage,
  'manifest-import': manifestImport,
  'reservation-surge': reservationSurge,
};

const args = process.argv.slice(2);
const json = args.includes('--json');
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !scenarios[n]);
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
const where = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}, ${process.env.REDIS_URL ? 'Redis' : 'in-process cache'}`;
const rows: Row[] = [];
for (const name of names.length ? names : Object.keys(scenarios)) {
  if (!json) console.error(`running ${name} (${where}) …`);
  rows.push(...(await scenarios[name]!()));
}
if (json) console.log(JSON.stringify(rows, null, 2));
else printTable(rows);

// `npm run seed -- [--residents N] [--check-ins N] [--places N] [--manifest-rows N] [--days D] [--seed S]`:
// seeds (or grows) the demo city, and with --check-ins or --manifest-rows the tracing benchmarks' load,
// in the configured database.
import { parseArgs } from 'node:util';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { ensureDemoCity } from '../apps/server/src/demo/demo-city.ts';
import { ensureDemoOutbreak } from '../apps/server/src/demo/demo-outbreak.ts';
import { ensureDemoReservations } from '../apps/server/src/demo/demo-reservations.ts';
import { ensureDemoSupplies } from '../apps/server/src/demo/demo-supplies.ts';
import { ensureDemoMatching } from '../apps/server/src/demo/demo-matching.ts';
import { ensureTracingLoad } from '../apps/server/src/demo/demo-tracing-load.ts';

const { values } = parseArgs({
  options: {
    residents: { type: 'string' },
    'check-ins': { type: 'string' },
    places: { type: 'string' },
    'manifest-rows': { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
  },
});
const count = (name: keyof typeof values, fallback: number, min = 0) => {
  const raw = values[name];
  const n = raw === undefined ? fallback : Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} takes a whole number ≥ ${min}`);
    process.exit(2);
  }
  return n;
};
const config = loadConfig();
const residents = count('residents', config.demoResidents, 1);
const checkIns = count('check-ins', 0);
const manifestRows = count('manifest-rows', 0);
const days = count('days', 14, 1);
const places = count('places', Math.max(1000, Math.round(checkIns / 200)), 1);
const seed = values.seed ? count('seed', 2020) : undefined;

const started = Date.now();
const zt = await buildApp({ ...config, logLevel: 'warn' });
const demo = await ensureDemoCity(zt, { residents, seed, log: console.log });
await ensureDemoOutbreak(zt, { log: console.log });
await ensureDemoSupplies(zt, { log: console.log });
await ensureDemoMatching(zt, { log: console.log });
await ensureDemoReservations(zt, { log: console.log });
console.log(
  `demo city ready: ${await zt.services.identity.countResidents()} residents, ${demo.grids.length} grids, ${demo.accounts.length} staff accounts (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
if (checkIns || manifestRows) {
  const load = await ensureTracingLoad(zt, {
    checkIns,
    checkInsPerDay: Math.max(1, Math.ceil(checkIns / days)),
    places,
    manifestRows,
    seed,
    log: console.log,
  });
  console.log(
    `tracing load ready: ${await zt.services.checkIn.countCheckIns()} check-ins at ${load.places} places by ${load.residents} residents, ${await zt.services.contactTracing.countManifestRows()} manifest rows (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}
await zt.close();

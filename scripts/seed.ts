// `npm run seed -- --residents N [--seed S]`: seeds (or grows) the demo city in the configured database.
import { parseArgs } from 'node:util';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { ensureDemoCity } from '../apps/server/src/demo/demo-city.ts';
import { ensureDemoOutbreak } from '../apps/server/src/demo/demo-outbreak.ts';

const { values } = parseArgs({ options: { residents: { type: 'string' }, seed: { type: 'string' } } });
const config = loadConfig();
const residents = values.residents ? Number(values.residents) : config.demoResidents;
if (!Number.isInteger(residents) || residents < 1) {
  console.error('--residents takes a whole number ≥ 1');
  process.exit(2);
}
const started = Date.now();
const zt = await buildApp({ ...config, logLevel: 'warn' });
const demo = await ensureDemoCity(zt, {
  residents,
  seed: values.seed ? Number(values.seed) : undefined,
  log: console.log,
});
await ensureDemoOutbreak(zt, { log: console.log });
console.log(
  `demo city ready: ${await zt.services.identity.countResidents()} residents, ${demo.grids.length} grids, ${demo.accounts.length} staff accounts (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
await zt.close();

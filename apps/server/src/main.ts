import { buildApp } from './app.ts';
import { ConfigError, loadConfig, summariseConfig } from './config.ts';
import { ensureDemoCity } from './demo/demo-city.ts';
import { ensureDemoOutbreak } from './demo/demo-outbreak.ts';
import { demoPharmacyAccount, ensureDemoReservations } from './demo/demo-reservations.ts';
import { demoLogisticsAccount, ensureDemoSupplies } from './demo/demo-supplies.ts';
import { ensureDemoMatching } from './demo/demo-matching.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const zt = await buildApp(config, { startJobs: true });
  zt.app.log.info({ config: summariseConfig(config) }, 'configuration');
  const demo = config.demo
    ? await ensureDemoCity(zt, { residents: config.demoResidents, log: (m) => zt.app.log.info(m) })
    : null;
  if (demo) {
    await ensureDemoOutbreak(zt, { grid: demo.grids[0], log: (m) => zt.app.log.info(m) });
    await ensureDemoSupplies(zt, { log: (m) => zt.app.log.info(m) });
    await ensureDemoMatching(zt, { log: (m) => zt.app.log.info(m) });
    await ensureDemoReservations(zt, { log: (m) => zt.app.log.info(m) });
  }
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      zt.app.log.info({ signal }, 'shutting down');
      zt.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  // A surge opens thousands of connections at once: with Node's default backlog (511) the kernel drops
  // the rest and each waits a second or more for its SYN to be sent again.
  await zt.app.listen({ port: config.port, host: config.host, backlog: config.listenBacklog });
  if (demo) {
    const accounts = [...demo.accounts, demoPharmacyAccount, demoLogisticsAccount];
    const names = await zt.services.regions.refs(accounts.map((a) => a.jurisdiction));
    printDemoAccounts(
      accounts.map((a) => ({ ...a, jurisdiction: `${names.get(a.jurisdiction)?.name ?? ''} ${a.jurisdiction}` })),
      demo.residentPhone,
      config.port,
    );
  }
}

function printDemoAccounts(
  accounts: { username: string; role: string; jurisdiction: string }[],
  residentPhone: string,
  port: number,
) {
  const lines = [
    '',
    `政通 Zhengtong is running: http://localhost:${port}/  (resident H5 /m/, console /console/, API docs /api/docs)`,
    'Demo accounts 演示账号 (console /console/, password 密码 Demo-2026-zt):',
    ...accounts.map((a) => `  ${a.username.padEnd(12)} ${a.role.padEnd(20)} ${a.jurisdiction}`),
    `Demo resident 演示居民 (/m/): phone ${residentPhone}, SMS code from the dev inbox /m/dev-inbox or this log`,
    '',
  ];
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

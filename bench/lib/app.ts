import { randomBytes } from 'node:crypto';
import { buildApp, type Zhengtong } from '../../apps/server/src/app.ts';
import { loadConfig, type Config } from '../../apps/server/src/config.ts';
import { createScratchDatabase } from '../../apps/server/test/build-test-app.ts';

/**
 * The platform in the bench process, on a scratch PostgreSQL database when `DATABASE_URL` is set
 * (dropped afterwards) or on an in-memory PGlite; no demo city, no job workers.
 */
export async function benchApp(
  regionProvinces: string[],
): Promise<{ zt: Zhengtong; config: Config; close(): Promise<void> }> {
  const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : null;
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ZT_MASTER_KEY: randomBytes(32).toString('base64'),
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    },
    { demo: false },
  );
  const zt = await buildApp(config, { inMemory: !scratch, regionProvinces });
  return {
    zt,
    config,
    close: async () => {
      await zt.close();
      await scratch?.drop();
    },
  };
}

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Server files each build an app on their own database; two at a time keeps a 2-core machine responsive.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'server',
          environment: 'node',
          include: ['apps/server/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'web',
          environment: 'node',
          include: [
            'apps/{resident,console,portal}/src/**/*.test.ts',
            'packages/web-core/src/**/*.test.ts',
            'packages/contracts/src/**/*.test.ts',
            'packages/credentials/src/**/*.test.ts',
          ],
        },
      },
    ],
  },
});

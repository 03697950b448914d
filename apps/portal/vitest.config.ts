import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'portal', environment: 'node', include: ['src/**/*.test.ts'] },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'web-core', environment: 'node', include: ['src/**/*.test.ts'] },
});

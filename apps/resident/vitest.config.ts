import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'resident', environment: 'node', include: ['src/**/*.test.ts'] },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/**/*.test.ts', 'apps/web/src/**/*.test.ts', 'scripts/**/*.test.mjs'],
    // real-gateway tests run in their own step: vitest.openclaw.config.ts
    exclude: ['**/node_modules/**', '**/dist/**', '**/.next/**', '**/*.gateway.test.ts'],
    globalSetup: ['./packages/db/src/vitest-global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

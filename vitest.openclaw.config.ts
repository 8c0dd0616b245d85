import { defineConfig } from 'vitest/config';

// The real-gateway tests (`*.gateway.test.ts`): each file starts one OpenClaw gateway (~1 GB, ~40 s to start on 2
// cores), so files run one at a time. OpenClaw must be installed first: `node scripts/openclaw-install.mjs`
// (scripts/test-all.mjs does it). The normal `vitest run` (vitest.config.ts) excludes these files.
export default defineConfig({
  test: {
    include: ['packages/**/*.gateway.test.ts', 'apps/**/*.gateway.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/.next/**'],
    // later gateway tests use the database fixtures too (one gateway per file, both databases against it)
    globalSetup: ['./packages/db/src/vitest-global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});

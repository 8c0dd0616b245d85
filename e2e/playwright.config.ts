// Browser tests against the built app (pnpm build first), in Debian's Chromium. Each run starts the server on
// a fresh embedded database, so the first-run setup page is part of the journey.
import { defineConfig } from '@playwright/test';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const port = Number(process.env.E2E_PORT ?? 3199);
const dataDir = path.join(os.tmpdir(), `mc-e2e-${process.pid}-${Date.now()}`);

export default defineConfig({
  testDir: '.',
  testMatch: ['browser/**/*.spec.ts', 'api/**/*.spec.ts'],
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: path.join(os.tmpdir(), 'mc-e2e-results'),
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.MC_CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: 'node apps/web/dist/server.mjs',
    cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
    url: `http://127.0.0.1:${port}/api/v1/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      MC_DATA_DIR: dataDir,
      NODE_ENV: 'production',
      // The webhooks spec delivers to a receiver on loopback, and retries quickly.
      MC_WEBHOOK_ALLOW_PRIVATE: '1',
      // Every spec signs in, sets up and registers agents from 127.0.0.1: the default 60 anonymous requests per
      // minute per IP would throttle the suite itself (rate limits have their own integration tests).
      MC_RATE_LIMIT_ANON_PER_MINUTE: '100000',
      MC_WEBHOOK_RETRY_BASE_MS: '500',
    },
  },
});

#!/usr/bin/env node
// The whole test suite, as README and CI run it:
//   1. type-check every package;
//   2. unit + integration tests on the embedded database (PGlite);
//   3. the same tests on the PostgreSQL server when one is reachable (TEST_DATABASE_URL, default
//      postgres://postgres@127.0.0.1:5432/postgres);
//   4. the tests against a real OpenClaw gateway (`*.gateway.test.ts`, vitest.openclaw.config.ts), after installing
//      the pinned gateway into a cache folder (scripts/openclaw-install.mjs; ~40 s the first time, instant after);
//   5. build the app and run the browser tests (Playwright in Debian's Chromium) against the built server.
// Set MC_SKIP_OPENCLAW=1 to skip step 4 on a machine that cannot install the gateway, MC_SKIP_E2E=1 to skip step 5
// on a machine without Chromium (CI sets neither).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

const t0 = Date.now();
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };

function step(title, cmd, args, extraEnv = {}) {
  console.log(`\n━━ ${title} ━━ ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv }, shell: false });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`\n✗ ${title} failed (${secs}s)`);
    process.exit(r.status ?? 1);
  }
  console.log(`✓ ${title} (${secs}s)`);
}

function reachable(url) {
  return new Promise((resolve) => {
    let u;
    try {
      u = new URL(url);
    } catch {
      return resolve(false);
    }
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 5432) });
    socket.setTimeout(1500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const bin = (name) => `node_modules/.bin/${name}`;

step('layer boundaries', 'node', ['scripts/check-boundaries.mjs']);
step('type-check', bin('turbo'), ['run', 'typecheck', '--output-logs=errors-only']);
step('tests on embedded PGlite', bin('vitest'), ['run']);

const pgUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const pgReachable = await reachable(pgUrl);
if (pgReachable) {
  step('tests on PostgreSQL', bin('vitest'), ['run'], { TEST_DATABASE_URL: pgUrl });
} else {
  console.log(`\n! PostgreSQL not reachable at ${new URL(pgUrl).host}: skipping the PostgreSQL run (CI has one).`);
}

if (process.env.MC_SKIP_OPENCLAW === '1') {
  console.log('\n! MC_SKIP_OPENCLAW=1: skipping the tests against a real OpenClaw gateway.');
} else {
  step('OpenClaw gateway install (pinned, cached)', 'node', ['scripts/openclaw-install.mjs']);
  // one gateway per test file; a file that uses the database runs on PGlite and, when MC_GATEWAY_TEST_DATABASE_URL
  // is set (PostgreSQL reachable), on that server too, against the same gateway
  step(
    'tests against a real OpenClaw gateway',
    bin('vitest'),
    ['run', '--config', 'vitest.openclaw.config.ts'],
    pgReachable ? { MC_GATEWAY_TEST_DATABASE_URL: pgUrl } : {},
  );
}

if (process.env.MC_SKIP_E2E === '1') {
  console.log('\n! MC_SKIP_E2E=1: skipping the browser tests.');
} else {
  const chromium = process.env.MC_CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.error(
      `\n✗ Chromium not found at ${chromium}. Install it (Debian/Ubuntu: apt-get install -y chromium), set MC_CHROMIUM_PATH, or set MC_SKIP_E2E=1.`,
    );
    process.exit(1);
  }
  step('build', bin('turbo'), ['run', 'build', '--output-logs=errors-only']);
  step('browser tests', bin('playwright'), ['test', '--config', 'e2e/playwright.config.ts']);
}
console.log(`\nAll tests passed in ${((Date.now() - t0) / 1000).toFixed(0)}s.`);

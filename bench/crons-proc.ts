// One "web process" of bench/crons.ts's two-process phase: the server's own runtime (apps/web/src/context.ts
// createRuntime: pool, LISTEN, cron scheduler, run-outcome reactions, webhook runner, sweepers) on DATABASE_URL,
// without the HTTP front. It runs until killed; it prints READY when its runtime is up.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime } from '../apps/web/src/context';
import { loadEnv } from '../apps/web/src/env';

const runtime = await createRuntime(
  loadEnv({ NODE_ENV: 'production', DATABASE_URL: process.env.DATABASE_URL!, MC_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'mc-bench-cronproc-')) }),
  'bench',
);
console.log('READY');
const stop = async () => {
  await runtime.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());

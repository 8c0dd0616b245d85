// A scheduler process for crons-crash.int.test.ts, to be killed with SIGKILL mid-work. It opens the database (a data
// folder, or DATABASE_URL), sets its clock to MC_TEST_NOW and makes one scheduler pass, then:
// - MC_TEST_MODE=hang-in-start: the run's start hangs inside its transaction (after the ticket is written, in the
//   dispatch step) and the process says IN_START — the kill lands before that transaction commits;
// - MC_TEST_MODE=hang-after-start: the pass completes (the run is running) and the process says STARTED <run id> and
//   waits — the kill lands while the run is running.
import { DEFAULT_CORE_CONFIG, ManualClock, runSchedulerPass, type Ctx } from '@mc/core';
import { openDatabase } from '@mc/db';

const mode = process.env.MC_TEST_MODE;
const database = await openDatabase(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL, migrate: false } : { dataDir: process.env.MC_TEST_DATA_DIR! });
const ctx: Ctx = { db: database.db, clock: new ManualClock(new Date(process.env.MC_TEST_NOW!)), principal: { kind: 'system', name: 'runner' }, requestId: null, config: DEFAULT_CORE_CONFIG };
const forever = () => new Promise<never>(() => setInterval(() => {}, 60_000));

if (mode === 'hang-in-start') {
  await runSchedulerPass(ctx, {
    dispatch: async () => {
      console.log('IN_START');
      return forever();
    },
  });
} else {
  await runSchedulerPass(ctx, { dispatch: null });
  const rows = (await (database.db as any).query.cronRuns.findMany({ where: (r: any, { eq }: any) => eq(r.status, 'running') })) as { id: string }[];
  console.log(`STARTED ${rows.map((r) => r.id).join(',')}`);
  await forever();
}

// bench/sweeper — how long the lease sweeper takes to put N expired leases back in To-do (a fleet that crashed at
// once), on PostgreSQL and on the embedded database (PGlite), in-process with the app's own code: the database is
// opened and migrated by @mc/db, N tickets held by agents whose leases ran out are seeded with set-based SQL, then
// the server's sweep pass (`sweepExpiredLeases`, batch after batch while they come back full) runs until none is
// left. Measured: the time of the pass (= until every ticket is back in To-do), tickets/s, time per batch, and the
// time until every live announcement has arrived through LISTEN. Checked after the run: every ticket in To-do with
// no holder, exactly one `ticket.lease_expired` activity entry, one `ticket.released` event and one `lease_expired`
// notification per ticket.
//
//   pnpm bench:sweeper [--tickets 30000] [--agents 100] [--batch 250 = LEASE_SWEEP_BATCH] [--sweepers 1] [--only embedded|postgres]
//
// Targets (issue 13): 30,000 leases within 15 s on PostgreSQL and 60 s embedded. Before (one ticket at a time, four
// statements each): about 20 tickets/s.
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432 (a scratch database is created there and dropped after)
//   BENCH_KEEP=1 keeps the scratch database / data dir
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_CORE_CONFIG, LEASE_SWEEP_BATCH, LIVE_CHANNEL, sweepExpiredLeases, systemClock, type Ctx } from '../packages/core/src/index';
import { openDatabase, type Database } from '../packages/db/src/index';
import { log, PG_URL, pgAdmin } from './lib';

const { values: opt } = parseArgs({
  options: {
    tickets: { type: 'string', default: process.env.BENCH_TICKETS ?? '30000' },
    agents: { type: 'string', default: '100' },
    batch: { type: 'string', default: String(LEASE_SWEEP_BATCH) },
    sweepers: { type: 'string', default: '1' },
    only: { type: 'string', default: process.env.BENCH_ONLY ?? '' },
  },
});
const N = Number(opt.tickets);
const AGENTS = Number(opt.agents);
const BATCH = Number(opt.batch);
const SWEEPERS = Number(opt.sweepers);
const KEEP = process.env.BENCH_KEEP === '1';

/** N tickets in progress, held by AGENTS active agents of one workspace, whose leases ran out 1 to 10 minutes ago. */
async function seed(database: Database) {
  const run = (_name: string, text: string, values: unknown[] = []) => raw(database, text, values);
  await run('bench_user', `INSERT INTO users (id, email, name) VALUES ('usr_bench', 'bench@example.test', 'Bench')`);
  await run('bench_ws', `INSERT INTO workspaces (id, slug, name, ticket_seq, created_by) VALUES ('wsp_bench', 'bench', 'Bench', $1::int, 'usr_bench')`, [N]);
  await run('bench_member', `INSERT INTO memberships (workspace_id, user_id, role) VALUES ('wsp_bench', 'usr_bench', 'owner')`);
  await run(
    'bench_agents',
    `INSERT INTO agents (id, workspace_id, name, status, registration_secret_hash)
     SELECT 'agt_bench_' || i, 'wsp_bench', 'bench-' || i, 'active', 'x' FROM generate_series(1, $1::int) i`,
    [AGENTS],
  );
  await run(
    'bench_tickets',
    `INSERT INTO tickets (id, workspace_id, number, title, status, claimed_by_agent_id, claimed_at, lease_expires_at,
       created_by_kind, created_by_id, created_at, updated_at, status_changed_at, version)
     SELECT 'tkt_bench_' || lpad(i::text, 8, '0'), 'wsp_bench', i, 'bench ticket ' || i, 'in_progress', 'agt_bench_' || (i % $2::int + 1),
       now() - interval '20 minutes', now() - interval '1 minute' - (i % 540) * interval '1 second',
       'user', 'usr_bench', now() - interval '1 hour', now() - interval '20 minutes', now() - interval '20 minutes', 2
     FROM generate_series(1, $1::int) i`,
    [N, AGENTS],
  );
  await run('bench_analyze', 'ANALYZE');
}

/** One statement on the database's own client (a pg Pool or a PGlite: both have `query(text, values)`), unprepared. */
async function raw(database: Database, text: string, values: unknown[] = []): Promise<any[]> {
  const client = (database.db as unknown as { $client: { query(text: string, values?: unknown[]): Promise<{ rows: any[] }> } }).$client;
  return (await client.query(text, values)).rows;
}

async function count(database: Database, text: string): Promise<number> {
  const [r] = await raw(database, text);
  return Number(r.n);
}

async function measure(kind: 'postgres' | 'embedded', database: Database) {
  const t0 = performance.now();
  await seed(database);
  const seedS = (performance.now() - t0) / 1000;
  let announced = 0;
  let allAnnounced = 0;
  const unlisten = await database.listen(LIVE_CHANNEL, (payload) => {
    if (JSON.parse(payload).type === 'ticket.released' && ++announced === N) allAnnounced = performance.now();
  });
  const ctx: Ctx = { db: database.db, clock: systemClock, principal: { kind: 'system', name: 'runner' }, requestId: null, config: DEFAULT_CORE_CONFIG };

  const start = performance.now();
  const released = (await Promise.all(Array.from({ length: SWEEPERS }, () => sweepExpiredLeases(ctx, BATCH)))).reduce((a, b) => a + b, 0);
  const passS = (performance.now() - start) / 1000;
  for (let i = 0; i < 600 && announced < N; i++) await new Promise((r) => setTimeout(r, 50));
  const liveS = allAnnounced ? (allAnnounced - start) / 1000 : NaN;
  await unlisten();

  const checks = {
    released,
    inProgress: await count(database, `SELECT count(*) AS n FROM tickets WHERE status = 'in_progress'`),
    todoFree: await count(database, `SELECT count(*) AS n FROM tickets WHERE status = 'todo' AND claimed_by_agent_id IS NULL AND lease_expires_at IS NULL AND version = 3`),
    activity: await count(database, `SELECT count(DISTINCT target_id) AS n FROM activity WHERE action = 'ticket.lease_expired'`),
    activityRows: await count(database, `SELECT count(*) AS n FROM activity WHERE action = 'ticket.lease_expired'`),
    events: await count(database, `SELECT count(*) AS n FROM events WHERE type = 'ticket.released' AND data->>'reason' = 'lease_expired'`),
    notifications: await count(database, `SELECT count(*) AS n FROM notifications WHERE type = 'lease_expired'`),
    announced,
  };
  const ok = checks.released === N && checks.inProgress === 0 && checks.todoFree === N && checks.activity === N && checks.activityRows === N && checks.events === N && checks.notifications === N && announced === N;
  const batches = Math.ceil(N / BATCH) + 1;
  log(
    `${kind.padEnd(9)} ${N} leases, batch ${BATCH}, ${SWEEPERS} sweeper(s): seeded in ${seedS.toFixed(1)} s; all back in To-do after ${passS.toFixed(2)} s ` +
      `(${Math.round(N / passS)} tickets/s, ~${((passS * 1000) / batches).toFixed(0)} ms per batch of ${BATCH}); ` +
      `all ${N} live announcements received after ${liveS.toFixed(2)} s; checks ${ok ? 'OK' : `FAILED ${JSON.stringify(checks)}`}`,
  );
  if (!ok) process.exitCode = 1;
  return { kind, passS, liveS, ok, checks };
}

async function onPostgres() {
  const admin = await pgAdmin();
  if (!admin) return;
  const name = `mc_bench_sweeper_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const database = await openDatabase({ databaseUrl: `${PG_URL}/${name}`, poolSize: Math.max(4, SWEEPERS + 2) });
  try {
    await measure('postgres', database);
  } finally {
    await database.close();
    if (!KEEP) await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    else log(`kept ${PG_URL}/${name}`);
    await admin.end();
  }
}

async function onEmbedded() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mc-bench-sweeper-'));
  const database = await openDatabase({ dataDir: dir });
  try {
    await measure('embedded', database);
  } finally {
    await database.close();
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

if (opt.only !== 'embedded') await onPostgres();
if (opt.only !== 'postgres') await onEmbedded();

// bench/crons — the cron scheduler (issue 14) on PostgreSQL and on the embedded database (PGlite), in-process with
// the app's own code and the real clock:
//
// 1. 10,000 crons across 100 workspaces (one agent each), seeded set-based, none due for months: the scheduler
//    (CronScheduler, woken by LISTEN mc_crons as in the server) idles; its CPU over IDLE_S seconds is reported.
// 2. 1,000 of them become due at the next minute boundary (one UPDATE and the crons signal): lateness of each run
//    (fired = the run row's insert, started = its ticket created) against its slot, p50/p99/max; every slot fired
//    exactly once (one run, one ticket, one `cron_run.started` per cron); CPU of this process per fired run (on the
//    embedded database that includes the database itself; on PostgreSQL it is the scheduler's side only).
// 3. PostgreSQL only: two "web processes" (bench/crons-proc.ts: the server's own runtime from apps/web/src/context.ts)
//    on one database, 150 every-minute crons for two minute boundaries (300 slots): each fired exactly once.
//
//   pnpm bench:crons [--crons 10000] [--due 1000] [--workspaces 100] [--idle 20] [--only embedded|postgres] [--procs-crons 150]
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432 (scratch databases are created there and dropped after)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CRONS_CHANNEL, CronScheduler, DEFAULT_CORE_CONFIG, systemClock, type Ctx } from '../packages/core/src/index';
import { openDatabase, type Database } from '../packages/db/src/index';
import { createRequire } from 'node:module';
import { log, PG_URL, pgAdmin, root, sleep } from './lib';

/**
 * Statements sent to PostgreSQL by this process while `counting` (node-postgres's Client#query, as packages/db loads
 * it): a stable figure where wall-clock time is not (BEGIN, SAVEPOINT and COMMIT count as statements too).
 */
const pgClient = (createRequire(path.join(root, 'packages/db/package.json'))('pg') as { Client: { prototype: { query: (...a: unknown[]) => unknown } } }).Client.prototype;
let statements = 0;
let counting = false;
const pgQuery = pgClient.query;
pgClient.query = function (this: unknown, ...a: unknown[]) {
  if (counting) statements++;
  return pgQuery.apply(this, a);
};

const { values: opt } = parseArgs({
  options: {
    crons: { type: 'string', default: '10000' },
    due: { type: 'string', default: '1000' },
    workspaces: { type: 'string', default: '100' },
    idle: { type: 'string', default: '20' },
    only: { type: 'string', default: process.env.BENCH_ONLY ?? '' },
    'procs-crons': { type: 'string', default: '150' },
  },
});
const N = Number(opt.crons);
const DUE = Number(opt.due);
const WS = Number(opt.workspaces);
const IDLE_S = Number(opt.idle);
const PROCS_CRONS = Number(opt['procs-crons']);

async function raw(database: Database, text: string, values: unknown[] = []): Promise<any[]> {
  const client = (database.db as unknown as { $client: { query(text: string, values?: unknown[]): Promise<{ rows: any[] }> } }).$client;
  return (await client.query(text, values)).rows;
}

/** Workspaces with one active agent and an owner each, and `n` crons (one target each, spread over the workspaces). */
async function seed(database: Database, n: number, workspaces: number, schedule: string, nextDueAt: string) {
  await raw(database, `INSERT INTO users (id, email, name) VALUES ('usr_bench', 'bench@example.test', 'Bench') ON CONFLICT DO NOTHING`);
  await raw(database, `INSERT INTO workspaces (id, slug, name, created_by) SELECT 'wsp_b' || i, 'bench-' || i, 'Bench ' || i, 'usr_bench' FROM generate_series(1, $1::int) i`, [workspaces]);
  await raw(database, `INSERT INTO memberships (workspace_id, user_id, role) SELECT 'wsp_b' || i, 'usr_bench', 'owner' FROM generate_series(1, $1::int) i`, [workspaces]);
  await raw(database, `INSERT INTO agents (id, workspace_id, name, status, registration_secret_hash) SELECT 'agt_b' || i, 'wsp_b' || i, 'bench-' || i, 'active', 'x' FROM generate_series(1, $1::int) i`, [workspaces]);
  await raw(
    database,
    `INSERT INTO crons (id, name, schedule, schedule_kind, timezone, task, retry, concurrency, catch_up, next_due_at)
     SELECT 'crn_b' || lpad(i::text, 6, '0'), 'bench ' || i, $2, 'cron', 'UTC', '{"title":"bench run","createTicket":true}'::jsonb, '{"maxAttempts":1}'::jsonb, 'skip', 'once', $3::timestamptz
     FROM generate_series(1, $1::int) i`,
    [n, schedule, nextDueAt],
  );
  await raw(
    database,
    `INSERT INTO cron_targets (cron_id, workspace_id, agent_id) SELECT 'crn_b' || lpad(i::text, 6, '0'), 'wsp_b' || (i % $2::int + 1), 'agt_b' || (i % $2::int + 1) FROM generate_series(1, $1::int) i`,
    [n, workspaces],
  );
  await raw(database, 'ANALYZE');
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** The next minute boundary at least `aheadMs` from now. */
const nextMinute = (aheadMs: number) => new Date(Math.ceil((Date.now() + aheadMs) / 60_000) * 60_000);

async function until(what: string, timeoutMs: number, fn: () => Promise<boolean>) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await fn()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Slot lateness and exactly-once checks of the runs of one slot. */
async function slotReport(database: Database, slot: Date, expected: number) {
  const rows = await raw(
    database,
    `SELECT cron_id, extract(epoch FROM created_at - slot) * 1000 AS fired_ms, extract(epoch FROM started_at - slot) * 1000 AS started_ms FROM cron_runs WHERE slot = $1::timestamptz`,
    [slot.toISOString()],
  );
  const [{ n: tickets }] = await raw(database, `SELECT count(*)::int AS n FROM tickets t JOIN cron_runs r ON r.id = t.created_by_id WHERE t.created_by_kind = 'cron' AND r.slot = $1::timestamptz`, [slot.toISOString()]);
  const [{ n: started }] = await raw(database, `SELECT count(*)::int AS n FROM events WHERE type = 'cron_run.started' AND data->'run'->>'slot' = $1`, [slot.toISOString()]);
  const fired = rows.map((r) => Number(r.fired_ms));
  const startedMs = rows.map((r) => Number(r.started_ms));
  const once = rows.length === expected && new Set(rows.map((r) => r.cron_id)).size === expected && tickets === expected && started === expected;
  return {
    once,
    checks: { runs: rows.length, crons: new Set(rows.map((r) => r.cron_id)).size, tickets, started },
    fired: { p50: pct(fired, 50), p99: pct(fired, 99), max: pct(fired, 100) },
    started: { p50: pct(startedMs, 50), p99: pct(startedMs, 99), max: pct(startedMs, 100) },
  };
}

async function measure(kind: 'postgres' | 'embedded', database: Database) {
  const t0 = performance.now();
  await seed(database, N, WS, '0 3 1 1 *', '2027-01-01T03:00:00Z');
  log(`${kind.padEnd(9)} seeded ${N} crons across ${WS} workspaces in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const ctx: Ctx = { db: database.db, clock: systemClock, principal: { kind: 'system', name: 'runner' }, requestId: null, config: DEFAULT_CORE_CONFIG };
  let passes = 0;
  const scheduler = new CronScheduler(ctx, { dispatch: null, onPassDone: () => passes++, onError: (e) => console.error('[bench] pass failed:', (e as Error).message) });
  const unlisten = await database.listen(CRONS_CHANNEL, () => scheduler.wake());
  scheduler.start();
  try {
    await sleep(2000);
    // 1. Idle: nothing due for months.
    const idleCpu0 = cpuNow();
    const idlePasses0 = passes;
    await sleep(IDLE_S * 1000);
    const idleCpuMs = cpuNow() - idleCpu0;
    log(`${kind.padEnd(9)} idle with ${N} crons, none due: ${idleCpuMs.toFixed(0)} ms CPU in ${IDLE_S} s (${(idleCpuMs / IDLE_S).toFixed(2)} ms/s), ${passes - idlePasses0} passes`);

    // 2. DUE crons become due at the next minute boundary: the change is announced as the crons use case does.
    const slot = nextMinute(8000);
    await raw(database, `UPDATE crons SET schedule = '* * * * *', next_due_at = $1::timestamptz WHERE id IN (SELECT id FROM crons ORDER BY id LIMIT $2::int)`, [slot.toISOString(), DUE]);
    await raw(database, `SELECT pg_notify($1, $2)`, [CRONS_CHANNEL, JSON.stringify({ cronId: '*', change: 'updated', nextDueAt: slot.toISOString() })]);
    await sleep(Math.max(0, slot.getTime() - Date.now() - 500));
    const cpu0 = cpuNow();
    let polls = 0;
    statements = 0;
    counting = true;
    await until('every due run to start', 600_000, async () => {
      polls++;
      const [r] = await raw(database, `SELECT count(*)::int AS n FROM cron_runs WHERE slot = $1::timestamptz AND status = 'running'`, [slot.toISOString()]);
      return r.n >= DUE;
    });
    counting = false;
    const cpuMs = cpuNow() - cpu0;
    // The scheduler's own statements (this loop's polls left out): the fire, then each run's start.
    const perRun = (statements - polls) / DUE;
    const allStartedS = (Date.now() - slot.getTime()) / 1000;
    await scheduler.stop();
    const r = await slotReport(database, slot, DUE);
    log(
      `${kind.padEnd(9)} ${DUE} of ${N} crons due at ${slot.toISOString()}: fired (run inserted) − slot p50 ${r.fired.p50.toFixed(0)} ms, p99 ${r.fired.p99.toFixed(0)} ms, max ${r.fired.max.toFixed(0)} ms; ` +
        `started (ticket created) − slot p50 ${r.started.p50.toFixed(0)} ms, p99 ${r.started.p99.toFixed(0)} ms, max ${r.started.max.toFixed(0)} ms; all started after ${allStartedS.toFixed(1)} s; ` +
        `CPU ${(cpuMs / DUE).toFixed(1)} ms per fired run (this process${kind === 'embedded' ? ', database included' : ''}); ` +
        (kind === 'postgres' ? `${perRun.toFixed(1)} statements per fired run (fire + start); ` : '') +
        `exactly once ${r.once ? 'OK' : `FAILED ${JSON.stringify(r.checks)}`}`,
    );
    if (!r.once || r.fired.p99 > 1000) process.exitCode = 1;
  } finally {
    await scheduler.stop();
    await unlisten();
  }
}

/** Two server runtimes on one PostgreSQL database, PROCS_CRONS every-minute crons, two minute boundaries. */
async function twoProcesses(admin: NonNullable<Awaited<ReturnType<typeof pgAdmin>>>) {
  const name = `mc_bench_crons2_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = `${PG_URL}/${name}`;
  const database = await openDatabase({ databaseUrl: url, poolSize: 4 });
  const procs: ChildProcess[] = [];
  try {
    const first = nextMinute(40_000);
    await seed(database, PROCS_CRONS, 10, '* * * * *', first.toISOString());
    for (let i = 0; i < 2; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/crons-proc.ts')], { cwd: root, env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
      procs.push(child);
      let out = '';
      child.stderr!.on('data', (d) => (out += d));
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d) => String(d).includes('READY') && resolve());
        child.on('exit', (code) => reject(new Error(`process ${i} exited ${code}: ${out}`)));
      });
    }
    const second = new Date(first.getTime() + 60_000);
    await until('both slots to start', 600_000, async () => {
      const [r] = await raw(database, `SELECT count(*)::int AS n FROM cron_runs WHERE slot IN ($1::timestamptz, $2::timestamptz) AND status IN ('running', 'skipped')`, [first.toISOString(), second.toISOString()]);
      return r.n >= 2 * PROCS_CRONS;
    });
    const a = await slotReport(database, first, PROCS_CRONS);
    // The second minute's slots find the first minute's runs still going (concurrency skip): recorded skipped, once each.
    const rows = await raw(database, `SELECT cron_id, status FROM cron_runs WHERE slot = $1::timestamptz`, [second.toISOString()]);
    const secondOnce = rows.length === PROCS_CRONS && new Set(rows.map((r) => r.cron_id)).size === PROCS_CRONS;
    const [{ n: total }] = await raw(database, `SELECT count(*)::int AS n FROM cron_runs`);
    log(
      `postgres  two processes, ${PROCS_CRONS} every-minute crons, slots ${first.toISOString()} and ${second.toISOString()} (${2 * PROCS_CRONS} slots): ` +
        `first minute fired p99 ${a.fired.p99.toFixed(0)} ms, started p99 ${a.started.p99.toFixed(0)} ms; ${total} runs in all; ` +
        `exactly once ${a.once && secondOnce && total === 2 * PROCS_CRONS ? 'OK' : `FAILED ${JSON.stringify({ ...a.checks, second: rows.length, total })}`}`,
    );
    if (!(a.once && secondOnce && total === 2 * PROCS_CRONS)) process.exitCode = 1;
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await sleep(1500);
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await database.close();
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  }
}

log(`bench:crons ${new Date().toISOString()} load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} CPUs)`);
if (opt.only !== 'embedded') {
  const admin = await pgAdmin();
  if (admin) {
    const name = `mc_bench_crons_${process.pid}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const database = await openDatabase({ databaseUrl: `${PG_URL}/${name}`, poolSize: 8 });
    try {
      await measure('postgres', database);
    } finally {
      await database.close();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    }
    await twoProcesses(admin);
    await admin.end();
  }
}
if (opt.only !== 'postgres') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mc-bench-crons-'));
  const database = await openDatabase({ dataDir: dir });
  try {
    await measure('embedded', database);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
log(`done ${new Date().toISOString()} load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

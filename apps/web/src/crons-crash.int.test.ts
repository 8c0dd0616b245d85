// kill -9 during a cron run (issue 14): a scheduler process (crons-crash.child.ts) is killed with SIGKILL twice —
// first inside a run's start transaction (its ticket written, not committed), then while the run is running — and
// the scheduler that comes back on the same database (the embedded data folder, or PostgreSQL) finishes the job on a
// manual clock: the slot is fired once, the killed start left nothing behind, the running attempt fails at its
// deadline and is retried by the policy. One run, every attempt listed, one ticket per attempt, nothing doubled.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CORE_CONFIG, ManualClock, runSchedulerPass, type CronRunAttempt, type Ctx } from '@mc/core';
import { openDatabase, queryRaw, type Database } from '@mc/db';
import { createTestDatabase, type TestDatabase } from '@mc/db/testing';
import { afterAll, expect, it } from 'vitest';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pgUrl = process.env.TEST_DATABASE_URL;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mc-cron-crash-'));
let fixture: TestDatabase | null = null;
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fixture?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The database as a new process opens it: the data folder, or the test database's URL with a pool of its own. */
const open = (): Promise<Database> => (pgUrl ? openDatabase({ databaseUrl: fixture!.url!, migrate: false }) : openDatabase({ dataDir }));
const sql = (db: Database, text: string, values: unknown[] = []) => queryRaw<any>(db.db, `t_${Math.random().toString(36).slice(2)}`, text, values);

/** Start the child scheduler and wait (bounded) for the line it prints when it has reached the point to be killed at. */
function startChild(mode: string, now: string, expect: RegExp): Promise<{ child: ChildProcess; line: string }> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  // node itself (with tsx as a loader), not the tsx wrapper: SIGKILL must hit the process that runs the scheduler.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/crons-crash.child.ts'], {
    cwd: appDir,
    env: { ...inherited, MC_TEST_MODE: mode, MC_TEST_NOW: now, MC_TEST_DATA_DIR: dataDir, ...(pgUrl ? { DATABASE_URL: fixture!.url! } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child (${mode}) did not reach its point:\n${out}`)), 120_000);
    const look = (d: Buffer) => {
      out += d;
      const m = out.split('\n').find((l) => expect.test(l));
      if (m) {
        clearTimeout(timer);
        resolve({ child, line: m });
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`child (${mode}) exited ${code} early:\n${out}`)));
  });
}

async function kill9(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  // PostgreSQL: the killed process's session ends (its open transaction rolled back, its locks released) once the
  // server reads the closed socket — a moment after the kill. Wait for it (bounded), as a restarted process would.
  if (pgUrl) {
    for (let i = 0; i < 200; i++) {
      const [r] = await sql(fixture!, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`);
      if (r.n === 0) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error('the killed process\'s session is still open');
  }
}

it('a scheduler killed in a run\'s start and then mid-run: after restart the slot runs once, retried by its policy', { timeout: 600_000 }, async () => {
  // Seed: a workspace with an active agent (with an endpoint, so that the start dispatches) and an hourly cron.
  if (pgUrl) fixture = await createTestDatabase();
  let db = pgUrl ? fixture! : await open();
  await sql(db, `INSERT INTO users (id, email, name) VALUES ('usr_c', 'c@example.test', 'C')`);
  await sql(db, `INSERT INTO workspaces (id, slug, name, created_by) VALUES ('wsp_c', 'crash', 'Crash', 'usr_c')`);
  await sql(db, `INSERT INTO memberships (workspace_id, user_id, role) VALUES ('wsp_c', 'usr_c', 'owner')`);
  await sql(db, `INSERT INTO agents (id, workspace_id, name, status, registration_secret_hash, endpoint) VALUES ('agt_c', 'wsp_c', 'worker', 'active', 'x', 'http://127.0.0.1:9/agent')`);
  await sql(
    db,
    `INSERT INTO crons (id, name, schedule, schedule_kind, timezone, task, retry, concurrency, catch_up, next_due_at)
     VALUES ('crn_c', 'hourly', '0 * * * *', 'cron', 'UTC', $1::jsonb, $2::jsonb, 'skip', 'once', '2026-06-01T10:00:00Z')`,
    [JSON.stringify({ title: 'Hourly', createTicket: true, timeoutSeconds: 600 }), JSON.stringify({ maxAttempts: 3, backoff: 'fixed', baseSeconds: 60 })],
  );
  await sql(db, `INSERT INTO cron_targets (cron_id, workspace_id, agent_id) VALUES ('crn_c', 'wsp_c', 'agt_c')`);
  if (!pgUrl) await db.close();

  // 1. Killed inside the run's start: the slot is fired (committed), the start's transaction is not.
  const first = await startChild('hang-in-start', '2026-06-01T10:00:00.500Z', /^IN_START/);
  await kill9(first.child);
  db = pgUrl ? fixture! : await open();
  let runs = await sql(db, `SELECT id, status, attempt, ticket_ids FROM cron_runs WHERE cron_id = 'crn_c'`);
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ status: 'pending', attempt: 1 });
  expect(runs[0].ticket_ids).toEqual([]);
  expect(await sql(db, `SELECT id FROM tickets WHERE created_by_kind = 'cron'`)).toEqual([]);
  const [cron] = await sql(db, `SELECT next_due_at FROM crons WHERE id = 'crn_c'`);
  expect(new Date(cron.next_due_at).toISOString()).toBe('2026-06-01T11:00:00.000Z');
  if (!pgUrl) await db.close();

  // 2. A new scheduler starts it (the same slot, not a new one), and is killed while the run is running.
  const second = await startChild('hang-after-start', '2026-06-01T10:00:02.000Z', /^STARTED /);
  expect(second.line).toBe(`STARTED ${runs[0].id}`);
  await kill9(second.child);

  // 3. Back again, later: the attempt's deadline passed with no outcome: it fails and is retried after the backoff.
  db = pgUrl ? fixture! : await open();
  const clock = new ManualClock(new Date('2026-06-01T10:10:02.000Z'));
  const ctx: Ctx = { db: db.db, clock, principal: { kind: 'system', name: 'runner' }, requestId: null, config: DEFAULT_CORE_CONFIG };
  const back = await runSchedulerPass(ctx, { dispatch: null });
  expect(back.overdue).toBe(1);
  expect(back.fired.crons).toBe(0);
  runs = await sql(db, `SELECT id, status, attempt, reason, due_at FROM cron_runs WHERE cron_id = 'crn_c'`);
  expect(runs).toEqual([expect.objectContaining({ status: 'pending', attempt: 2, reason: 'DEADLINE' })]);
  clock.set(new Date(new Date(runs[0].due_at).getTime()));
  expect((await runSchedulerPass(ctx, { dispatch: null })).started).toBe(1);

  const [run] = await sql(db, `SELECT id, status, attempt, attempts, ticket_ids FROM cron_runs WHERE cron_id = 'crn_c'`);
  expect(run).toMatchObject({ status: 'running', attempt: 2 });
  expect((run.attempts as CronRunAttempt[]).map((a) => [a.attempt, a.status, a.error?.startsWith('the attempt reached its deadline') ?? null])).toEqual([
    [1, 'failed', true],
    [2, 'running', null],
  ]);
  const tickets = await sql(db, `SELECT id, created_by_id FROM tickets WHERE created_by_kind = 'cron' ORDER BY number`);
  expect(tickets.map((t: { id: string }) => t.id)).toEqual(run.ticket_ids);
  expect(tickets).toHaveLength(2);
  expect(tickets.every((t: { created_by_id: string }) => t.created_by_id === run.id)).toBe(true);
  const started = await sql(db, `SELECT count(*)::int AS n FROM events WHERE type = 'cron_run.started'`);
  expect(started[0].n).toBe(2);
  if (!pgUrl) await db.close();
});

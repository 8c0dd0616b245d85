// bench/claim-next-pick — what claim-next's pick reads as claims accumulate (issue 13, point 2): in-process with the
// app's own code on PostgreSQL and on the embedded database (PGlite). A workspace, AGENTS active agents and N To-do
// tickets are seeded with set-based SQL, then claim-nexts run through `claimNextTicket` (the server's code, the same
// statement) one after another, AGENTS at a time. At 0 claims and after every STEP claims: EXPLAIN (ANALYZE,
// BUFFERS) of the pick as claim-next runs it (`ORDER BY priority, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED` over
// `tickets_available_idx`, in a transaction that is rolled back), the buffers of the whole claim-next statement
// (also rolled back), and the process CPU per claim-next of the last step (on PostgreSQL plus the backends', read
// from pg_stat_activity's pids through /proc). Buffers are the stable figure; times are noisy on a loaded machine.
//
//   node --import tsx bench/claim-next-pick.ts [--tickets 30000] [--claims 5000] [--step 1000] [--only embedded|postgres] [--plans]
//
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432 (a scratch database is created there and dropped after)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CLAIM_NEXT_SQL, claimNextTicket, claimTicket, DEFAULT_CORE_CONFIG, LiveBus, systemClock, type Ctx } from '../packages/core/src/index';
import { maintainClaimedTickets, openDatabase, type Database } from '../packages/db/src/index';
import { log, PG_URL, pgAdmin } from './lib';

const { values: opt } = parseArgs({
  options: {
    tickets: { type: 'string', default: '30000' },
    claims: { type: 'string', default: '5000' },
    step: { type: 'string', default: '1000' },
    agents: { type: 'string', default: '20' },
    only: { type: 'string', default: process.env.BENCH_ONLY ?? '' },
    plans: { type: 'boolean', default: false },

  },
});
const N = Number(opt.tickets);
const CLAIMS = Number(opt.claims);
const STEP = Number(opt.step);
const AGENTS = Number(opt.agents);
// BENCH_MAINTAIN=0: without the VACUUM after claims where nothing else vacuums (`maintainClaimedTickets`), for before/after.
const MAINTAIN = process.env.BENCH_MAINTAIN !== '0';

async function raw(database: Database, text: string, values: unknown[] = []): Promise<any[]> {
  const client = (database.db as unknown as { $client: { query(text: string, values?: unknown[]): Promise<{ rows: any[] }> } }).$client;
  return (await client.query(text, values)).rows;
}

async function seed(database: Database) {
  await raw(database, `INSERT INTO users (id, email, name) VALUES ('usr_pick', 'pick@example.test', 'Pick')`);
  await raw(database, `INSERT INTO workspaces (id, slug, name, ticket_seq, created_by) VALUES ('wsp_pick', 'pick', 'Pick', $1::int, 'usr_pick')`, [N]);
  await raw(database, `INSERT INTO memberships (workspace_id, user_id, role) VALUES ('wsp_pick', 'usr_pick', 'owner')`);
  await raw(
    database,
    `INSERT INTO agents (id, workspace_id, name, status, registration_secret_hash)
     SELECT 'agt_pick_' || i, 'wsp_pick', 'pick-' || i, 'active', 'x' FROM generate_series(1, $1::int) i`,
    [AGENTS],
  );
  await raw(
    database,
    `INSERT INTO tickets (id, workspace_id, number, title, status, priority, created_by_kind, created_by_id, created_at, updated_at, status_changed_at)
     SELECT 'tkt_pick_' || lpad(i::text, 8, '0'), 'wsp_pick', i, 'pick ticket ' || i, 'todo', 0, 'user', 'usr_pick',
       now() - interval '2 hours' + i * interval '1 ms', now() - interval '2 hours', now() - interval '2 hours'
     FROM generate_series(1, $1::int) i`,
    [N],
  );
  await raw(database, 'VACUUM ANALYZE');
}

const PICK = `SELECT c.id FROM tickets c
  WHERE c.workspace_id = 'wsp_pick' AND c.status = 'todo' AND c.claimed_by_agent_id IS NULL
    AND ((c.assignee_agent_id IS NULL AND c.assignee_user_id IS NULL) OR c.assignee_agent_id = 'agt_pick_1')
    AND c.required_capabilities <@ '[]'::jsonb
  ORDER BY c.priority, c.created_at, c.id LIMIT 1 FOR UPDATE OF c SKIP LOCKED`;

/** Shared hit + read buffers of a plan's top node, and its execution time. */
async function explain(database: Database, text: string, values: unknown[] = []) {
  await raw(database, 'BEGIN');
  try {
    const [row] = await raw(database, `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, values);
    const plan = (typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN'])[0];
    return { buffers: (plan.Plan['Shared Hit Blocks'] ?? 0) + (plan.Plan['Shared Read Blocks'] ?? 0), ms: plan['Execution Time'] as number, plan };
  } finally {
    await raw(database, 'ROLLBACK');
  }
}

async function textPlan(database: Database, text: string) {
  await raw(database, 'BEGIN');
  try {
    return (await raw(database, `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) ${text}`)).map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await raw(database, 'ROLLBACK');
  }
}

/** The whole claim-next statement with the values a claim-next by agent 1 gives it. */
function claimNextValues(): { text: string; values: unknown[] } {
  const now = new Date().toISOString();
  const p: Record<string, unknown> = {
    workspaceId: 'wsp_pick', agentId: 'agt_pick_1', capabilities: '[]', chosen: '[]', now, leaseUntil: now, month: now.slice(0, 8) + '01',
    activityId: 'act_pick_explain', actorName: 'pick-1', activityMetadata: '{}', requestId: null, eventId: 'evt_pick_explain', eventVersion: 1,
    eventData: '{}', quietable: true, live: '{"type":"bench"}',
  };
  const order: string[] = [];
  const text = CLAIM_NEXT_SQL.split("'")
    .map((piece, i) => (i % 2 ? piece : piece.replace(/(?<!:):([a-zA-Z][a-zA-Z0-9]*)/g, (_, n: string) => `$${(order.indexOf(n) + 1 || order.push(n))}`)))
    .join("'");
  return { text, values: order.map((n) => p[n]) };
}

function cpuOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* gone */
    }
  }
  return ticks * 10; // ms (USER_HZ 100)
}

async function measure(kind: 'postgres' | 'embedded', database: Database) {
  await seed(database);
  const agents = Array.from({ length: AGENTS }, (_, i) => `agt_pick_${i + 1}`);
  const ctxOf = (agentId: string): Ctx => ({
    db: database.db,
    clock: systemClock,
    requestId: null,
    config: DEFAULT_CORE_CONFIG,
    principal: { kind: 'agent', agentId, workspaceId: 'wsp_pick', name: agentId, capabilities: [], credentialId: 'key_' + agentId },
  });
  const bus = new LiveBus();
  const backends = async () => (kind === 'postgres' ? (await raw(database, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)).map((r) => Number(r.pid)) : []);
  const { text, values } = claimNextValues();
  const rows: string[] = [];
  const report = async (claimed: number, cpuPerClaim: number | null) => {
    const pick = await explain(database, PICK);
    const whole = await explain(database, text, values);
    const line = `${kind}: after ${String(claimed).padStart(5)} claims: pick ${String(pick.buffers).padStart(4)} buffers ${pick.ms.toFixed(3)} ms; claim-next statement ${String(whole.buffers).padStart(4)} buffers ${whole.ms.toFixed(3)} ms${cpuPerClaim === null ? '' : `; CPU ${cpuPerClaim.toFixed(3)} ms per claim-next (last ${STEP})`}`;
    let extra = '';
    if (kind === 'postgres') {
      const [st] = await raw(database, `SELECT n_dead_tup, autovacuum_count, (SELECT reloptions::text FROM pg_class WHERE relname = 'tickets') AS opts FROM pg_stat_user_tables WHERE relname = 'tickets'`);
      extra = `; dead rows ${st.n_dead_tup}, autovacuums ${st.autovacuum_count} (${st.opts})`;
    }
    log(line + extra);
    rows.push(line);
  };
  if (process.env.BENCH_GENERIC === '1') await raw(database, `SET plan_cache_mode = force_generic_plan`);
  await report(0, null);
  let claimed = 0;
  const vacuums: number[] = [];
  while (claimed < CLAIMS) {
    const pids = [process.pid, ...(await backends())];
    const cpu0 = cpuOf(pids);
    const target = Math.min(CLAIMS, claimed + STEP);
    while (claimed < target) {
      const n = Math.min(AGENTS, target - claimed);
      const got = await Promise.all(agents.slice(0, n).map((a) => claimNextTicket(ctxOf(a), bus, { waitSeconds: 0 })));
      if (got.some((t) => !t)) throw new Error('the pool ran dry');
      claimed += n;
      const vacuum = MAINTAIN ? maintainClaimedTickets(database, n) : null;
      if (vacuum) {
        const t0 = performance.now();
        await vacuum;
        vacuums.push(performance.now() - t0);
      }
    }
    const cpu = cpuOf(pids) - cpu0;
    await report(claimed, cpu / STEP);
  }
  // A few claims by id too (PATCH /tickets/{id}/claim's statement), for the plan counts below.
  const ids = (await raw(database, `SELECT id FROM tickets WHERE workspace_id = 'wsp_pick' AND status = 'todo' ORDER BY id DESC LIMIT 20`)).map((r) => r.id as string);
  for (const [i, id] of ids.entries()) await claimTicket(ctxOf(agents[i % AGENTS]), id);
  if (kind === 'embedded') {
    // Whether the prepared claim-next runs its generic plan or is planned again for every run (plan_cache_mode auto).
    for (const r of await raw(database, `SELECT name, generic_plans, custom_plans FROM pg_prepared_statements ORDER BY name`)) log(`${kind}: prepared ${r.name}: ${r.generic_plans} generic, ${r.custom_plans} custom plans`);
  }
  if (vacuums.length) log(`${kind}: ${vacuums.length} VACUUM tickets after claims, ${vacuums.map((v) => v.toFixed(0)).join(', ')} ms`);
  if (opt.plans) {
    log(`\n${kind}: the pick after ${claimed} claims, EXPLAIN (ANALYZE, BUFFERS):\n${await textPlan(database, PICK)}\n`);
    log(`${kind}: the claim-next statement after ${claimed} claims:\n${await textPlan(database, text.replace(/\$(\d+)/g, (_, n) => literal(values[Number(n) - 1])))}\n`);
  }
  return rows;
}

const literal = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);

async function main() {
  log(`claim-next pick: ${N} To-do tickets, ${CLAIMS} claim-nexts by ${AGENTS} agents at a time, maintenance ${MAINTAIN ? 'on' : 'off'}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  if (opt.only !== 'postgres') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mc-pick-'));
    const database = await openDatabase({ dataDir: dir });
    try {
      await measure('embedded', database);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (opt.only !== 'embedded') {
    const admin = await pgAdmin();
    if (!admin) return log('PostgreSQL not reachable: skipped');
    const name = `mc_pick_${process.pid}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const database = await openDatabase({ databaseUrl: `${PG_URL}/${name}`, poolSize: AGENTS });
    try {
      await measure('postgres', database);
    } finally {
      await database.close();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    }
  }
  log(`load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

await main();

// bench/req-cost — the fixed cost of one API request (issue 13, point 1: "app within 2× of bare"): CPU per request of
// the app's process (and, on PostgreSQL, of its database backends) for a few cheap reads, against a bare Node `http`
// server running the same statements on the same driver (bench/bare-lists.mjs), and the statements each request
// sends (PostgreSQL, log_statement = all). CPU time, not wall-clock time: robust to the load of a shared machine.
//
//   pnpm build && pnpm bench:req-cost
//
// A run, per database: the app starts on an empty database; a workspace, an approved agent with its key and a person
// (member of the workspace, with a personal key) are made over the API, then the app stops and BENCH_AGENTS agents
// are written in one INSERT … SELECT generate_series, VACUUM ANALYZE. The app restarts (and the bare server beside it:
// on PGlite on a copy of the data directory); each case is asked BENCH_WARMUP times, then BENCH_N times one at a time
// on one keep-alive connection, in rounds alternating between the app and the bare server; the server's CPU time (from
// /proc) and, on PostgreSQL, the CPU time of the database's backends over a round give µs per request (the median
// round is reported). Then, on
// PostgreSQL, BENCH_COUNT requests of each case with log_statement = all give the statements per request (request
// path and background work apart: the rate-limit and key-usage flushes).
//
// Environment (all optional):
//   BENCH_N=2000 requests per case and server, in BENCH_ROUNDS=5 rounds (app and bare alternating)   BENCH_WARMUP=200   BENCH_COUNT=20   BENCH_AGENTS=1000   BENCH_ONLY=embedded|postgres
//   BENCH_CASES=<text> only the cases whose name contains it
//   BENCH_PORT=3580 (bare; the app builds on +1, +2, …)   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432   BENCH_JSON=<file>
//   BENCH_PROFILE=<dir>   run the app under --cpu-prof (one profile per database, in <dir>/<database>/; summarise
//                         it with node bench/profile-summary.mjs <file>)
//   BENCH_SERVERS=before=<path>/server.mjs,after=apps/web/dist/server.mjs   several builds side by side (before/after
//                         figures): each runs as its own process (on PGlite on its own copy of the data directory),
//                         and the rounds alternate over all of them and the bare server. Default: the one build.
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  api,
  appEnv,
  benchAdmin,
  cpuMs,
  cpuMsOr0,
  EMBEDDED_POSTGRES_CONF,
  findPgLog,
  log,
  loggedStatements,
  openSql,
  personalKey,
  PG_URL,
  pgAdmin,
  readFrom,
  root,
  SERVER,
  sleep,
  splitBackground,
  staleBuildWarning,
  start,
  stop,
  waitReady,
  type PgClient,
  type Proc,
} from './lib';

const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
const N = num(process.env.BENCH_N, 2000);
const WARMUP = num(process.env.BENCH_WARMUP, 200);
const COUNT = num(process.env.BENCH_COUNT, 20);
const ROUNDS = num(process.env.BENCH_ROUNDS, 5);
const AGENTS = num(process.env.BENCH_AGENTS, 1000);
/** The bare server's port; the builds take the next ones. */
const PORT = num(process.env.BENCH_PORT, 3580);
const BARE = path.join(root, 'bench/bare-lists.mjs');
const PROFILE = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : undefined;

const ADMIN = benchAdmin('reqcost', 'r');
const MEMBER = { email: 'bench.reqcost@example.com', name: 'Bench Reqcost', password: 'bench-password-789' };

interface World {
  ws: string;
  agentId: string;
  agentKey: string;
  memberId: string;
  memberKey: string;
}

async function seedApi(): Promise<World> {
  const slug = `reqcost-${Date.now().toString(36)}`;
  const { json: w } = await api(PORT, 'POST', '/api/v1/workspaces', { key: ADMIN.key, body: { name: 'Request cost', slug } });
  const { json: reg } = await api(PORT, 'POST', '/api/v1/agents', { body: { workspace: slug, name: 'lister', capabilities: ['code'] } });
  const { agentId, registrationSecret } = reg.data;
  await api(PORT, 'POST', `/api/v1/agents/${agentId}/approve`, { key: ADMIN.key });
  const { json: k } = await api(PORT, 'GET', `/api/v1/agents/${agentId}/registration`, { key: registrationSecret });
  const { json: u } = await api(PORT, 'POST', '/api/v1/users', { key: ADMIN.key, body: { email: MEMBER.email, name: MEMBER.name, password: MEMBER.password } });
  await api(PORT, 'POST', `/api/v1/workspaces/${w.data.id}/members`, { key: ADMIN.key, body: { email: MEMBER.email, role: 'member' } });
  return { ws: w.data.id, agentId, agentKey: k.data.apiKey, memberId: u.data.id, memberKey: await personalKey(PORT, MEMBER) };
}

const SEED_AGENTS = `INSERT INTO agents (id, workspace_id, name, status, registration_secret_hash, capabilities, description, created_at, updated_at)
  SELECT 'agt_cost_' || g, $2, 'bot-' || g, (ARRAY['active', 'active', 'active', 'pending', 'deactivated', 'deleted'])[g % 6 + 1], 'x',
    '["code"]'::jsonb, 'bench agent ' || g, now() - make_interval(secs => g * 60), now() - make_interval(secs => g * 30)
  FROM generate_series(1, $1::int) g`;

interface Case {
  name: string;
  path: string;
  who: 'agent' | 'member' | 'none';
  /** The bare server's statements (bench/bare-lists.mjs): the page, and what the app runs around it. */
  sql?: string;
  params?: unknown[];
  extra?: { sql: string; params: unknown[] }[];
}

function cases(w: World): Case[] {
  const page = `SELECT * FROM agents WHERE workspace_id = '${w.ws}' AND status <> 'deleted' ORDER BY created_at DESC, id DESC LIMIT 21`;
  const access = { sql: `SELECT w.*, m.role FROM workspaces w LEFT JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1 WHERE w.id = '${w.ws}'`, params: [w.memberId] };
  return [
    { name: 'GET /health (no key)', path: '/api/v1/health', who: 'none' },
    { name: 'GET /agents?limit=20 (agent key)', path: '/api/v1/agents?limit=20', who: 'agent', sql: page, params: [] },
    { name: 'GET /agents?limit=20&workspaceId (user key)', path: `/api/v1/agents?limit=20&workspaceId=${w.ws}`, who: 'member', sql: page, params: [], extra: [access] },
  ].filter((c) => c.name.includes(process.env.BENCH_CASES ?? ''));
}

function client(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (p: string, key: string | undefined): Promise<number> =>
    new Promise((resolve, reject) => {
      const r = http.request({ host: '127.0.0.1', port, path: p, agent, headers: key ? { authorization: `Bearer ${key}` } : {} }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      r.on('error', reject);
      r.end();
    });
  return { get, close: () => agent.destroy() };
}

interface Cost {
  /** µs of the server process per request. */
  server: number;
  /** µs of the database backends per request (PostgreSQL), else null. */
  db: number | null;
}

/** The CPU time of the backends connected to `dbName` since the first call (PostgreSQL). */
function backendCpu(admin: PgClient, dbName: string) {
  const seen = new Map<number, number>();
  let total = 0;
  return async () => {
    const pids = (await admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName])).rows.map((r) => r.pid as number);
    for (const pid of pids) {
      const now = cpuMsOr0(pid);
      const before = seen.get(pid);
      if (before !== undefined && now >= before) total += now - before;
      seen.set(pid, now);
    }
    return total;
  };
}

/** CPU per request of `proc` over `n` requests of `c`, one at a time on one keep-alive connection. */
async function measureOnce(port: number, proc: Proc, c: Case, key: string | undefined, n: number, dbCpu: (() => Promise<number>) | null): Promise<Cost> {
  const cl = client(port);
  try {
    const s0 = await cl.get(c.path, key); // the connection, outside the measurement
    if (s0 !== 200) throw new Error(`${c.name} on :${port}: ${s0}`);
    const db0 = dbCpu ? await dbCpu() : 0;
    const cpu0 = cpuMs(proc.pid);
    for (let i = 0; i < n; i++) {
      const s = await cl.get(c.path, key);
      if (s !== 200) throw new Error(`${c.name} on :${port}: ${s}`);
    }
    const cpu1 = cpuMs(proc.pid);
    const db1 = dbCpu ? await dbCpu() : 0;
    return { server: ((cpu1 - cpu0) * 1000) / n, db: dbCpu ? ((db1 - db0) * 1000) / n : null };
  } finally {
    cl.close();
  }
}

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

interface Server {
  name: string;
  proc: Proc;
  port: number;
  bare: boolean;
}

/**
 * Every server alternating: a warm-up of each, then BENCH_ROUNDS rounds of N / ROUNDS requests of each (the order
 * rotating), the median round of each. Rounds spread all of them over the same minutes of a shared machine.
 */
async function measure(servers: Server[], c: Case, key: string | undefined, dbCpu: () => (() => Promise<number>) | null): Promise<Map<string, Cost>> {
  // The bare server's /health answers without the database; its lists run the app's statements.
  const caseOf = (s: Server) => (s.bare && !c.sql ? { ...c, path: '/health' } : c);
  for (const s of servers) await measureOnce(s.port, s.proc, caseOf(s), key, WARMUP, null);
  await sleep(300); // the rate-limit and key-usage flushes of the warm-up happen before the measured requests
  const per = Math.ceil(N / ROUNDS);
  const costs = new Map<string, Cost[]>(servers.map((s) => [s.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < servers.length; i++) {
      const s = servers[(i + r) % servers.length];
      costs.get(s.name)!.push(await measureOnce(s.port, s.proc, caseOf(s), key, per, dbCpu()));
    }
  }
  const pick = (xs: Cost[]): Cost => ({ server: med(xs.map((x) => x.server)), db: xs[0].db === null ? null : med(xs.map((x) => x.db!)) });
  return new Map([...costs].map(([name, xs]) => [name, pick(xs)]));
}

/** The statements of background work: the rate-limit and key-usage flushes, the webhook runner, the lease sweeper. */
const BACKGROUND = /^WITH batch AS|^WITH due AS|rate_limits|^UPDATE \S+ AS k SET last_used_at|^UPDATE agents AS a SET last_seen_at|"webhook_deliveries"|lease_expires_at" </i;

async function countStatements(port: number, dbName: string, logFile: string, qs: Case[], keyOf: (c: Case) => string | undefined) {
  const cl = client(port);
  try {
    for (const c of qs) {
      await cl.get(c.path, keyOf(c)); // this connection's prepared statements, the rate-limit window's first read
      await sleep(300);
      const offset = statSync(logFile).size;
      for (let i = 0; i < COUNT; i++) {
        const s = await cl.get(c.path, keyOf(c));
        if (s !== 200) throw new Error(`${c.name}: ${s}`);
      }
      await sleep(6000); // the key-usage flush (5 s) and the rate-limit flush (100 ms) land in the log
      const { request, background } = splitBackground(loggedStatements(readFrom(logFile, offset), dbName), BACKGROUND);
      log(`    ${c.name}: ${(request.length / COUNT).toFixed(2)} statements per request, ${(background.length / COUNT).toFixed(2)} in background work (${COUNT} requests)`);
      const groups = new Map<string, number>();
      for (const [bg, list] of [['', request], ['[bg] ', background]] as const) {
        for (const s of list) {
          const k = bg + s.slice(0, 140);
          groups.set(k, (groups.get(k) ?? 0) + 1);
        }
      }
      for (const [k, n] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 8)) log(`      ${String(n).padStart(4)} × ${k}`);
    }
  } finally {
    cl.close();
  }
}

type Figures = Record<string, Record<string, Cost>>;

/** The builds to compare (BENCH_SERVERS), else the one build. */
const BUILDS: { name: string; script: string }[] = process.env.BENCH_SERVERS
  ? process.env.BENCH_SERVERS.split(',').map((x) => {
      const [name, script] = x.split('=');
      return { name, script: path.resolve(script) };
    })
  : [{ name: 'app', script: SERVER }];

async function startBuild(script: string, port: number, env: Record<string, string>, nodeArgs: string[] = []): Promise<Proc> {
  const p = start('app', script, env, nodeArgs);
  await waitReady(p, `http://127.0.0.1:${port}/api/v1/health`, 300_000);
  return p;
}

async function runDatabase(kind: 'postgres' | 'embedded'): Promise<Figures> {
  const figures: Figures = {};
  log(`\n${kind} (load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mc-bench-reqcost-'));
  const admin = kind === 'postgres' ? await pgAdmin() : null;
  if (kind === 'postgres' && !admin) return figures;
  const dbName = `mc_bench_reqcost_${process.pid}`;
  const databaseUrl = admin ? `${PG_URL}/${dbName}` : undefined;
  if (admin) await admin.query(`CREATE DATABASE ${dbName}`);
  const procs: Proc[] = [];
  try {
    const seedApp = await startBuild(BUILDS[0].script, PORT, appEnv(PORT, ADMIN, dataDir, databaseUrl));
    const world = await seedApi();
    await stop(seedApp);
    const db = await openSql(databaseUrl ? { databaseUrl } : { dataDir: path.join(dataDir, 'db') });
    await db.query(SEED_AGENTS, [AGENTS, world.ws]);
    await db.query('VACUUM ANALYZE');
    await db.close();

    const qs = cases(world);
    const routes = path.join(dataDir, 'routes.json');
    writeFileSync(routes, JSON.stringify(Object.fromEntries(qs.filter((q) => q.sql).map((q) => [`${q.who} ${q.path}`, { sql: q.sql, params: q.params, extra: q.extra }]))));
    /** A data directory of its own for each process on PGlite (single-process): a copy of the seeded one. */
    const copyOf = (name: string) => {
      const dir = path.join(dataDir, name);
      cpSync(path.join(dataDir, 'db'), path.join(dir, 'db'), { recursive: true });
      return dir;
    };
    const bareEnv: Record<string, string> = databaseUrl
      ? { BARE_DATABASE_URL: databaseUrl }
      : { BARE_DATA_DIR: path.join(copyOf('bare'), 'db'), BARE_PG_CONF: JSON.stringify(EMBEDDED_POSTGRES_CONF) };
    const servers: Server[] = [];
    const bare = start('bare', BARE, { ...bareEnv, BARE_PORT: String(PORT), BARE_ROUTES: routes });
    procs.push(bare);
    await waitReady(bare, `http://127.0.0.1:${PORT}/health`, 300_000);
    servers.push({ name: 'bare', proc: bare, port: PORT, bare: true });
    const envs = new Map<string, Record<string, string>>();
    for (const [i, b] of BUILDS.entries()) {
      const port = PORT + 1 + i;
      const env = appEnv(port, ADMIN, databaseUrl ? dataDir : copyOf(`app-${i}`), databaseUrl);
      envs.set(b.name, env);
      const profDir = PROFILE ? path.join(PROFILE, kind, b.name) : undefined;
      if (profDir) mkdirSync(profDir, { recursive: true });
      const proc = await startBuild(b.script, port, env, profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);
      procs.push(proc);
      servers.push({ name: b.name, proc, port, bare: false });
    }
    const keyOf = (c: Case) => (c.who === 'agent' ? world.agentKey : c.who === 'member' ? world.memberKey : undefined);
    const f = (x: Cost) => `${x.server.toFixed(0).padStart(5)} µs${x.db !== null ? ` + db ${x.db.toFixed(0).padStart(4)}` : ''}`;
    for (const c of qs) {
      const costs = await measure(servers, c, keyOf(c), () => (admin ? backendCpu(admin, dbName) : null));
      figures[c.name] = Object.fromEntries(costs);
      log(`  ${c.name.padEnd(46)} ${servers.map((s) => `${s.name} ${f(costs.get(s.name)!)}`).join('   ')}   (median of ${ROUNDS} rounds of ${Math.ceil(N / ROUNDS)}; load ${os.loadavg()[0].toFixed(2)})`);
    }
    if (admin) {
      const version = String((await admin.query(`SHOW server_version`)).rows[0].server_version).split('.')[0];
      const logFile = findPgLog(version);
      if (!logFile) log('    (no readable PostgreSQL log: statements not counted)');
      else {
        for (const s of servers) if (!s.bare) await stop(s.proc);
        await admin.query(`ALTER DATABASE ${dbName} SET log_statement = 'all'`);
        for (const [i, b] of BUILDS.entries()) {
          const port = PORT + 1 + i;
          const proc = await startBuild(b.script, port, envs.get(b.name)!);
          procs.push(proc);
          log(`  ${b.name}: statements per request (log_statement = all):`);
          await countStatements(port, dbName, logFile, qs, keyOf);
          await stop(proc);
        }
      }
    }
  } finally {
    for (const p of procs) await stop(p);
    rmSync(dataDir, { recursive: true, force: true });
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  }
  return figures;
}

async function main() {
  if (!process.env.BENCH_SERVERS) staleBuildWarning();
  log(`bench:req-cost — ${BUILDS.map((b) => `${b.name} ${path.relative(process.cwd(), b.script)}`).join(', ')}, ${N} requests per case and server (+${WARMUP} warm-up), ${AGENTS} agents, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${os.cpus().length} CPUs`);
  const out: Record<string, Figures> = {};
  const only = process.env.BENCH_ONLY;
  if (!only || only === 'postgres') out.postgres = await runDatabase('postgres');
  if (!only || only === 'embedded') out.embedded = await runDatabase('embedded');
  log(`\nload average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(out, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

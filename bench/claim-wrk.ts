// bench/claim-wrk — claim and claim-next measured the way the peers were (issue 13, point 2): wrk (-t1 -c20), one
// request per distinct ticket, agent keys in the header, and the ratio to a bare Node `node:http` server returning
// task-shaped JSON (no database), measured in the same run with the same wrk script, on PostgreSQL and on the
// embedded database (PGlite). Targets: claim and claim-next ≥ 4 % of bare on PostgreSQL, ≥ 2.5 % embedded.
//
//   pnpm build && pnpm bench:claim-wrk
//
// The wrk script (written to the scratch dir) walks a file of ticket ids: `PATCH /api/v1/tickets/{id}/claim` with
// each request a different ticket and no body (wrk sends no Content-Length then, as several HTTP clients do), or
// `POST /api/v1/tickets/claim-next` with no body; the Authorization header cycles over the agents' keys. It counts
// the answers by status (a claim-next 204 means the pool ran dry: reported, never counted as a claim).
//
// How a run goes, per database:
//   1. The app starts on an empty database; one workspace and BENCH_AGENTS approved agents with keys are made over
//      the API. The app stops and the ticket pools are generated inside the database with one INSERT each (the
//      claim pool at priority low, the claim-next pool at urgent, so claim-next never takes a claim-pool ticket),
//      then VACUUM ANALYZE.
//   2. Busy: the app starts again and BENCH_BUSY_TICKETS (6,000) tickets are created over the API in that process
//      (what the issue measured: "one process right after seeding 6,000 tickets"), then a BENCH_PAUSE (20 s) pause,
//      then one measurement of each path (bare, app, alternating).
//   3. Settled: the app restarts on the same database (now settled: the outbox dispatched, the tables maintained);
//      a short warm-up, then BENCH_ROUNDS rounds of each path, bare and app alternating.
//   4. PostgreSQL only: the statements of one request of each kind with log_statement = all (BENCH_COUNT requests
//      one at a time), split into the request path and background work, and the statements themselves.
// CPU per request is the server process's CPU time (on PostgreSQL plus its backends') over the requests answered,
// robust to the load of the machine (2 shared cores); load averages are printed with every measurement.
//
// Environment (all optional):
//   BENCH_DURATION=10 s per measurement   BENCH_ROUNDS=2   BENCH_CONNECTIONS=20   BENCH_AGENTS=20
//   BENCH_POOL=25000 tickets per claim measurement (each pool holds ROUNDS + 1 of them, and the warm-up's)
//   BENCH_BUSY_TICKETS=6000   BENCH_PAUSE=20   BENCH_COUNT=30   BENCH_ONLY=embedded|postgres   BENCH_SKIP_BUSY=1
//   BENCH_PORT=3570 (app; bare on +1)   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432   BENCH_JSON=<file>
//   BENCH_PROFILE=<dir>   run the app under --cpu-prof (<dir>/<database>-busy/ and <dir>/<database>/; summarise one
//                         with node bench/profile-summary.mjs <file>)
//   BENCH_SERVER=<path to another build's dist/server.mjs> (before/after figures)
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  api,
  appEnv,
  benchAdmin,
  cpuMsOr0,
  findPgLog,
  log,
  loggedStatements,
  mapLimit,
  median,
  memory,
  openSql,
  PG_URL,
  pgAdmin,
  readFrom,
  sleep,
  splitBackground,
  staleBuildWarning,
  start,
  startApp,
  stop,
  waitReady,
  type PgClient,
  type Proc,
} from './lib';

const THIS_FILE = fileURLToPath(import.meta.url);
const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
const DURATION = num(process.env.BENCH_DURATION, 10);
const ROUNDS = num(process.env.BENCH_ROUNDS, 2);
const CONNECTIONS = num(process.env.BENCH_CONNECTIONS, 20);
const AGENTS = num(process.env.BENCH_AGENTS, 20);
const POOL = num(process.env.BENCH_POOL, 25_000);
const BUSY_TICKETS = num(process.env.BENCH_BUSY_TICKETS, 6_000);
const PAUSE = num(process.env.BENCH_PAUSE, 20);
const COUNT = num(process.env.BENCH_COUNT, 30);
const PORT = num(process.env.BENCH_PORT, 3570);
const BARE_PORT = PORT + 1;
const PROFILE = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : undefined;

const ADMIN = benchAdmin('cwrk');

type Path = 'claim' | 'claim-next';
const PATHS: Path[] = ['claim', 'claim-next'];
type DbKind = 'postgres' | 'embedded';

// ---------------------------------------------------------------------------------------------- the bare server

/**
 * The floor: `node:http`, no framework, no database. It answers the claim and claim-next URLs with the envelope of a
 * ticket (the app's own answer for a ticket, taken once during seeding, with the requested id put in), and refuses
 * a request without a bearer key. What it costs is what any Node HTTP server costs per request on this machine.
 */
function serveBare() {
  const template = JSON.parse(process.env.BARE_TICKET ?? '{}') as Record<string, unknown>;
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      const json = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), 'x-request-id': randomId() });
      res.end(json);
    };
    if (req.url === '/health') return send(200, { success: true, data: { status: 'ok' } });
    if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) return send(401, { success: false, error: { code: 'UNAUTHENTICATED', message: 'no key' } });
    const m = /^\/api\/v1\/tickets\/([^/]+)\/claim$/.exec(req.url ?? '');
    if (req.method === 'PATCH' && m) return send(200, { success: true, data: { ...template, id: m[1], leaseExpiresAt: new Date(Date.now() + 3_600_000).toISOString() } });
    if (req.method === 'POST' && req.url === '/api/v1/tickets/claim-next') {
      return send(200, { success: true, data: { ...template, leaseExpiresAt: new Date(Date.now() + 3_600_000).toISOString() } });
    }
    send(404, { success: false, error: { code: 'NOT_FOUND', message: 'no such endpoint' } });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.BARE_PORT), '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}
let seq = 0;
const randomId = () => `req_${process.pid}_${++seq}`;

// ---------------------------------------------------------------------------------------------- wrk

const LUA = `
local ids, n, keys, mode = {}, 0, {}, "claim"
counts = {}
local i = 0
function init(args)
  mode = args[1]
  for k in string.gmatch(args[2], "[^,]+") do keys[#keys + 1] = k end
  if args[3] then for line in io.lines(args[3]) do n = n + 1; ids[n] = line end end
end
function request()
  i = i + 1
  local hdr = { ["Authorization"] = "Bearer " .. keys[(i % #keys) + 1] }
  if mode == "claim-next" then return wrk.format("POST", "/api/v1/tickets/claim-next", hdr) end
  return wrk.format("PATCH", "/api/v1/tickets/" .. ids[((i - 1) % n) + 1] .. "/claim", hdr)
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
local threads = {}
function setup(thread) threads[#threads + 1] = thread end
function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for s, c in pairs(t:get("counts")) do all[#all + 1] = s .. "=" .. c end
  end
  io.write("STATUSES " .. table.concat(all, ",") .. "\\n")
end
`;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  statuses: Record<string, number>;
  errors: number;
}

function toMs(v: string, unit: string) {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 'ms' ? n : unit === 's' ? n * 1000 : n * 60_000;
}

async function wrk(port: number, script: string, args: string[], seconds: number): Promise<Load> {
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      'wrk',
      ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', script, `http://127.0.0.1:${port}`, '--', ...args],
      { maxBuffer: 1 << 22 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const statuses: Record<string, number> = {};
  for (const kv of (/^STATUSES (.*)$/m.exec(out)?.[1] ?? '').split(',').filter(Boolean)) {
    const [s, c] = kv.split('=');
    statuses[s] = (statuses[s] ?? 0) + Number(c);
  }
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50: pct('50'),
    p99: pct('99'),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
    statuses,
    errors: errs ? errs.slice(1).reduce((s, x) => s + Number(x), 0) : 0,
  };
}

// ---------------------------------------------------------------------------------------------- app and seeding

/** The app on this bench's port, seeded by its administrator (nodeArgs: e.g. a CPU profile). */
const startBenchApp = (dataDir: string, databaseUrl: string | undefined, nodeArgs: string[] = []) =>
  startApp(PORT, appEnv(PORT, ADMIN, dataDir, databaseUrl), nodeArgs);

interface World {
  workspaceId: string;
  slug: string;
  agentKeys: string[];
  agentIds: string[];
}

async function seedApi(): Promise<World> {
  const slug = `cwrk-${Date.now().toString(36)}`;
  const { json: ws } = await api(PORT, 'POST', '/api/v1/workspaces', { key: ADMIN.key, body: { name: 'Claim wrk bench', slug } });
  const agents = await mapLimit(
    Array.from({ length: AGENTS }, (_, i) => i),
    4,
    async (i) => {
      const { json: reg } = await api(PORT, 'POST', '/api/v1/agents', { body: { workspace: slug, name: `wrk-agent-${i + 1}`, capabilities: [] } });
      const { agentId, registrationSecret } = reg.data;
      await api(PORT, 'POST', `/api/v1/agents/${agentId}/approve`, { key: ADMIN.key });
      const { json: k } = await api(PORT, 'GET', `/api/v1/agents/${agentId}/registration`, { key: registrationSecret });
      if (!k.data.apiKey) throw new Error(`agent ${agentId}: no key after approval`);
      return { id: agentId as string, key: k.data.apiKey as string };
    },
  );
  return { workspaceId: ws.data.id, slug, agentKeys: agents.map((a) => a.key), agentIds: agents.map((a) => a.id) };
}

/**
 * `rows` To-do tickets of the workspace at `priority`, with ids `tkt_cwrk_<lane>_<n>`, numbered after the
 * workspace's last ticket (its ticket_seq follows). Created "long ago", oldest first in id order.
 */
const POOL_SQL = `
INSERT INTO tickets (id, workspace_id, number, title, description, status, priority, created_by_kind, created_at, updated_at, status_changed_at)
SELECT 'tkt_cwrk_' || $4::text || '_' || lpad(g::text, 6, '0'), $1::text, (SELECT ticket_seq FROM workspaces WHERE id = $1::text) + g,
  'Bench ticket ' || $4::text || ' ' || g, 'Do the thing number ' || g || ', then report.', 'todo', $3::int, 'user',
  now() - interval '30 days' + make_interval(secs => g), now() - interval '30 days', now() - interval '30 days'
FROM generate_series(1, $2::int) g`;

async function seedPools(target: Parameters<typeof openSql>[0], w: World, perPath: number) {
  const db = await openSql(target);
  const t0 = Date.now();
  try {
    for (const [lane, priority] of [
      ['c', 3],
      ['n', 0],
    ] as const) {
      await db.query(POOL_SQL, [w.workspaceId, perPath, priority, lane]);
      await db.query(`UPDATE workspaces SET ticket_seq = ticket_seq + $2::int WHERE id = $1::text`, [w.workspaceId, perPath]);
    }
    await db.query('VACUUM ANALYZE');
  } finally {
    await db.close();
  }
  log(`    generated 2 × ${perPath} To-do tickets in the database (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

const claimPoolIds = (from: number, count: number) => Array.from({ length: count }, (_, i) => `tkt_cwrk_c_${String(from + i + 1).padStart(6, '0')}`);

// ---------------------------------------------------------------------------------------------- measuring

interface Measure extends Load {
  server: 'app' | 'bare';
  path: Path;
  phase: 'busy' | 'settled';
  round: number;
  /** Server CPU ms per answered request (+ PostgreSQL backends' on PostgreSQL). */
  cpuServer: number;
  cpuDb: number | null;
  rss: number;
  load: [number, number];
}

interface Ctx {
  kind: DbKind;
  dir: string;
  script: string;
  keys: string;
  dbCpu: (() => Promise<number>) | null;
  nextClaimId: number;
  poolPerPath: number;
}

async function measure(c: Ctx, server: 'app' | 'bare', p: Path, pid: number, phase: Measure['phase'], round: number): Promise<Measure> {
  const port = server === 'app' ? PORT : BARE_PORT;
  const args = [p, c.keys];
  if (p === 'claim') {
    // A slice of the claim pool no other measurement uses: the bare server gets its own slice too (it claims nothing,
    // but the script and its ids are the same).
    const budget = POOL;
    const ids = server === 'app' ? claimPoolIds(c.nextClaimId, budget) : claimPoolIds(0, budget);
    if (server === 'app') c.nextClaimId += budget;
    const file = path.join(c.dir, `ids-${server}-${phase}-${round}.txt`);
    writeFileSync(file, ids.join('\n') + '\n');
    args.push(file);
  }
  const load0 = os.loadavg()[0];
  const cpu0 = cpuMsOr0(pid);
  const db0 = server === 'app' && c.dbCpu ? await c.dbCpu() : 0;
  const r = await wrk(port, c.script, args, DURATION);
  const cpuServer = (cpuMsOr0(pid) - cpu0) / r.requests;
  const cpuDb = server === 'app' && c.dbCpu ? ((await c.dbCpu()) - db0) / r.requests : null;
  const m: Measure = { ...r, server, path: p, phase, round, cpuServer, cpuDb, rss: memory(pid).rss, load: [load0, os.loadavg()[0]] };
  const st = Object.entries(r.statuses)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  log(
    `    ${phase.padEnd(7)} ${server.padEnd(4)} ${p.padEnd(10)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ` +
      `CPU/req ${cpuServer.toFixed(3)}${cpuDb !== null ? ` + pg ${cpuDb.toFixed(3)}` : ''} ms  RSS ${m.rss.toFixed(0)} MB  statuses ${st}${r.errors ? `  socket errors ${r.errors}` : ''}  load ${load0.toFixed(1)}→${m.load[1].toFixed(1)}`,
  );
  const bad = Object.entries(r.statuses).filter(([s]) => s !== '200').reduce((a, [, n]) => a + n, 0);
  if (server === 'app' && bad > 0) log(`      !! ${bad} answers were not 200 (pool ran dry or errors): this measurement is not a clean one`);
  return m;
}

// ---------------------------------------------------------------------------------------------- statements

/** The statements of background work: the webhook runner, the rate-limit and key-usage flushes, the lease sweeper. */
const BACKGROUND = /^WITH batch AS|^WITH due AS|rate_limits|last_used_at|last_seen_at|"webhook_deliveries"|"dispatched_at" is null|set "dispatched_at"|lease_expires_at" </i;


/** Statements per request of each kind (PostgreSQL, log_statement = all): COUNT requests one at a time. */
async function countStatements(admin: PgClient, dbName: string, dataDir: string, databaseUrl: string, w: World, c: Ctx) {
  const version = String((await admin.query(`SHOW server_version`)).rows[0].server_version).split('.')[0];
  const logFile = findPgLog(version);
  if (!logFile) return log('    (no readable PostgreSQL log: statements not counted)');
  await admin.query(`ALTER DATABASE ${dbName} SET log_statement = 'all'`);
  const app = await startBenchApp(dataDir, databaseUrl);
  try {
    const key = w.agentKeys[0];
    const call = (method: string, p: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: PORT, method, path: p, headers: { authorization: `Bearer ${key}` } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    await call('GET', '/api/v1/tickets?limit=20'); // warm: prepared statements of this connection
    await sleep(1200);
    const kinds: [string, () => Promise<number>][] = [
      ['PATCH /tickets/{id}/claim', () => call('PATCH', `/api/v1/tickets/${claimPoolIds(c.nextClaimId++, 1)[0]}/claim`)],
      ['POST /tickets/claim-next', () => call('POST', '/api/v1/tickets/claim-next')],
      ['GET /tickets?limit=20 (agent)', () => call('GET', '/api/v1/tickets?limit=20')],
    ];
    for (const [name, fn] of kinds) {
      const offset = (await import('node:fs')).statSync(logFile).size;
      for (let i = 0; i < COUNT; i++) {
        const s = await fn();
        if (s !== 200) throw new Error(`${name}: ${s}`);
        await sleep(150); // the webhook runner's debounced pass (100 ms) falls between requests, attributable
      }
      await sleep(1200);
      const { request, background } = splitBackground(loggedStatements(readFrom(logFile, offset), dbName), BACKGROUND);
      log(`    ${name}: ${(request.length / COUNT).toFixed(2)} statements per request on the request path, ${(background.length / COUNT).toFixed(2)} in background work (${COUNT} requests, one at a time)`);
      const groups = new Map<string, number>();
      for (const [bg, list] of [['', request], ['[bg] ', background]] as const) for (const sql of list) {
        const k = bg + sql.slice(0, 150);
        groups.set(k, (groups.get(k) ?? 0) + 1);
      }
      for (const [k, n] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 8)) log(`      ${String(n).padStart(4)} × ${k}`);
    }
  } finally {
    await stop(app);
    await admin.query(`ALTER DATABASE ${dbName} RESET log_statement`);
  }
}

// ---------------------------------------------------------------------------------------------- a database

async function runDatabase(kind: DbKind, admin: PgClient | null): Promise<Measure[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `mc-bench-cwrk-${kind}-`));
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const script = path.join(dir, 'claim.lua');
  writeFileSync(script, LUA);
  let dbName: string | undefined;
  let databaseUrl: string | undefined;
  const out: Measure[] = [];
  let bare: Proc | undefined;
  try {
    if (kind === 'postgres') {
      dbName = `mc_bench_cwrk_${process.pid}_${Date.now().toString(36)}`;
      await admin!.query(`CREATE DATABASE ${dbName}`);
      databaseUrl = `${PG_URL}/${dbName}`;
    }
    // 1. Workspace and agents over the API; the pools in the database.
    let app = await startBenchApp(dataDir, databaseUrl);
    const w = await seedApi();
    const { json: sample } = await api(PORT, 'POST', '/api/v1/tickets', {
      key: ADMIN.key,
      body: { workspaceId: w.workspaceId, title: 'Template ticket for the bare server', priority: 'low', description: 'Do the thing number 0, then report.' },
    });
    await stop(app);
    const poolPerPath = POOL * (ROUNDS + 1) + 3000 + COUNT + 100; // + warm-up and counted claims
    await seedPools(databaseUrl ? { databaseUrl } : { dataDir: path.join(dataDir, 'db') }, w, poolPerPath);
    const c: Ctx = { kind, dir, script, keys: w.agentKeys.join(','), dbCpu: null, nextClaimId: 0, poolPerPath };

    bare = start('bare', THIS_FILE, { BARE_PORT: String(BARE_PORT), BARE_TICKET: JSON.stringify({ ...sample.data, status: 'in_progress', claimedBy: w.agentIds[0] }) }, ['--import', 'tsx'], ['--serve-bare']);
    await waitReady(bare, `http://127.0.0.1:${BARE_PORT}/health`);

    const dbCpuOf = () => {
      if (kind !== 'postgres') return null;
      const seen = new Map<number, number>();
      let total = 0;
      return async () => {
        const pids = (await admin!.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [dbName])).rows.map((r) => r.pid as number);
        for (const pid of pids) {
          const now = cpuMsOr0(pid);
          const before = seen.get(pid);
          if (before !== undefined && now >= before) total += now - before;
          seen.set(pid, now);
        }
        return total;
      };
    };

    // 2. Busy: a fresh process seeds BUSY_TICKETS over the API, pauses, then is measured.
    if (process.env.BENCH_SKIP_BUSY !== '1') {
      app = await startBenchApp(dataDir, databaseUrl, PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE, `${kind}-busy`)}`] : []);
      const t0 = Date.now();
      await mapLimit(
        Array.from({ length: BUSY_TICKETS }, (_, i) => i),
        8,
        (i) =>
          api(PORT, 'POST', '/api/v1/tickets', {
            key: ADMIN.key,
            body: { workspaceId: w.workspaceId, title: `Busy ticket ${i + 1}`, priority: 'medium', description: 'Do the thing, then report.' },
          }),
      );
      const seedS = (Date.now() - t0) / 1000;
      log(`    busy: ${BUSY_TICKETS} tickets created over the API in ${seedS.toFixed(1)} s (${(BUSY_TICKETS / seedS).toFixed(0)}/s), RSS ${memory(app.pid).rss.toFixed(0)} MB; pause ${PAUSE} s`);
      await sleep(PAUSE * 1000);
      c.dbCpu = dbCpuOf();
      for (const p of PATHS) {
        out.push(await measure(c, 'bare', p, bare.pid, 'busy', 0));
        out.push(await measure(c, 'app', p, app.pid, 'busy', 0));
      }
      await stop(app);
    }

    // 3. Settled: a restart, a warm-up, ROUNDS rounds alternating bare and app.
    app = await startBenchApp(dataDir, databaseUrl, PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE, kind)}`] : []);
    c.dbCpu = dbCpuOf();
    await sleep(2000);
    {
      const warm = path.join(dir, 'ids-warm.txt');
      writeFileSync(warm, claimPoolIds(c.nextClaimId, 3000).join('\n') + '\n');
      c.nextClaimId += 3000;
      await wrk(PORT, script, ['claim', c.keys, warm], 2);
      await wrk(PORT, script, ['claim-next', c.keys], 2);
      await wrk(BARE_PORT, script, ['claim-next', c.keys], 2);
    }
    for (let round = 1; round <= ROUNDS; round++) {
      for (const p of PATHS) {
        const order: ('app' | 'bare')[] = round % 2 ? ['bare', 'app'] : ['app', 'bare'];
        for (const s of order) out.push(await measure(c, s, p, s === 'app' ? app.pid : bare.pid, 'settled', round));
      }
    }
    await stop(app);

    // 4. Statements per request (PostgreSQL).
    if (kind === 'postgres' && COUNT > 0) await countStatements(admin!, dbName!, dataDir, databaseUrl!, w, c);
    return out;
  } finally {
    if (bare) await stop(bare);
    if (dbName) await admin!.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

function summary(kind: DbKind, ms: Measure[]) {
  const target = kind === 'postgres' ? 4 : 2.5;
  log(`\n  ${kind === 'postgres' ? 'PostgreSQL' : 'embedded (PGlite)'}: app as % of bare (target ≥ ${target} %), medians per phase`);
  for (const phase of ['busy', 'settled'] as const) {
    for (const p of PATHS) {
      const a = ms.filter((m) => m.phase === phase && m.path === p && m.server === 'app');
      const b = ms.filter((m) => m.phase === phase && m.path === p && m.server === 'bare');
      if (!a.length || !b.length) continue;
      const ar = median(a.map((m) => m.rps));
      const br = median(b.map((m) => m.rps));
      const pct = (100 * ar) / br;
      const cpu = median(a.map((m) => m.cpuServer + (m.cpuDb ?? 0)));
      const bcpu = median(b.map((m) => m.cpuServer));
      log(
        `    ${phase.padEnd(7)} ${p.padEnd(10)} app ${ar.toFixed(0).padStart(5)}/s (${a.map((m) => m.rps.toFixed(0)).join(', ')})  bare ${br.toFixed(0).padStart(6)}/s  ` +
          `→ ${pct.toFixed(2)} % (${pct >= target ? 'met' : 'NOT met'})   CPU/req app ${cpu.toFixed(3)} ms, bare ${bcpu.toFixed(3)} ms (by CPU: ${((100 * bcpu) / cpu).toFixed(2)} %)`,
      );
    }
  }
}

async function main() {
  staleBuildWarning();
  log(`bench/claim-wrk: wrk -t1 -c${CONNECTIONS}, ${DURATION} s per measurement, ${ROUNDS} settled round(s), ${AGENTS} agents, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const only = process.env.BENCH_ONLY as DbKind | undefined;
  const results: Partial<Record<DbKind, Measure[]>> = {};
  const admin = only !== 'embedded' ? await pgAdmin() : null;
  try {
    if (admin) {
      log('\n== PostgreSQL ==');
      results.postgres = await runDatabase('postgres', admin);
    }
    if (only !== 'postgres') {
      log('\n== embedded database (PGlite) ==');
      results.embedded = await runDatabase('embedded', null);
    }
  } finally {
    await admin?.end();
  }
  for (const [k, ms] of Object.entries(results)) summary(k as DbKind, ms!);
  log(`\n  load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
}

if (process.argv.includes('--serve-bare')) serveBare();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });

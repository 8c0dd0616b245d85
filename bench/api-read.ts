// bench/api-read — authenticated `GET /api/v1/workspaces` (a list of 20, membership join) on the real built app,
// against the floor of the design: a bare Node `http` server (bench/bare-server.mjs) doing the same SQL with the
// same driver on the same database. Runs on the embedded database (PGlite) and on PostgreSQL (when reachable).
//
//   pnpm build && pnpm bench:api-read
//
// Environment (all optional):
//   BENCH_DURATION=10      seconds per measurement        BENCH_ROUNDS=3       alternating a/b rounds per database
//   BENCH_WARMUP=3         seconds of warm-up per server  BENCH_CONNECTIONS=20
//   BENCH_TOOL=wrk|autocannon (default: wrk when installed)
//   BENCH_ONLY=embedded|postgres                         BENCH_BUILD=1        run `pnpm build` first
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432      (server to create a scratch database on)
//   BENCH_PG_LOG=/var/log/postgresql/postgresql-15-main.log  (server log, to count statements per request)
//   BENCH_APP_PORT=3401    BENCH_BARE_PORT=3402          BENCH_JSON=<file>    also write the figures as JSON
//   BENCH_PROFILE=<dir>    run the measured app and bare server under `node --cpu-prof` (profiles in <dir>/<database>/
//                          and <dir>/<database>-bare/); summarise one with `node bench/profile-summary.mjs <file>`
//   BENCH_SERVER=<file>    another server entry than apps/web/dist/server.mjs (experiments), BENCH_NODE_ARGS="--import tsx"
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { EMBEDDED_POSTGRES_CONF } from '../packages/db/src/client';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appRequire = createRequire(path.join(root, 'apps/web/package.json'));
const SERVER = process.env.BENCH_SERVER ? path.resolve(process.env.BENCH_SERVER) : path.join(root, 'apps/web/dist/server.mjs');
const SERVER_NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const BARE = path.join(root, 'bench/bare-server.mjs');

const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
const DURATION = num(process.env.BENCH_DURATION, 10);
const ROUNDS = num(process.env.BENCH_ROUNDS, 3);
const WARMUP = num(process.env.BENCH_WARMUP, 3);
const CONNECTIONS = num(process.env.BENCH_CONNECTIONS, 20);
const APP_PORT = num(process.env.BENCH_APP_PORT, 3401);
const BARE_PORT = num(process.env.BENCH_BARE_PORT, 3402);
const PG_URL = (process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '');
const WORKSPACES = 20;

const ADMIN = { email: 'bench.admin@example.com', password: 'bench-password-123', key: `mc_usr_bench_admin_${'x'.repeat(24)}` };
const USER = { email: 'bench.user@example.com', name: 'Bench User', password: 'bench-password-456' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (...a: unknown[]) => console.log(...a);

// ---------------------------------------------------------------------------------------------- processes

const children = new Set<ChildProcess>();
function killAll() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => (killAll(), process.exit(130)));

interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  output: string[];
}

function start(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = []): Proc {
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const output: string[] = [];
  const keep = (d: Buffer) => {
    output.push(d.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { name, child, pid: child.pid!, output };
}

async function waitReady(p: Proc, url: string, timeoutMs = 120_000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (p.child.exitCode !== null) throw new Error(`${p.name} exited (${p.child.exitCode}):\n${p.output.join('')}`);
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.ok) return (Date.now() - t0) / 1000;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  throw new Error(`${p.name} not ready after ${timeoutMs} ms:\n${p.output.join('')}`);
}

async function stop(p: Proc) {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(t);
  children.delete(p.child);
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
function memory(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

// ---------------------------------------------------------------------------------------------- the app

async function api(port: number, method: string, p: string, opts: { key?: string; cookie?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.cookie) {
    headers.cookie = opts.cookie;
    headers.origin = `http://127.0.0.1:${port}`;
  }
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`http://127.0.0.1:${port}${p}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const json = (await res.json()) as { success: boolean; data?: any; meta?: any; error?: any };
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(json.error)}`);
  return { json, res };
}

function appEnv(dataDir: string, databaseUrl?: string): Record<string, string> {
  return {
    PORT: String(APP_PORT),
    HOST: '127.0.0.1',
    MC_DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    MC_INIT_ADMIN_EMAIL: ADMIN.email,
    MC_INIT_ADMIN_PASSWORD: ADMIN.password,
    MC_INIT_ADMIN_API_KEY: ADMIN.key,
    MC_RATE_LIMIT_PER_MINUTE: '100000000',
  };
}

/**
 * 20 workspaces made by the admin, a normal user who is a member of each, and that user's own key (made by the
 * user: log in, then POST /me/api-keys with the session cookie and a same-origin Origin header).
 */
async function seed(port: number): Promise<string> {
  await api(port, 'POST', '/api/v1/users', { key: ADMIN.key, body: { email: USER.email, name: USER.name, password: USER.password } });
  const stamp = Date.now().toString(36);
  for (let i = 1; i <= WORKSPACES; i++) {
    const { json } = await api(port, 'POST', '/api/v1/workspaces', {
      key: ADMIN.key,
      body: { name: `Bench workspace ${i}`, slug: `bench-${stamp}-${i}`, mission: `Benchmark workspace number ${i}` },
    });
    await api(port, 'POST', `/api/v1/workspaces/${json.data.id}/members`, { key: ADMIN.key, body: { email: USER.email, role: 'member' } });
  }
  const { res } = await api(port, 'POST', '/api/v1/auth/login', { body: { email: USER.email, password: USER.password } });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie) throw new Error('login set no cookie');
  const { json } = await api(port, 'POST', '/api/v1/me/api-keys', { cookie, body: { name: 'bench' } });
  return json.data.key as string;
}

async function checkList(port: number, key: string, who: string) {
  const { json } = await api(port, 'GET', '/api/v1/workspaces', { key });
  if (json.data.length !== WORKSPACES) throw new Error(`${who}: expected ${WORKSPACES} workspaces, got ${json.data.length}`);
  return json;
}

/**
 * The fields of a workspace DTO that depend only on the caller's role and the archived flag (permissions, grantable
 * roles), from the app's own rules, for the bare server: it keeps them as a table instead of recomputing them.
 */
async function dtoExtras(): Promise<Record<string, unknown>> {
  try {
    const mod = (await import('../packages/core/src/workspaces/workspace-dto')) as Record<string, unknown>;
    const permissionsFor = mod.permissionsFor as ((w: unknown, role: string | null, viewer: unknown) => object) | undefined;
    if (typeof permissionsFor !== 'function') return {};
    const viewer = { kind: 'user', userId: 'x', name: 'x', email: 'x@example.com', isInstanceAdmin: false, via: 'api_key', credentialId: 'x' };
    const out: Record<string, unknown> = {};
    for (const role of ['owner', 'admin', 'member', 'viewer', null]) {
      for (const archived of [false, true]) out[`${role}|${archived}`] = permissionsFor({ archivedAt: archived ? new Date() : null }, role, viewer);
    }
    return out;
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------------- load

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

const haveWrk = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as { status?: number }).status === 1; // wrk --version exits 1 after printing its version
  }
})();
const TOOL = process.env.BENCH_TOOL ?? (haveWrk ? 'wrk' : 'autocannon');

function toMs(v: string, unit: string) {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 'ms' ? n : unit === 's' ? n * 1000 : n * 60_000;
}

async function load(port: number, key: string, seconds: number, urlPath = '/api/v1/workspaces'): Promise<LoadResult> {
  const url = `http://127.0.0.1:${port}${urlPath}`;
  if (TOOL === 'wrk') {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'wrk',
        ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-H', `Authorization: Bearer ${key}`, url],
        { maxBuffer: 1 << 20 },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    const pct = (p: string) => {
      const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
      return m ? toMs(m[1], m[2]) : NaN;
    };
    const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
      p50: pct('50'),
      p99: pct('99'),
      requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
      non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
      errors: errs ? errs.slice(1).reduce((s, x) => s + Number(x), 0) : 0,
    };
  }
  const autocannon = createRequire(import.meta.url)('autocannon');
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: { authorization: `Bearer ${key}` } });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) a process has used so far, in ms: robust to noise from other processes on the machine. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime, stime (fields 14 and 15 of stat)
}

/** Load one server while sampling its RSS every 250 ms; also its CPU time per request. */
async function measure(port: number, key: string, pid: number, seconds: number) {
  const cpu0 = cpuMs(pid);
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, memory(pid).rss);
    } catch {
      /* gone */
    }
  }, 250);
  const result = await load(port, key, seconds);
  clearInterval(timer);
  const cpuPerRequest = (cpuMs(pid) - cpu0) / result.requests;
  const end = memory(pid).rss;
  return { ...result, cpuPerRequest, rssPeak: Math.max(peak, end), rssEnd: end };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Side {
  rounds: (LoadResult & { cpuPerRequest: number; rssPeak: number; rssEnd: number })[];
  rps: number;
  p50: number;
  p99: number;
  /** CPU time of the server process per request, ms (median of the rounds). */
  cpu: number;
}

async function compare(app: Proc, bare: Proc, key: string) {
  log(`  warm-up ${WARMUP}s each …`);
  await load(APP_PORT, key, WARMUP);
  await load(BARE_PORT, key, WARMUP);
  const a: Side = { rounds: [], rps: 0, p50: 0, p99: 0, cpu: 0 };
  const b: Side = { rounds: [], rps: 0, p50: 0, p99: 0, cpu: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const which of order) {
      const res = which === 'a' ? await measure(APP_PORT, key, app.pid, DURATION) : await measure(BARE_PORT, key, bare.pid, DURATION);
      (which === 'a' ? a : b).rounds.push(res);
      log(
        `  round ${r + 1} ${which === 'a' ? 'a app ' : 'b bare'}  ${res.rps.toFixed(0).padStart(6)} req/s  p50 ${res.p50.toFixed(2).padStart(6)} ms  p99 ${res.p99.toFixed(2).padStart(6)} ms  CPU ${(res.cpuPerRequest * 1000).toFixed(0).padStart(4)} µs/req` +
          `  (${res.requests} requests, non-2xx ${res.non2xx}, socket errors ${res.errors}, RSS end ${res.rssEnd.toFixed(0)} MB)`,
      );
    }
  }
  for (const s of [a, b]) {
    s.rps = median(s.rounds.map((x) => x.rps));
    s.p50 = median(s.rounds.map((x) => x.p50));
    s.p99 = median(s.rounds.map((x) => x.p99));
    s.cpu = median(s.rounds.map((x) => x.cpuPerRequest));
  }
  return { a, b };
}

// ---------------------------------------------------------------------------------------------- PostgreSQL

type PgClient = { query(q: string, v?: unknown[]): Promise<{ rows: any[] }>; end(): Promise<void>; connect(): Promise<void> };

async function pgAdmin(): Promise<PgClient | null> {
  const pg = appRequire('pg');
  const c: PgClient = new pg.Client({ connectionString: `${PG_URL}/postgres`, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return c;
  } catch (e) {
    log(`PostgreSQL at ${PG_URL} is not reachable (${(e as Error).message}): skipping the PostgreSQL run.`);
    return null;
  }
}

function findPgLog(version: string): string | null {
  const candidates = [process.env.BENCH_PG_LOG, `/var/log/postgresql/postgresql-${version}-main.log`].filter(Boolean) as string[];
  for (const f of candidates) {
    try {
      closeSync(openSync(f, 'r'));
      return f;
    } catch {
      /* not readable */
    }
  }
  return null;
}

function readFrom(file: string, offset: number): string {
  const size = statSync(file).size;
  if (size <= offset) return '';
  const buf = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  readSync(fd, buf, 0, buf.length, offset);
  closeSync(fd);
  return buf.toString('utf8');
}

/**
 * Statements one authenticated list costs: send N requests one after another with `log_statement = all` on the
 * scratch database and count the statements the server logged for it (the background flushes of the rate-limit
 * counters and of `lastUsedAt` are counted apart: they are batched, not per request).
 */
async function countStatements(dbName: string, logFile: string, key: string, n = 50) {
  await sleep(300); // let earlier rate-limit flushes land
  const offset = statSync(logFile).size;
  for (let i = 0; i < n; i++) await checkList(APP_PORT, key, 'count');
  await sleep(500); // the rate-limit flush (every 100 ms) and the server's log writes
  const text = readFrom(logFile, offset);
  const re = new RegExp(`@${dbName} LOG:\\s+(?:statement|execute [^:]*):\\s*([^\\n]*)`, 'g');
  const stmts = [...text.matchAll(re)].map((m) => m[1].replace(/\s+/g, ' ').trim());
  const groups = new Map<string, number>();
  for (const s of stmts) {
    const k = s.slice(0, 110);
    groups.set(k, (groups.get(k) ?? 0) + 1);
  }
  // A statement on the request path runs at least once per request; what ran fewer than n times in the window is
  // batched or periodic work of the process (rate-limit counters, lastUsedAt, background runners).
  let onPath = 0;
  let background = 0;
  for (const k of groups.values()) (k >= n ? (onPath += k) : (background += k));
  return { n, total: stmts.length, background, perRequest: onPath / n, groups };
}

// ---------------------------------------------------------------------------------------------- one database

interface DbFigures {
  database: string;
  /** req/s of the bare server answering a trivial JSON health check (the performance.md "bare Node" yardstick). */
  trivial?: number;
  app: Side;
  bare: Side;
  ratio: number;
  rss: Record<string, number>;
  statements?: { perRequest: number; background: number; n: number };
}

async function runOne(kind: 'embedded' | 'postgres', admin: PgClient | null): Promise<DbFigures> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `mc-bench-${kind}-`));
  let dbName: string | undefined;
  let databaseUrl: string | undefined;
  let logFile: string | null = null;
  const rss: Record<string, number> = {};
  let statements: DbFigures['statements'];
  let app: Proc | undefined;
  let bare: Proc | undefined;
  try {
    if (kind === 'postgres') {
      dbName = `mc_bench_read_${process.pid}_${Date.now().toString(36)}`;
      await admin!.query(`CREATE DATABASE ${dbName}`);
      databaseUrl = `${PG_URL}/${dbName}`;
      const version = String((await admin!.query('SHOW server_version_num')).rows[0].server_version_num).slice(0, 2);
      logFile = findPgLog(version);
      if (logFile) await admin!.query(`ALTER DATABASE ${dbName} SET log_statement = 'all'`);
    }

    // 1. First start (fresh data dir / empty database): migrate, bootstrap the admin, seed over the API.
    log(`  starting the app (first start${kind === 'embedded' ? ': creates the data dir in a child process' : ''}) …`);
    app = start('app', SERVER, appEnv(dataDir, databaseUrl), SERVER_NODE_ARGS);
    const t1 = await waitReady(app, `http://127.0.0.1:${APP_PORT}/api/v1/health`);
    await sleep(2000);
    rss.appFirstIdle = memory(app.pid).rss;
    log(`  ready in ${t1.toFixed(1)} s; idle RSS ${rss.appFirstIdle.toFixed(0)} MB`);
    const key = await seed(APP_PORT);
    await checkList(APP_PORT, key, 'app');
    log(`  seeded: ${WORKSPACES} workspaces, a normal user who is a member of each, and that user's own key`);

    if (kind === 'postgres') {
      if (logFile) {
        const c = await countStatements(dbName!, logFile, key);
        statements = { perRequest: c.perRequest, background: c.background, n: c.n };
        log(`  statements for ${c.n} sequential list requests (log_statement = all, ${logFile}):`);
        for (const [s, k] of c.groups) log(`    ${String(k).padStart(4)} × ${k >= c.n ? '' : '(batched/background) '}${s}`);
        log(`  → ${c.perRequest.toFixed(2)} statements per request on the request path (+ ${c.background} batched or background statements in the window)`);
        await admin!.query(`ALTER DATABASE ${dbName} RESET log_statement`);
      } else {
        log('  PostgreSQL server log not readable (set BENCH_PG_LOG): statements per request not counted');
      }
    }
    await stop(app);

    // 2. Second start on the existing database (the steady state), and the bare server beside it.
    let bareEnv: Record<string, string>;
    if (kind === 'embedded') {
      // PGlite is single-process: the bare server gets its own copy of the seeded data dir.
      const bareDir = path.join(dataDir, 'bare-db');
      cpSync(path.join(dataDir, 'db'), bareDir, { recursive: true });
      bareEnv = { BARE_PORT: String(BARE_PORT), BARE_DATA_DIR: bareDir, BARE_PG_CONF: JSON.stringify(EMBEDDED_POSTGRES_CONF) };
    } else {
      bareEnv = { BARE_PORT: String(BARE_PORT), BARE_DATABASE_URL: databaseUrl! };
    }
    bareEnv.BARE_DTO_EXTRAS = JSON.stringify(await dtoExtras());
    const profDir = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE, kind) : undefined;
    app = start('app', SERVER, appEnv(dataDir, databaseUrl), [...SERVER_NODE_ARGS, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])]);
    if (profDir) log(`  profiling the app (--cpu-prof → ${profDir}; written when it stops; figures are slower than without)`);
    const t2 = await waitReady(app, `http://127.0.0.1:${APP_PORT}/api/v1/health`);
    await sleep(2000);
    rss.appIdle = memory(app.pid).rss;
    log(`  app restarted on the seeded database: ready in ${t2.toFixed(1)} s; idle RSS ${rss.appIdle.toFixed(0)} MB`);
    bare = start('bare', BARE, bareEnv, profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}-bare`] : []);
    await waitReady(bare, `http://127.0.0.1:${BARE_PORT}/health`);
    await sleep(1000);
    rss.bareIdle = memory(bare.pid).rss;
    const appBody = await checkList(APP_PORT, key, 'app');
    const bareBody = await checkList(BARE_PORT, key, 'bare');
    const bytes = Buffer.byteLength(JSON.stringify(appBody));
    if (isDeepStrictEqual(appBody, bareBody)) {
      log(`  bare server idle RSS ${rss.bareIdle.toFixed(0)} MB; both answer the same ${WORKSPACES}-item list (${bytes} bytes of JSON)`);
    } else {
      const a0 = appBody.data[0] ?? {};
      const b0 = bareBody.data[0] ?? {};
      const keys = [...new Set([...Object.keys(a0), ...Object.keys(b0)])].filter((k) => !isDeepStrictEqual(a0[k], b0[k]));
      log(`  WARNING: the bare server's JSON differs from the app's (first item, fields: ${keys.join(', ') || 'meta'}); update bench/bare-server.mjs`);
    }

    const { a, b } = await compare(app, bare, key);
    let trivial: number | undefined;
    if (kind === 'postgres' || process.env.BENCH_ONLY === 'embedded') {
      trivial = (await load(BARE_PORT, key, DURATION, '/health')).rps;
      log(`  bare Node answering a trivial JSON health check: ${trivial.toFixed(0)} req/s`);
    }
    rss.appLoadEnd = a.rounds.at(-1)!.rssEnd;
    rss.appLoadPeak = Math.max(...a.rounds.map((x) => x.rssPeak));
    rss.appHwm = memory(app.pid).hwm;
    rss.bareLoadEnd = b.rounds.at(-1)!.rssEnd;
    rss.bareLoadPeak = Math.max(...b.rounds.map((x) => x.rssPeak));
    await sleep(2000);
    rss.appAfterLoadIdle = memory(app.pid).rss;
    return { database: kind === 'embedded' ? 'embedded (PGlite)' : 'PostgreSQL', trivial, app: a, bare: b, ratio: a.rps / b.rps, rss, statements };
  } finally {
    if (app) await stop(app);
    if (bare) await stop(bare);
    rmSync(dataDir, { recursive: true, force: true });
    if (dbName) await admin!.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => log(`  could not drop ${dbName}: ${e.message}`));
  }
}

// ---------------------------------------------------------------------------------------------- main

function staleBuildWarning() {
  if (!existsSync(SERVER)) throw new Error(`${path.relative(root, SERVER)} is missing: run \`pnpm build\` first (or BENCH_BUILD=1)`);
  const built = statSync(SERVER).mtimeMs;
  const newer: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name) && statSync(p).mtimeMs > built) newer.push(path.relative(root, p));
    }
  };
  for (const d of ['packages/api/src', 'packages/core/src', 'packages/db/src', 'packages/contracts/src', 'apps/web/src']) walk(path.join(root, d));
  if (statSync(path.join(root, 'apps/web/server.ts')).mtimeMs > built) newer.push('apps/web/server.ts');
  if (newer.length) log(`warning: ${newer.length} source file(s) are newer than the build (e.g. ${newer.slice(0, 3).join(', ')}); run \`pnpm build\` for current figures`);
}

const loadAvg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const LOAD_AT_START = loadAvg();

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

function printSummary(all: DbFigures[]) {
  const f = (x: number, d = 0) => x.toFixed(d);
  log('\n================ bench/api-read: GET /api/v1/workspaces (20 rows, non-admin user key) ================');
  log(`${new Date().toISOString()} · commit ${commit()} · ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}) · Node ${process.version} · ${TOOL} ${CONNECTIONS} connections · ${ROUNDS}×${DURATION}s alternating, medians`);
  log(`load average at start ${LOAD_AT_START}, at end ${loadAvg()} (anything well above 1 means other work shared the 2 cores: compare the CPU-per-request figures, they suffer less)`);
  log('note: the load generator runs on the same machine and takes most of a core.');
  const trivial = all.find((r) => r.trivial)?.trivial;
  for (const r of all) {
    log(`\n${r.database}`);
    for (const [label, s] of [['a app ', r.app], ['b bare', r.bare]] as const) {
      log(`  ${label}  ${f(s.rps).padStart(7)} req/s   p50 ${f(s.p50, 2).padStart(6)} ms   p99 ${f(s.p99, 2).padStart(6)} ms   server CPU ${f(s.cpu * 1000).padStart(4)} µs/request`);
    }
    log(`  ratio a/b = ${f(r.ratio, 2)}  (target ≥ 0.5: ${r.ratio >= 0.5 ? 'met' : 'NOT met'}); by server CPU per request: ${f(r.bare.cpu / r.app.cpu, 2)}`);
    if (trivial) log(`  app = ${f((100 * r.app.rps) / trivial, 1)} % of bare Node answering trivial JSON (${f(trivial)} req/s; target for an authenticated list of 20: ≥ 20 %)`);
    const m = r.rss;
    log(
      `  app RSS: idle after first start ${f(m.appFirstIdle)} MB · idle after restart ${f(m.appIdle)} MB · end of load ${f(m.appLoadEnd)} MB` +
        ` (peak during load ${f(m.appLoadPeak)} MB, VmHWM ${f(m.appHwm)} MB) · idle 2 s after load ${f(m.appAfterLoadIdle)} MB`,
    );
    log(`  bare RSS: idle ${f(m.bareIdle)} MB · end of load ${f(m.bareLoadEnd)} MB`);
    if (r.statements) {
      log(
        `  SQL per authenticated list request: ${f(r.statements.perRequest, 2)} (over ${r.statements.n} sequential requests; plus ${r.statements.background} batched or background statements in that window)`,
      );
    }
  }
  log('');
}

async function main() {
  if (process.env.BENCH_BUILD === '1') execFileSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });
  staleBuildWarning();
  log(`load generator: ${TOOL}${TOOL === 'wrk' ? ' (-t1)' : ''}, ${CONNECTIONS} connections, ${DURATION}s per measurement, ${ROUNDS} alternating rounds`);
  const only = process.env.BENCH_ONLY;
  const all: DbFigures[] = [];
  if (!only || only === 'embedded') {
    log('\n== embedded database (PGlite) ==');
    all.push(await runOne('embedded', null));
  }
  if (!only || only === 'postgres') {
    log('\n== PostgreSQL ==');
    const admin = await pgAdmin();
    if (admin) {
      try {
        all.push(await runOne('postgres', admin));
      } finally {
        await admin.end();
      }
    }
  }
  printSummary(all);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify({ date: new Date().toISOString(), tool: TOOL, results: all }, null, 2));
}

main().catch((err) => {
  console.error(err);
  killAll();
  process.exit(1);
});

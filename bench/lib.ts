// Shared helpers of the benchmarks in bench/: start and stop the built app (or a bare server) as child processes,
// wait for them, read their CPU time and memory from /proc, call the API while seeding, open a scratch
// PostgreSQL database, open either database directly (checks after a run), and small statistics.
// Extracted from the conventions of bench/api-read.ts (same environment, same seeding style).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EMBEDDED_POSTGRES_CONF } from '../packages/db/src/client';

export { EMBEDDED_POSTGRES_CONF };

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The repo root has no database drivers of its own: load the very copies the app uses (apps/web/node_modules). */
export const appRequire = createRequire(path.join(root, 'apps/web/package.json'));
export const SERVER = process.env.BENCH_SERVER ? path.resolve(process.env.BENCH_SERVER) : path.join(root, 'apps/web/dist/server.mjs');
export const PG_URL = (process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const log = (...a: unknown[]) => console.log(...a);

// ---------------------------------------------------------------------------------------------- processes

const children = new Set<ChildProcess>();
export function killAll() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => (killAll(), process.exit(130)));

export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  output: string[];
}

/** Start `node [nodeArgs] script [args]` from the repo root with NODE_ENV=production and `env` added. */
export function start(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = [], args: string[] = []): Proc {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
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

export async function waitReady(p: Proc, url: string, timeoutMs = 120_000) {
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

/** SIGTERM, then SIGKILL after 15 s; resolves when the process has exited. */
export async function stop(p: Proc) {
  if (p.child.exitCode !== null || p.child.signalCode !== null) {
    children.delete(p.child);
    return;
  }
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(t);
  children.delete(p.child);
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
export function memory(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) a process has used so far, in ms: robust to noise from other processes on the machine. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime, stime (fields 14 and 15 of stat)
}

/** Like cpuMs, 0 for a process that is gone. */
export function cpuMsOr0(pid: number): number {
  try {
    return cpuMs(pid);
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------- the app

/** The instance administrator a bench creates at first start (MC_INIT_ADMIN_*). */
export interface BenchAdmin {
  email: string;
  password: string;
  key: string;
}

/** The benches' administrator, with a key of its own per bench (`mc_usr_bench_<tag>_xxx…`). */
export const benchAdmin = (tag: string, fill = 'x'): BenchAdmin => ({
  email: 'bench.admin@example.com',
  password: 'bench-password-123',
  key: `mc_usr_bench_${tag}_${fill.repeat(24)}`,
});

/**
 * The environment of the built app in a bench: its port, its data directory (and PostgreSQL when a URL is given),
 * the administrator, no rate limit in the way of the load; `extra` adds to it (e.g. a pool size).
 */
export function appEnv(port: number, admin: BenchAdmin, dataDir: string, databaseUrl?: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    MC_DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    MC_INIT_ADMIN_EMAIL: admin.email,
    MC_INIT_ADMIN_PASSWORD: admin.password,
    MC_INIT_ADMIN_API_KEY: admin.key,
    MC_RATE_LIMIT_PER_MINUTE: '100000000',
    MC_RATE_LIMIT_ANON_PER_MINUTE: '100000000',
    ...extra,
  };
}

/** Start the built app with this environment and wait for its health check (first start migrates: up to 5 minutes). */
export async function startApp(port: number, env: Record<string, string>, nodeArgs: string[] = []): Promise<Proc> {
  const p = start('app', SERVER, env, nodeArgs);
  await waitReady(p, `http://127.0.0.1:${port}/api/v1/health`, 300_000);
  return p;
}

// ---------------------------------------------------------------------------------------------- statement logs

/**
 * Split logged statements into the request path and background work: per backend, a transaction (BEGIN …
 * COMMIT/ROLLBACK) or a lone statement is one unit, and a unit with a statement matching `background` (the webhook
 * outbox, the rate-limit counters, key usage, lease sweeps — each bench says how it recognises them) is background.
 */
export function splitBackground(stmts: { pid: number; sql: string }[], background: RegExp) {
  const open = new Map<number, string[]>();
  const request: string[] = [];
  const bg: string[] = [];
  const close = (unit: string[]) => (unit.some((st) => background.test(st)) ? bg : request).push(...unit);
  for (const { pid, sql } of stmts) {
    const unit = open.get(pid);
    if (unit) {
      unit.push(sql);
      if (/^(commit|rollback)\b/i.test(sql)) {
        open.delete(pid);
        close(unit);
      }
    } else if (/^(begin|start transaction)\b/i.test(sql)) open.set(pid, [sql]);
    else close([sql]);
  }
  for (const unit of open.values()) close(unit);
  return { request, background: bg };
}

// ---------------------------------------------------------------------------------------------- the API

export interface ApiOpts {
  key?: string;
  cookie?: string;
  body?: unknown;
  /** Statuses accepted besides 2xx. */
  ok?: number[];
}

/** One API call with fetch (seeding, checks — not the measured load). Throws on an unexpected status. */
export async function api(port: number, method: string, p: string, opts: ApiOpts = {}) {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.cookie) {
    headers.cookie = opts.cookie;
    headers.origin = `http://127.0.0.1:${port}`;
  }
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`http://127.0.0.1:${port}${p}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const json = (await res.json()) as { success: boolean; data?: any; meta?: any; error?: any };
  if (!res.ok && !opts.ok?.includes(res.status)) throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(json.error)}`);
  return { json, res };
}

/** A person's own API key, made the way they would: sign in (session cookie), then POST /me/api-keys. */
export async function personalKey(port: number, person: { email: string; password: string }): Promise<string> {
  const { res } = await api(port, 'POST', '/api/v1/auth/login', { body: { email: person.email, password: person.password } });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { json } = await api(port, 'POST', '/api/v1/me/api-keys', { cookie, body: { name: 'bench' } });
  return json.data.key as string;
}

/** Run `fn` over `items` with at most `concurrency` calls in flight. */
export async function mapLimit<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

// ---------------------------------------------------------------------------------------------- databases

export type PgClient = { query(q: string, v?: unknown[]): Promise<{ rows: any[] }>; end(): Promise<void>; connect(): Promise<void> };

/** A client on the server's `postgres` database (to create and drop scratch databases), or null when unreachable. */
export async function pgAdmin(): Promise<PgClient | null> {
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

/** The smallest common face of both drivers: rows of one statement. */
export interface SqlClient {
  query<T = any>(text: string, values?: unknown[], name?: string): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Open a database directly: a PostgreSQL pool (named prepared statements when `name` is given) or a PGlite data
 * directory (must not be open in another process; opened with the app's postgresql.conf lines).
 */
export async function openSql(target: { databaseUrl: string; poolSize?: number } | { dataDir: string; conf?: string[] }): Promise<SqlClient> {
  if ('databaseUrl' in target) {
    const pg = appRequire('pg');
    const pool = new pg.Pool({ connectionString: target.databaseUrl, max: target.poolSize ?? 10 });
    // A scratch database dropped WITH (FORCE) right after a run ends its idle connections: not worth a word.
    pool.on('error', (err: Error & { code?: string }) => err.code !== '57P01' && console.error('[sql] idle client error:', err.message));
    return {
      async query(text, values, name) {
        return (await pool.query(name ? { name, text, values } : { text, values })).rows;
      },
      close: () => pool.end(),
    };
  }
  const { PGlite } = await import(pathToFileURL(appRequire.resolve('@electric-sql/pglite')).href.replace(/index\.cjs$/, 'index.js'));
  const conf = target.conf ?? EMBEDDED_POSTGRES_CONF;
  // The extensions the app's migrations create must be loaded by every PGlite that opens its data directory.
  const { btree_gin } = await import(pathToFileURL(appRequire.resolve('@electric-sql/pglite/contrib/btree_gin')).href.replace(/\.cjs$/, '.js'));
  const client = await PGlite.create({ dataDir: target.dataDir, postgresqlconf: conf, extensions: { btree_gin } });
  // Named statements are PREPAREd once and run with EXECUTE, as the app's queryRaw does on PGlite (packages/db): PGlite
  // plans every query() again, so without this the floor would pay a cost the app no longer pays.
  const prepared = new Map<string, Promise<unknown>>();
  const literal = (v: unknown): string =>
    v === null || v === undefined
      ? 'NULL'
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : `'${(v instanceof Date ? v.toISOString() : String(v)).replaceAll("'", "''")}'`;
  return {
    async query(text, values, name) {
      if (!name) return (await client.query(text, values)).rows;
      let ready = prepared.get(name);
      if (!ready) prepared.set(name, (ready = client.exec(`PREPARE ${name} AS ${text}`)));
      await ready;
      return (await client.query(values?.length ? `EXECUTE ${name}(${values.map(literal).join(', ')})` : `EXECUTE ${name}`)).rows;
    },
    close: () => client.close(),
  };
}

export function findPgLog(version: string): string | null {
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

/** The bytes a (log) file gained since `offset`. */
export function readFrom(file: string, offset: number): string {
  const size = statSync(file).size;
  if (size <= offset) return '';
  const buf = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  readSync(fd, buf, 0, buf.length, offset);
  closeSync(fd);
  return buf.toString('utf8');
}

/**
 * Statements PostgreSQL logged (log_statement = all, Debian's log_line_prefix `%m [%p] %q%u@%d `) for database
 * `dbName` in a slice of its log, with the backend's pid (to tell transactions apart), whitespace folded.
 */
export function loggedStatements(text: string, dbName: string): { pid: number; sql: string }[] {
  const out: { pid: number; sql: string }[] = [];
  // One entry per line that starts with a timestamp; continuation lines (multi-line SQL) belong to it.
  for (const entry of text.split(/\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/)) {
    const m = /^\S+ \S+ \S+ \[(\d+)\] \S*@(\S+) LOG:\s+(?:statement|execute [^:]*):\s*([\s\S]*)$/.exec(entry);
    if (m && m[2] === dbName) out.push({ pid: Number(m[1]), sql: m[3].replace(/\s+/g, ' ').trim() });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- build, statistics

/** Warn when sources are newer than the bundled server (figures would describe an older build). */
export function staleBuildWarning() {
  if (!existsSync(SERVER)) throw new Error(`${path.relative(root, SERVER)} is missing: run \`pnpm build\` first (or BENCH_BUILD=1)`);
  const built = statSync(SERVER).mtimeMs;
  const newer: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && statSync(p).mtimeMs > built) newer.push(path.relative(root, p));
    }
  };
  for (const d of ['packages/api/src', 'packages/core/src', 'packages/db/src', 'packages/contracts/src', 'apps/web/src']) walk(path.join(root, d));
  if (statSync(path.join(root, 'apps/web/server.ts')).mtimeMs > built) newer.push('apps/web/server.ts');
  if (newer.length) log(`warning: ${newer.length} source file(s) are newer than the build (e.g. ${newer.slice(0, 3).join(', ')}); run \`pnpm build\` for current figures`);
}

export const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Nearest-rank percentile (p in 0..100) of an unsorted sample. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

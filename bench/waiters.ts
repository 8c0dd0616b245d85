// bench/waiters — what 5,000 waiting agents cost one server process: agents long-polling `POST /tickets/claim-next
// {"wait": 60}` or `GET /tickets/available?wait=60`, on the built app (apps/web/dist/server.mjs), on the embedded
// database (PGlite) and on PostgreSQL.
//
//   pnpm build && pnpm bench:waiters [--waiters 5000] [--claimers 10] [--claims 400] [--tickets 20] [--only embedded|postgres]
//
// How a run goes, per database:
//  1. The app starts on a fresh data dir / scratch database (admin from MC_INIT_*), the admin creates a workspace over
//     the API, and the app stops. Seeded set-based, in the database: N approved agents with known keys (the key's
//     SHA-256 computed by the database: `encode(sha256(convert_to(key, 'UTF8')), 'hex')`, as packages/core/src/auth
//     hashes it), C "claimer" agents with the capability `bench`, and tickets that require `bench` (so only the
//     claimers may take them: the waiters never see them). The app starts again on that database.
//  2. Baseline, no waiters: idle CPU of the server over 10 s (from /proc), RSS, and claims — C claimers each claiming
//     distinct `bench` tickets one after the other (PATCH /tickets/{id}/claim), latency p50/p99.
//  3. claim-next: N agents long-poll `POST /tickets/claim-next {"wait": 60}` from this process, one keep-alive socket
//     each; a wait that ends empty (204) is opened again at once, as an agent's loop does. Once they are parked: RSS,
//     the server's CPU over 20 s (with the waits that ended and were renewed in that window), the same claims. Then
//     K tickets anyone may take are created one at a time; after each, how many waiters were answered with work (must
//     be exactly one: the ticket, claimed), the server's CPU, and on PostgreSQL the statements the app ran (the
//     scratch database has log_statement = all; counted from the server log by prepared statement name: claim-next
//     looks, the queue's questions, polls), over the same window as for a ticket nobody waits for (the baseline).
//  4. available?wait: the same with `GET /tickets/available?wait=60`. One new ticket: every waiter is answered
//     (with that ticket); time until the last answer, server CPU, statements. The agents wait again (the ticket
//     claimed meanwhile) and a ticket assigned to one of them is created: one answer, the others sleep on; CPU and
//     statements of that wake-up (the cost of looking for N waiters at once).
//
// Options (or BENCH_* in brackets): --waiters N [BENCH_WAITERS] 5000 · --claimers C 10 · --claims M 400 (per phase) ·
// --tickets K 20 (claim-next wake-ups) · --only embedded|postgres [BENCH_ONLY] · --port [BENCH_APP_PORT] 3590 ·
// --scenarios claim-next,available (which of steps 3 and 4) · --no-probe (no memory probe in the server) · --snapshot
// (a heap snapshot with the waiters parked, kept in the probe's folder) · --wait S 60 (each long-poll's wait: shorter
// waits renew within the 20 s window, e.g. `--waiters 500 --wait 5 --only postgres` counts the statements per renewal)
// Memory: bench/memory-probe.mjs is preloaded into the server; at the baseline, with the waiters parked and after they
// have left, the RSS split by mapping (WebAssembly memory, i.e. PGlite's; other anonymous; files), the V8 heap as it
// is and after a last-resort GC (what is retained: per waiter, the retained heap with them minus the baseline's, / N;
// and the RSS floor V8 comes down to when it compacts). After the waiters have left, also once the process is quiet.
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432 (a scratch database is created there and dropped after)
//   BENCH_PG_LOG=<file> (PostgreSQL's log, default /var/log/postgresql/postgresql-<major>-main.log)
//   BENCH_SERVER=<another build's server.mjs> (e.g. a build of an older commit, for a before/after)
// Needs `ulimit -n` above 2 × N (this process and the server each hold one socket per waiter).
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { statSync } from 'node:fs';
import { fmtReading, probeEnv, readMemory, untilQuiet } from './mem-read';
import { api, cpuMs, findPgLog, log, mapLimit, memory, openSql, percentile, PG_URL, pgAdmin, readFrom, SERVER, sleep, staleBuildWarning, start, stop, waitReady, type Proc, type SqlClient } from './lib';

const { values } = parseArgs({
  options: {
    waiters: { type: 'string', default: process.env.BENCH_WAITERS ?? '5000' },
    claimers: { type: 'string', default: '10' },
    claims: { type: 'string', default: '400' },
    tickets: { type: 'string', default: '20' },
    only: { type: 'string', default: process.env.BENCH_ONLY ?? '' },
    port: { type: 'string', default: process.env.BENCH_APP_PORT ?? '3590' },
    scenarios: { type: 'string', default: 'claim-next,available' },
    wait: { type: 'string', default: '60' },
    'no-probe': { type: 'boolean', default: false },
    snapshot: { type: 'boolean', default: false },
  },
});
const N = Number(values.waiters);
const C = Number(values.claimers);
const CLAIMS = Number(values.claims);
const K = Number(values.tickets);
/** Seconds each long-poll waits (60, the most the API allows; shorter makes renewals, e.g. to count their statements). */
const WAIT = Number(values.wait);
const PORT = Number(values.port);
const IDLE_WINDOW_MS = 10_000;
/** Where the probe preloaded into the server (bench/memory-probe.mjs) writes its readings (and heap snapshots). */
const PROBE_DIR = values['no-probe'] ? undefined : mkdtempSync(path.join(os.tmpdir(), 'mc-bench-waiters-probe-'));

/** Memory of the server now, and what of its V8 heap is retained (after a last-resort GC). */
async function memLine(p: Proc, label: string, opts: { snapshot?: boolean; reduce?: boolean } = {}) {
  const r = await readMemory(p, PROBE_DIR);
  if (opts.reduce && PROBE_DIR) {
    // Once the process is quiet in V8's eyes: what is left of the waiters, as the process keeps it.
    const idle = await untilQuiet(p, PROBE_DIR, 240);
    log(`    memory ${label}, at once: ${fmtReading(r)}`);
    log(`    … ${idle.quiet ? `once quiet (${idle.seconds.toFixed(0)} s later)` : `not quiet within ${idle.seconds.toFixed(0)} s`}: ${fmtReading(idle.reading)}`);
    Object.assign(r, idle.reading);
  }
  const retained = PROBE_DIR ? await readMemory(p, PROBE_DIR, { gc: true, snapshot: opts.snapshot && values.snapshot }) : null;
  if (!opts.reduce || !PROBE_DIR) log(`    memory ${label}: ${fmtReading(r)}`);
  if (retained?.probe) log(`      after a last-resort GC: V8 heap used ${retained.probe.heapUsed.toFixed(1)} MB · external ${retained.probe.external.toFixed(1)} MB · RSS ${retained.rss.toFixed(0)} MB`);
  return { r, retained };
}

const ADMIN = { email: 'bench.waiters@example.com', password: 'bench-password-123', key: `mc_usr_bench_waiters_${'x'.repeat(24)}` };
/** The key of seeded agent `g` (1-based): waiters are 1..N, claimers N+1..N+C. */
const agentKey = (g: number) => `mc_agt_bw_${String(g).padStart(6, '0')}_benchbenchbenchbench`;
const agentId = (g: number) => `agt_bw_${String(g).padStart(6, '0')}`;

// ---------------------------------------------------------------------------------------------- HTTP client

/** One socket per request (no pooling limit), kept alive: as many agents, each with its own connection. */
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 100_000 });

interface Call {
  done: Promise<{ status: number; body: any; at: number }>;
  /** The client goes away (its socket is closed). */
  abort(): void;
}

function call(method: string, p: string, key: string, body?: unknown): Call {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  let req!: http.ClientRequest;
  const done = new Promise<{ status: number; body: any; at: number }>((resolve, reject) => {
    req = http.request(
      {
        host: '127.0.0.1',
        port: PORT,
        method,
        path: p,
        agent: httpAgent,
        headers: {
          authorization: `Bearer ${key}`,
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : { 'content-length': 0 }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, at: performance.now() });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
  return { done, abort: () => req.destroy() };
}

// ---------------------------------------------------------------------------------------------- measurements

/** The server's CPU over `ms` of nothing asked of it, as a share of one core, and ms of CPU per second. */
async function idleCpu(p: Proc, ms = IDLE_WINDOW_MS) {
  const c0 = cpuMs(p.pid);
  const t0 = performance.now();
  await sleep(ms);
  const used = cpuMs(p.pid) - c0;
  return { msPerS: (used / (performance.now() - t0)) * 1000 };
}

/** Wait until the server has settled: two 1 s windows in a row under 30 ms of CPU each (max 120 s). */
async function settle(p: Proc) {
  let quiet = 0;
  for (let i = 0; i < 120 && quiet < 2; i++) {
    const c0 = cpuMs(p.pid);
    await sleep(1000);
    quiet = cpuMs(p.pid) - c0 < 30 ? quiet + 1 : 0;
  }
}

/** C claimers, each claiming its share of `tickets` one after the other: latencies in ms. */
async function claims(ticketIds: string[]) {
  const lat: number[] = [];
  const per = Math.ceil(ticketIds.length / C);
  let failed = 0;
  await Promise.all(
    Array.from({ length: C }, async (_, c) => {
      for (const id of ticketIds.slice(c * per, (c + 1) * per)) {
        const t0 = performance.now();
        const r = await call('PATCH', `/api/v1/tickets/${id}/claim`, agentKey(N + 1 + c)).done;
        lat.push(performance.now() - t0);
        if (r.status !== 200) failed++;
      }
    }),
  );
  if (failed) throw new Error(`${failed} claims failed`);
  return { n: lat.length, p50: percentile(lat, 50), p99: percentile(lat, 99), max: Math.max(...lat) };
}

const fmtClaims = (c: Awaited<ReturnType<typeof claims>>) => `${c.n} claims: p50 ${c.p50.toFixed(1)} ms · p99 ${c.p99.toFixed(1)} ms · max ${c.max.toFixed(1)} ms`;

/**
 * Statements the app ran on the scratch database in a slice of PostgreSQL's log (the database has log_statement =
 * all), by prepared statement name (`execute mc_claim_next_ticket`, …; `statement` for unnamed ones).
 */
function statementsIn(text: string, db: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^\S+ \S+ \S+ \[\d+\] \S*@(\S+) LOG:\s+(?:execute ([^:\s]+)|(statement)):/gm)) {
    if (m[1] !== db) continue;
    const name = m[2] ?? m[3];
    out.set(name, (out.get(name) ?? 0) + 1);
  }
  return out;
}

/** The statements of interest: looks of claim-next, questions of its queue, polls (one waiter's / shared), all. */
function summarize(counts: Map<string, number> | null) {
  if (!counts) return '';
  const n = (k: string) => counts.get(k) ?? 0;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const parts = [`${total} statements`];
  for (const [k, label] of [
    ['mc_claim_next_ticket', 'claim-next looks'],
    ['mc_claim_next_claimable_by', 'queue questions'],
    ['mc_poll_available', 'single polls'],
    ['mc_poll_available_waiters', 'shared polls'],
  ] as const)
    if (n(k)) parts.push(`${n(k)} ${label}`);
  return ` · ${parts.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------- a run

interface Ctx {
  kind: 'embedded' | 'postgres';
  p: Proc;
  workspaceId: string;
  ticketIds: string[];
  pgLog: string | null;
  dbName: string;
  /** V8 heap retained (after a last-resort GC) at the baseline, MB. */
  retained0?: number;
}

function appEnv(dataDir: string, databaseUrl?: string): Record<string, string> {
  return {
    PORT: String(PORT),
    HOST: '127.0.0.1',
    MC_DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    MC_INIT_ADMIN_EMAIL: ADMIN.email,
    MC_INIT_ADMIN_PASSWORD: ADMIN.password,
    MC_INIT_ADMIN_API_KEY: ADMIN.key,
    MC_RATE_LIMIT_PER_MINUTE: '100000000',
    MC_RATE_LIMIT_ANON_PER_MINUTE: '100000000',
    ...(PROBE_DIR ? probeEnv(PROBE_DIR) : {}),
  };
}

async function startApp(dataDir: string, databaseUrl?: string) {
  const p = start('app', SERVER, appEnv(dataDir, databaseUrl));
  await waitReady(p, `http://127.0.0.1:${PORT}/api/v1/health`);
  return p;
}

async function seed(sql: SqlClient, workspaceId: string) {
  const [{ id: adminId }] = await sql.query(`SELECT id FROM users WHERE email = $1`, [ADMIN.email]);
  const T = CLAIMS * 4 + 10;
  await sql.query(
    `INSERT INTO agents (id, workspace_id, name, status, registration_secret_hash, capabilities, key_issued_at)
     SELECT 'agt_bw_' || lpad(g::text, 6, '0'), $1, 'bench-agent-' || g, 'active', 'x',
       CASE WHEN g > $2::int THEN '["bench"]'::jsonb ELSE '[]'::jsonb END, now()
     FROM generate_series(1, $2::int + $3::int) g`,
    [workspaceId, N, C],
  );
  await sql.query(
    `INSERT INTO agent_keys (id, agent_id, workspace_id, key_prefix, key_hash)
     SELECT 'akey_bw_' || lpad(g::text, 6, '0'), 'agt_bw_' || lpad(g::text, 6, '0'), $1, 'mc_agt_bw_',
       encode(sha256(convert_to('mc_agt_bw_' || lpad(g::text, 6, '0') || '_benchbenchbenchbench', 'UTF8')), 'hex')
     FROM generate_series(1, $2::int) g`,
    [workspaceId, N + C],
  );
  await sql.query(
    `INSERT INTO tickets (id, workspace_id, number, title, status, priority, required_capabilities, created_by_kind, created_by_id,
       created_at, updated_at, status_changed_at, version)
     SELECT 'tkt_bw_' || lpad(g::text, 6, '0'), $1, g, 'bench ticket ' || g, 'todo', g % 4, '["bench"]'::jsonb, 'user', $2,
       now() - interval '1 hour' + g * interval '1 ms', now(), now(), 1
     FROM generate_series(1, $3::int) g`,
    [workspaceId, adminId, T],
  );
  await sql.query(`UPDATE workspaces SET ticket_seq = $2::int WHERE id = $1`, [workspaceId, T]);
  await sql.query('ANALYZE');
  return Array.from({ length: T }, (_, i) => `tkt_bw_${String(i + 1).padStart(6, '0')}`);
}

/**
 * N agents long-polling as agents do: each opens its long-poll, and when the wait ends empty (204 / no tickets) opens
 * the next one at once; an agent whose answer has work stops (it would go and work). Opened 100 at a time.
 */
interface Fleet {
  /** Agents that got work, in the order of their answers. */
  got: number[];
  /** Waits that ended empty and were opened again. */
  repolls: number;
  /** Waits answered 408 by Node's HTTP server (not the app), opened again: a new connection whose first request the
   * server had not read within headersTimeout (60 s) of accepting it — the server that far behind (bench/README.md). */
  timedOut: number;
  /** Waits whose connection failed (by error code: ECONNRESET when the accept queue overflowed…), opened again. */
  cut: Record<string, number>;
  /** Waits answered 503 UNAVAILABLE, opened again after 1 s. */
  unavailable: number;
  close(): Promise<void>;
}

/** " · 12 waits answered 408 · 230 cut (ECONNRESET 230) so far, opened again", or nothing. */
function fmtRefused(f: Fleet, when: string) {
  const cut = Object.values(f.cut).reduce((a, b) => a + b, 0);
  if (!f.timedOut && !cut) return '';
  const codes = Object.entries(f.cut).map(([k, v]) => `${k} ${v}`).join(', ');
  return ` · ${f.timedOut} waits answered 408 by Node · ${cut} connections cut${cut ? ` (${codes})` : ''} ${when}, opened again`;
}

async function fleet(c: Ctx, open: (g: number) => Call, hasWork: (r: { status: number; body: any }) => boolean): Promise<Fleet> {
  const current = new Map<number, Call>();
  let stopped = false;
  const f: Fleet = {
    got: [],
    repolls: 0,
    timedOut: 0,
    cut: {},
    unavailable: 0,
    async close() {
      stopped = true;
      for (const x of current.values()) x.abort();
      current.clear();
      await sleep(2000);
    },
  };
  const run = (g: number) => {
    if (stopped) return;
    const x = open(g);
    current.set(g, x);
    x.done.then(
      (r) => {
        current.delete(g);
        if (hasWork(r)) f.got.push(g);
        else if (!stopped) {
          // 408 from Node's HTTP server, never from the app: see `timedOut`.
          if (r.status === 408) f.timedOut++;
          else if (r.status === 503) {
            // The server's pool ran dry (the old design's stampede: every waiter polling at once): retried shortly.
            f.unavailable++;
            return void setTimeout(() => run(g), 1000);
          } else if (r.status >= 400) throw new Error(`waiter ${g}: ${r.status} ${JSON.stringify(r.body)}`);
          else f.repolls++;
          run(g);
        }
      },
      (e: NodeJS.ErrnoException) => {
        current.delete(g);
        if (stopped) return;
        const code = e.code ?? e.message;
        f.cut[code] = (f.cut[code] ?? 0) + 1;
        run(g);
      },
    );
  };
  for (let g = 1; g <= N; g++) {
    run(g);
    if (g % 100 === 0) await sleep(20);
  }
  // Parked: the server is quiet again (or the first waits have already ended and been renewed).
  let quiet = 0;
  for (let i = 0; i < 180 && quiet < 2 && f.repolls === 0; i++) {
    const c0 = cpuMs(c.p.pid);
    await sleep(1000);
    quiet = cpuMs(c.p.pid) - c0 < 30 ? quiet + 1 : 0;
  }
  return f;
}

async function createTicket(body: Record<string, unknown>, workspaceId: string) {
  const { json } = await api(PORT, 'POST', '/api/v1/tickets', { key: ADMIN.key, body: { workspaceId, title: 'new work', ...body } });
  return json.data.id as string;
}

/** CPU of the server and statements on the database over `fn` and the 1.5 s after it (to let stragglers in). */
async function costOf<T>(c: Ctx, fn: () => Promise<T>) {
  const off = c.pgLog ? statSync(c.pgLog).size : 0;
  const c0 = cpuMs(c.p.pid);
  const t0 = performance.now();
  const result = await fn();
  const took = performance.now() - t0;
  await sleep(1500);
  const cpu = cpuMs(c.p.pid) - c0;
  const counts = c.pgLog ? statementsIn(readFrom(c.pgLog, off), c.dbName) : null;
  return { result, took, cpu, counts };
}

async function scenario(c: Ctx, name: string, open: (g: number) => Call, hasWork: (r: { status: number; body: any }) => boolean) {
  log(`\n  ${name}: ${N} waiting agents`);
  const rssBefore = memory(c.p.pid).rss;
  const t0 = performance.now();
  const f = await fleet(c, open, hasWork);
  log(`    parked in ${((performance.now() - t0) / 1000).toFixed(1)} s (${f.got.length} answered with work, ${f.repolls} waits already renewed)`);
  const rss = memory(c.p.pid);
  const r0 = f.repolls;
  const w0 = performance.now();
  const logOff = c.pgLog ? statSync(c.pgLog).size : 0;
  const idle = await idleCpu(c.p, 20_000);
  const renewals = f.repolls - r0;
  const renewed = renewals / ((performance.now() - w0) / 1000);
  // What the renewals cost the database: every statement of the window (the app's only traffic then is the renewals,
  // the key-usage flushes and the background runners), per renewal.
  const counts = c.pgLog ? statementsIn(readFrom(c.pgLog, logOff), c.dbName) : null;
  const perRenewal = counts && renewals ? ` · ${([...counts.values()].reduce((a, b) => a + b, 0) / renewals).toFixed(2)} statements per renewal (${[...counts].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
  log(
    `    RSS ${rss.rss.toFixed(0)} MB (+${(rss.rss - rssBefore).toFixed(0)} MB with the waiters, ${(((rss.rss - rssBefore) * 1024) / N).toFixed(1)} KB each)` +
      ` · CPU while they wait ${idle.msPerS.toFixed(1)} ms/s over 20 s, with ${renewed.toFixed(1)} waits/s ending empty and renewed` +
      (renewals ? ` (${(idle.msPerS / renewed).toFixed(1)} ms of server CPU per renewal)` : '') + perRenewal,
  );
  const cl = await claims(c.ticketIds.splice(0, CLAIMS));
  log(`    claims while they wait: ${fmtClaims(cl)}${fmtRefused(f, 'so far')}`);
  const m = await memLine(c.p, `with ${N} waiters`, { snapshot: true });
  if (c.retained0 !== undefined && m.retained?.probe) log(`      retained V8 heap per waiter: ${(((m.retained.probe.heapUsed - c.retained0) * 1024) / N).toFixed(1)} KB`);
  return f;
}

async function measure(kind: 'embedded' | 'postgres') {
  const work = mkdtempSync(path.join(os.tmpdir(), 'mc-bench-waiters-'));
  const dataDir = path.join(work, 'data');
  let admin: SqlClient | null = null;
  let pgLog: string | null = null;
  let databaseUrl: string | undefined;
  const dbName = `mc_bench_waiters_${Date.now().toString(36)}`;
  if (kind === 'postgres') {
    const a = await pgAdmin();
    if (!a) return;
    await a.query(`CREATE DATABASE ${dbName}`);
    // Every statement of the app's sessions is logged, to count what a wake-up costs (PostgreSQL's own log).
    pgLog = findPgLog(String((await a.query('SHOW server_version_num')).rows[0].server_version_num).slice(0, 2));
    if (pgLog) await a.query(`ALTER DATABASE ${dbName} SET log_statement = 'all'`);
    else log('  (PostgreSQL log not readable: statement counts left out; BENCH_PG_LOG=<file>)');
    await a.end();
    databaseUrl = `${PG_URL}/${dbName}`;
    admin = await openSql({ databaseUrl: `${PG_URL}/postgres`, poolSize: 1 });
  }
  log(`\n${kind === 'embedded' ? 'embedded (PGlite)' : 'PostgreSQL'} — ${new Date().toISOString()} — load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  let p = await startApp(dataDir, databaseUrl);
  const { json: ws } = await api(PORT, 'POST', '/api/v1/workspaces', { key: ADMIN.key, body: { name: 'Waiters bench', slug: `waiters-${Date.now().toString(36)}` } });
  const workspaceId = ws.data.id as string;
  await stop(p);
  const sql = await openSql(databaseUrl ? { databaseUrl } : { dataDir: path.join(dataDir, 'db') });
  const t0 = performance.now();
  const ticketIds = await seed(sql, workspaceId);
  await sql.close();
  log(`  seeded ${N} waiting agents + ${C} claimers with keys and ${ticketIds.length} tickets for the claimers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  p = await startApp(dataDir, databaseUrl);
  const c: Ctx = { kind, p, workspaceId, ticketIds, pgLog, dbName };
  try {
    // Warm-up (JIT, prepared statements), then the baseline.
    await claims(c.ticketIds.splice(0, CLAIMS));
    await settle(p);
    const rss0 = memory(p.pid).rss;
    const idle0 = await idleCpu(p);
    const base = await claims(c.ticketIds.splice(0, CLAIMS));
    const nobody = await costOf(c, () => createTicket({ requiredCapabilities: ['nobody-has-it'] }, workspaceId));
    log(`  baseline, no waiters: RSS ${rss0.toFixed(0)} MB · idle CPU ${idle0.msPerS.toFixed(1)} ms/s · ${fmtClaims(base)}`);
    log(`    a ticket nobody waits for: server CPU ${nobody.cpu.toFixed(0)} ms${summarize(nobody.counts)} (create + 1.5 s)`);
    c.retained0 = (await memLine(p, 'baseline', { reduce: true })).retained?.probe?.heapUsed;

    const scenarios = values.scenarios!.split(',');
    // claim-next
    if (scenarios.includes('claim-next')) {
      const next = await scenario(c, `claim-next {"wait": ${WAIT}}`, (g) => call('POST', '/api/v1/tickets/claim-next', agentKey(g), { wait: WAIT }), (r) => r.status === 200);
      const wakes: { answered: number; cpu: number; counts: Map<string, number> | null; took: number }[] = [];
      for (let i = 0; i < K; i++) {
        const before = next.got.length;
        const w = await costOf(c, async () => {
          await createTicket({ title: `for one waiter ${i}` }, workspaceId);
          while (next.got.length === before) await sleep(2);
        });
        wakes.push({ answered: next.got.length - before, cpu: w.cpu, counts: w.counts, took: w.took });
    }
    const sum = (f: (w: (typeof wakes)[number]) => number) => wakes.reduce((a, w) => a + f(w), 0);
    const perTicket = c.pgLog ? new Map<string, number>() : null;
    for (const w of wakes) for (const [k, v] of w.counts ?? []) perTicket!.set(k, (perTicket!.get(k) ?? 0) + v / K);
    log(
      `    ${K} new tickets, one at a time: waiters answered with work per ticket ${[...new Set(wakes.map((w) => w.answered))].join('/')} (${sum((w) => w.answered)} in all)` +
        ` · create → answer p50 ${percentile(wakes.map((w) => w.took), 50).toFixed(0)} ms`,
    );
    log(`      per ticket (create + wake + 1.5 s): server CPU ${(sum((w) => w.cpu) / K).toFixed(0)} ms${summarize(perTicket && new Map([...perTicket].map(([k, v]) => [k, Math.round(v * 10) / 10])))}`);
    await next.close();
    await settle(p);
    await memLine(p, 'after the claim-next waiters left', { reduce: true });
    }

    // available?wait
    if (scenarios.includes('available')) {
      const withWork = (r: { status: number; body: any }) => r.status === 200 && r.body?.data?.length > 0;
      const openAvailable = (g: number) => call('GET', `/api/v1/tickets/available?wait=${WAIT}`, agentKey(g));
      const avail = await scenario(c, `available?wait=${WAIT}`, openAvailable, withWork);
      const all = await costOf(c, async () => {
        const id = await createTicket({ title: 'for everyone' }, workspaceId);
        while (avail.got.length < N) await sleep(2);
        return id;
      });
      log(
        `    1 new ticket: ${avail.got.length} waiters answered with it in ${all.took.toFixed(0)} ms · server CPU ${all.cpu.toFixed(0)} ms${summarize(all.counts)} (create + answers + 1.5 s)` +
          (avail.unavailable ? ` · ${avail.unavailable} answers 503 UNAVAILABLE (retried)` : '') +
          fmtRefused(avail, 'in all'),
      );
      await avail.close();
      // Taken, so that the waiters wait again; then a ticket for one of them.
      const taken = await call('PATCH', `/api/v1/tickets/${all.result}/claim`, agentKey(N + 1)).done;
      if (taken.status !== 200) throw new Error(`claim of the shared ticket: ${taken.status}`);
      await settle(p);
      const again = await fleet(c, openAvailable, withWork);
      const one = await costOf(c, async () => {
        await createTicket({ title: 'for the last', assignee: { agentId: agentId(N) } }, workspaceId);
        while (again.got.length === 0) await sleep(2);
      });
      log(`    1 ticket assigned to one waiter: ${again.got.length} answered in ${one.took.toFixed(0)} ms, the others sleep on · server CPU ${one.cpu.toFixed(0)} ms${summarize(one.counts)} (create + wake + 1.5 s)`);
      await again.close();
      await settle(p);
      await memLine(p, 'after the available waiters left', { reduce: true });
    }
    log(`  end: RSS ${memory(p.pid).rss.toFixed(0)} MB (peak ${memory(p.pid).hwm.toFixed(0)} MB)`);
  } finally {
    await stop(p);
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.close();
    }
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  staleBuildWarning();
  const limit = Number(readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+(\d+)/)?.[1] ?? 0);
  if (limit && limit < 2 * N + 200) log(`warning: ulimit -n is ${limit}, below 2 × ${N} sockets: raise it (ulimit -n 20000)`);
  log(`bench/waiters: ${N} waiters, ${C} claimers, ${CLAIMS} claims per phase, ${K} claim-next wake-ups — server ${path.relative(process.cwd(), SERVER)} — ${os.cpus().length} cores`);
  for (const kind of ['embedded', 'postgres'] as const) if (!values.only || values.only === kind) await measure(kind);
  httpAgent.destroy();
  if (PROBE_DIR) {
    if (values.snapshot) log(`heap snapshots (if any) are in ${PROBE_DIR}`);
    else rmSync(PROBE_DIR, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

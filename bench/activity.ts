// bench/activity — the filtered lists at 10 thousand and at 1 million rows: GET /activity with every filter
// combination, GET /executions, and the metrics/costs endpoints, over HTTP against the built app, on PostgreSQL and on
// the embedded database (PGlite). Prints p50/p95 per query at each size and the ratio large/small (target ≤ 2: the
// answer time must not grow with the log).
//
//   pnpm build && pnpm bench:activity
//
// How a run goes, per database and size: the app starts on an empty database and is seeded through the API (20
// workspaces, 200 agents registered and approved, a member of 3 workspaces with their own key); then the app stops and
// the log is generated inside the database (bench/activity-seed.ts: generate_series INSERTs of activity, executions and
// the daily rollup, then VACUUM ANALYZE); the app restarts on it and each query is sent BENCH_REPEAT times on
// one keep-alive connection, round-robin over the queries (a burst of load from elsewhere lands on all of them), after
// BENCH_WARMUP unmeasured rounds; GET /health is measured alongside as the noise floor.
//
// Environment (all optional):
//   BENCH_SIZES=10000,1000000   rows of activity (and as many executions)   BENCH_ONLY=embedded|postgres
//   BENCH_REPEAT=40   BENCH_WARMUP=5   BENCH_PORT=3411   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432
//   BENCH_EMBEDDED_SIZES=10000,1000000 (sizes for PGlite; default BENCH_SIZES)   BENCH_JSON=<file>
//   BENCH_QUERIES=<text>   only the queries whose name contains it (e.g. `executions:`)
//   BENCH_KEEP=1   keep the seeded PostgreSQL databases (named in the log) for EXPLAIN work; drop them yourself
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { activitySeedSql, AGENT_NAMES, executionsSeedSql, STATS_SEED_SQL } from './activity-seed';
import { api, appEnv, benchAdmin, log, mapLimit, openSql, percentile, personalKey, PG_URL, pgAdmin, SERVER, sleep, staleBuildWarning, start, stop, waitReady, type Proc } from './lib';

const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
const sizes = (v: string | undefined, d: number[]) => (v ? v.split(',').map(Number) : d);
const SIZES = sizes(process.env.BENCH_SIZES, [10_000, 1_000_000]);
const EMBEDDED_SIZES = sizes(process.env.BENCH_EMBEDDED_SIZES, SIZES);
const REPEAT = num(process.env.BENCH_REPEAT, 40);
const WARMUP = num(process.env.BENCH_WARMUP, 5);
const PORT = num(process.env.BENCH_PORT, 3411);
const WORKSPACES = 20;
const SEED_BATCH = 200_000;
/** Fixed reference time for the seed, so both sizes have the same calendar (filters below name dates). */
const NOW = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
const day = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString();

const ADMIN = benchAdmin('admin');
const MEMBER = { email: 'bench.member@example.com', name: 'Bench Member', password: 'bench-password-456' };
/** The member's workspaces: a large, a middling and a small one (sizes are skewed towards the first). */
const MEMBER_WORKSPACES = [0, 7, 14];

interface World {
  ws: string[];
  agents: string[];
  memberKey: string;
}

async function startApp(dataDir: string, databaseUrl?: string): Promise<Proc> {
  for (let attempt = 1; ; attempt++) {
    const p = start('app', SERVER, appEnv(PORT, ADMIN, dataDir, databaseUrl));
    try {
      await waitReady(p, `http://127.0.0.1:${PORT}/api/v1/health`, 300_000);
      return p;
    } catch (e) {
      // A build running in the shared tree removes the Next.js output for a while: wait for it (the build lock of the
      // repository's convention), rather than losing a seeded million rows.
      if (attempt >= 3 || !/production build/.test(String(e))) throw e;
      log('    the build is being replaced: waiting for /tmp/mc-build.lock');
      execFileSync('flock', ['/tmp/mc-build.lock', 'true']);
      await sleep(2000);
    }
  }
}

/** Workspaces, agents (registered and approved, 10 per workspace, named as the seed names them) and the member. */
async function seedApi(): Promise<World> {
  const stamp = Date.now().toString(36);
  const ws: string[] = [];
  for (let i = 0; i < WORKSPACES; i++) {
    const { json } = await api(PORT, 'POST', '/api/v1/workspaces', { key: ADMIN.key, body: { name: `Bench ${i + 1}`, slug: `bench-${stamp}-${i + 1}` } });
    ws.push(json.data.id);
  }
  const slots = Array.from({ length: WORKSPACES * 10 }, (_, i) => ({ w: Math.floor(i / 10), k: i % 10 }));
  const agents = await mapLimit(slots, 8, async ({ w, k }) => {
    const { json } = await api(PORT, 'POST', '/api/v1/agents', {
      body: { workspace: ws[w], name: `${AGENT_NAMES[k]}-${w + 1}`, capabilities: ['code'], description: 'bench agent' },
    });
    await api(PORT, 'POST', `/api/v1/agents/${json.data.agentId}/approve`, { key: ADMIN.key });
    return json.data.agentId as string;
  });
  await api(PORT, 'POST', '/api/v1/users', { key: ADMIN.key, body: { email: MEMBER.email, name: MEMBER.name, password: MEMBER.password } });
  for (const w of MEMBER_WORKSPACES) await api(PORT, 'POST', `/api/v1/workspaces/${ws[w]}/members`, { key: ADMIN.key, body: { email: MEMBER.email, role: 'member' } });
  return { ws, agents, memberKey: await personalKey(PORT, MEMBER) };
}

/** The log, executions and daily rollup, generated inside the database (the app is stopped: PGlite is one process). */
async function seedSql(target: Parameters<typeof openSql>[0], world: World, rows: number) {
  const db = await openSql(target);
  const t0 = performance.now();
  try {
    const params = [world.ws, NOW, world.agents];
    for (const [name, gen] of [
      ['activity', activitySeedSql],
      ['executions', executionsSeedSql],
    ] as const) {
      for (let first = 1; first <= rows; first += SEED_BATCH) {
        await db.query(`SELECT setseed(${(first / rows / 2).toFixed(6)})`);
        await db.query(gen(first, Math.min(SEED_BATCH, rows - first + 1), rows), params);
      }
      log(`    seeded ${rows} ${name} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    await db.query(STATS_SEED_SQL);
    await db.query('VACUUM ANALYZE');
    const [counts] = await db.query(
      `SELECT (SELECT count(*) FROM activity)::int AS activity, (SELECT count(*) FROM executions)::int AS executions,
              (SELECT count(*) FROM execution_stats_daily)::int AS stats`,
    );
    log(`    rows: ${JSON.stringify(counts)}; seeding took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    await db.close();
  }
}

interface Query {
  name: string;
  path: string;
  member?: boolean;
}

function queries(w: World): Query[] {
  const A = (q: string, extra: Partial<Query> = {}) => ({ path: `/api/v1/activity?limit=50${q ? `&${q}` : ''}`, ...extra });
  const E = (q: string, extra: Partial<Query> = {}) => ({ path: `/api/v1/executions?limit=50${q ? `&${q}` : ''}`, ...extra });
  const big = w.ws[0];
  const small = w.ws[19];
  const mid = w.ws[11];
  const busyAgent = w.agents[0]; // agent 0 of the largest workspace
  const quietAgent = w.agents[19 * 10 + 9]; // agent 9 of the smallest
  const range = `from=${day(183)}&to=${day(182)}`;
  const week = `from=${day(97)}&to=${day(90)}`;
  return [
    { name: 'activity: no filter (instance admin)', ...A('') },
    { name: 'activity: workspace (largest)', ...A(`workspaceId=${big}`) },
    { name: 'activity: workspace (smallest)', ...A(`workspaceId=${small}`) },
    { name: 'activity: workspace + action (common)', ...A(`workspaceId=${small}&action=ticket.moved`) },
    { name: 'activity: workspace + action (rare)', ...A(`workspaceId=${small}&action=agent.approved`) },
    { name: 'activity: workspace + status (rare)', ...A(`workspaceId=${mid}&status=failed`) },
    { name: 'activity: status only (rare)', ...A('status=blocked&action=execution.finished') },
    { name: 'activity: agent (busy)', ...A(`agentId=${busyAgent}`) },
    { name: 'activity: agent (quiet) + from/to', ...A(`agentId=${quietAgent}&${week}`) },
    { name: 'activity: action family (common)', ...A('action=ticket.*') },
    { name: 'activity: action family (rare)', ...A('action=webhook.*') },
    { name: 'activity: q common word', ...A('q=fix') },
    { name: 'activity: q medium word', ...A('q=kerberos') },
    { name: 'activity: q rare word', ...A('q=4711') },
    { name: 'activity: q two words', ...A(`q=${encodeURIComponent('flaky login')}`) },
    { name: 'activity: q prefix (medium word)', ...A(`q=${encodeURIComponent('kerber*')}`) },
    { name: 'activity: q two words, one a prefix', ...A(`q=${encodeURIComponent('flaky logi*')}`) },
    { name: 'activity: q + workspace', ...A(`workspaceId=${mid}&q=zeppelin`) },
    { name: 'activity: date range only (1 day)', ...A(range) },
    { name: 'activity: member (3 workspaces)', ...A('', { member: true }) },
    { name: 'activity: member + action', ...A('action=comment.created', { member: true }) },
    { name: 'activity: member + q', ...A('q=kerberos', { member: true }) },
    { name: 'executions: no filter (admin)', ...E('') },
    { name: 'executions: workspace', ...E(`workspaceId=${big}`) },
    { name: 'executions: workspace + status', ...E(`workspaceId=${mid}&status=failed`) },
    { name: 'executions: agent', ...E(`agentId=${busyAgent}`) },
    { name: 'executions: workspace, costliest first', ...E(`workspaceId=${big}&sort=-costUsd`) },
    { name: 'executions: workspace, longest first', ...E(`workspaceId=${big}&sort=-durationMs`) },
    { name: 'executions: q medium word', ...E('q=kerberos') },
    { name: 'executions: member', ...E('', { member: true }) },
    { name: 'metrics: agent, 30 days', path: `/api/v1/agents/${busyAgent}/metrics?period=day` },
    { name: 'metrics: agent, 12 months', path: `/api/v1/agents/${busyAgent}/metrics?period=month` },
    { name: 'metrics: workspace, 12 weeks', path: `/api/v1/workspaces/${big}/metrics?period=week` },
    { name: 'costs: workspace, this month', path: `/api/v1/workspaces/${big}/costs` },
  ];
}

interface Result {
  p50: number;
  p95: number;
  items: number;
}

async function once(q: Query, w: World): Promise<{ ms: number; items: number }> {
  const key = q.member ? w.memberKey : ADMIN.key;
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${PORT}${q.path}`, { headers: { authorization: `Bearer ${key}` } });
  const body = (await res.json()) as { data?: unknown };
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`${q.name}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return { ms, items: Array.isArray(body.data) ? body.data.length : 1 };
}

/**
 * Round-robin: each round sends every query once, so a burst of load from elsewhere on the machine lands on all
 * queries alike instead of on whichever one was running. The health check is the yardstick of the noise floor.
 */
async function measureAll(qs: Query[], w: World): Promise<Map<Query, Result>> {
  const times = new Map<Query, number[]>(qs.map((q) => [q, []]));
  const items = new Map<Query, number>();
  for (let round = 0; round < WARMUP + REPEAT; round++) {
    for (const q of qs) {
      const r = await once(q, w);
      if (round >= WARMUP) times.get(q)!.push(r.ms);
      items.set(q, r.items);
    }
  }
  return new Map(qs.map((q) => [q, { p50: percentile(times.get(q)!, 50), p95: percentile(times.get(q)!, 95), items: items.get(q)! }]));
}

type Figures = Record<string, Record<number, Result>>;

async function runDatabase(kind: 'postgres' | 'embedded', sizeList: number[]): Promise<Figures> {
  const figures: Figures = {};
  for (const rows of sizeList) {
    log(`\n${kind}, ${rows.toLocaleString('en')} rows`);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mc-bench-activity-'));
    let dbName: string | undefined;
    let databaseUrl: string | undefined;
    const admin = kind === 'postgres' ? await pgAdmin() : null;
    if (kind === 'postgres') {
      if (!admin) return figures;
      dbName = `mc_bench_activity_${process.pid}_${rows}`;
      await admin.query(`CREATE DATABASE ${dbName}`);
      databaseUrl = `${PG_URL}/${dbName}`;
    }
    try {
      let app = await startApp(dataDir, databaseUrl);
      const world = await seedApi();
      await stop(app);
      await seedSql(databaseUrl ? { databaseUrl } : { dataDir: path.join(dataDir, 'db') }, world, rows);
      app = await startApp(dataDir, databaseUrl);
      const qs = [
        { name: 'yardstick: GET /health', path: '/api/v1/health' },
        ...queries(world).filter((q) => q.name.includes(process.env.BENCH_QUERIES ?? '')),
      ];
      for (const [q, r] of await measureAll(qs, world)) {
        (figures[q.name] ??= {})[rows] = r;
        log(`  ${q.name.padEnd(42)} p50 ${r.p50.toFixed(2).padStart(7)} ms   p95 ${r.p95.toFixed(2).padStart(7)} ms   (${r.items} items)`);
      }
      await stop(app);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      if (admin && dbName && process.env.BENCH_KEEP === '1') {
        log(`    kept database ${dbName} (BENCH_KEEP=1)`);
        await admin.end();
      } else if (admin && dbName) {
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      }
    }
  }
  return figures;
}

function summary(kind: string, figures: Figures, sizeList: number[]) {
  if (sizeList.length < 2 || !Object.keys(figures).length) return;
  const [a, b] = [sizeList[0], sizeList[sizeList.length - 1]];
  const k = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
  log(`\n${kind}: p50 / p95 in ms at ${k(a)} and ${k(b)} rows, ratio ${k(b)}/${k(a)} of p50 and p95 (target ≤ 2)`);
  for (const [name, bySize] of Object.entries(figures)) {
    const x = bySize[a];
    const y = bySize[b];
    if (!x || !y) continue;
    const r50 = y.p50 / x.p50;
    const r95 = y.p95 / x.p95;
    const flag = Math.max(r50, r95) <= 2 ? '' : '   > 2';
    log(
      `  ${name.padEnd(42)} ${x.p50.toFixed(1).padStart(6)} / ${x.p95.toFixed(1).padStart(6)}   ${y.p50.toFixed(1).padStart(7)} / ${y.p95.toFixed(1).padStart(7)}   ×${r50.toFixed(2)} / ×${r95.toFixed(2)}${flag}`,
    );
  }
}

async function main() {
  staleBuildWarning();
  log(`bench:activity — ${path.relative(process.cwd(), SERVER)}, sizes ${SIZES.join(', ')}, ${REPEAT} requests per query (+${WARMUP} warm-up), load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const out: Record<string, Figures> = {};
  const only = process.env.BENCH_ONLY;
  if (!only || only === 'postgres') out.postgres = await runDatabase('postgres', SIZES);
  if (!only || only === 'embedded') out.embedded = await runDatabase('embedded', EMBEDDED_SIZES);
  if (out.postgres) summary('PostgreSQL', out.postgres, SIZES);
  if (out.embedded) summary('embedded (PGlite)', out.embedded, EMBEDDED_SIZES);
  log(`\nload average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(out, null, 2));
  await sleep(10);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

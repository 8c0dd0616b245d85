// bench/lists — the ticket list (GET /api/v1/tickets?limit=20) at 1,000 and at 100,000 tickets, over HTTP against the
// built app, on PostgreSQL and on the embedded database (PGlite): the default order for an agent (the headline of
// issue 13), every single-field sort, the common filters, a cursor page and an offset page, `?total=exact`, and the
// same for a member of three workspaces and for the instance admin (every workspace). Prints p50/p95 per query at
// each size and the ratio large/small (target ≤ 2: a page must not cost more because the table holds more).
//
//   pnpm build && pnpm bench:lists
//
// How a run goes, per database and size: the app starts on an empty database and is seeded through the API (four
// workspaces, one approved agent with its key in the largest, a member of the three largest with their own key);
// then the app stops and the tickets are generated inside the database with one set-based INSERT (half of them in
// the agent's workspace, 30 %, 15 % and 5 % in the others; mostly done, some To-do, in progress and in review; 2 %
// assigned to the agent), then VACUUM ANALYZE; the app restarts on it and each query is sent BENCH_REPEAT times on
// one keep-alive connection, round-robin over the queries, after BENCH_WARMUP unmeasured rounds; GET /health is
// measured alongside as the noise floor.
//
// Environment (all optional):
//   BENCH_SIZES=1000,100000   tickets   BENCH_ONLY=embedded|postgres   BENCH_REPEAT=60   BENCH_WARMUP=5
//   BENCH_PORT=3413   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432   BENCH_JSON=<file>
//   BENCH_SERVER=<path to a built dist/server.mjs> (e.g. another checkout's build, for before/after figures)
//   BENCH_QUERIES=<text>   only the queries whose name contains it; BENCH_SKIP=<text> all but those (e.g. `total=exact`
//   for a build that predates `?total=`)
//   BENCH_EXPLAIN=1   print EXPLAIN (ANALYZE) of the list's statements after seeding
//   BENCH_KEEP=1   keep the seeded PostgreSQL databases (named in the log) for EXPLAIN work; drop them yourself
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { api, appEnv, benchAdmin, log, openSql, percentile, personalKey, PG_URL, pgAdmin, SERVER, sleep, staleBuildWarning, startApp, stop } from './lib';

const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [1_000, 100_000];
const REPEAT = num(process.env.BENCH_REPEAT, 60);
const WARMUP = num(process.env.BENCH_WARMUP, 5);
const PORT = num(process.env.BENCH_PORT, 3413);

const ADMIN = benchAdmin('admin');
const MEMBER = { email: 'bench.member@example.com', name: 'Bench Member', password: 'bench-password-456' };

interface World {
  ws: string[];
  agentId: string;
  agentKey: string;
  memberKey: string;
}

async function seedApi(): Promise<World> {
  const stamp = Date.now().toString(36);
  const ws: string[] = [];
  const slugs: string[] = [];
  for (let i = 0; i < 4; i++) {
    slugs.push(`lists-${stamp}-${i + 1}`);
    const { json } = await api(PORT, 'POST', '/api/v1/workspaces', { key: ADMIN.key, body: { name: `Lists ${i + 1}`, slug: slugs[i] } });
    ws.push(json.data.id);
  }
  const { json: reg } = await api(PORT, 'POST', '/api/v1/agents', { body: { workspace: slugs[0], name: 'lister', capabilities: ['code'] } });
  const { agentId, registrationSecret } = reg.data;
  await api(PORT, 'POST', `/api/v1/agents/${agentId}/approve`, { key: ADMIN.key });
  const { json: k } = await api(PORT, 'GET', `/api/v1/agents/${agentId}/registration`, { key: registrationSecret });
  if (!k.data.apiKey) throw new Error(`agent ${agentId}: no key after approval`);
  await api(PORT, 'POST', '/api/v1/users', { key: ADMIN.key, body: { email: MEMBER.email, name: MEMBER.name, password: MEMBER.password } });
  for (const w of [0, 1, 2]) await api(PORT, 'POST', `/api/v1/workspaces/${ws[w]}/members`, { key: ADMIN.key, body: { email: MEMBER.email, role: 'member' } });
  return { ws, agentId, agentKey: k.data.apiKey, memberKey: await personalKey(PORT, MEMBER) };
}

/**
 * The tickets, in one statement: g % 20 picks the workspace (0–9 the agent's, 10–15, 16–18, 19), the status follows
 * g % 100 (70 % done, 15 % To-do, 5 % in progress held by the agent on a long lease, 5 % in review, 5 % closed),
 * created over the last 400 days, updated some time after. Numbers are per workspace (row_number), and the
 * workspaces' ticket_seq follows them so that the app can go on numbering.
 */
export const TICKETS_SEED_SQL = `
WITH g AS (
  SELECT g, CASE WHEN g % 20 < 10 THEN 0 WHEN g % 20 < 16 THEN 1 WHEN g % 20 < 19 THEN 2 ELSE 3 END AS w, g % 100 AS s
  FROM generate_series(1, $1::int) g
), rows AS (
  SELECT g, ($2::text[])[w + 1] AS workspace_id, row_number() OVER (PARTITION BY w ORDER BY g) AS number,
    CASE WHEN s < 70 THEN 'done' WHEN s < 85 THEN 'todo' WHEN s < 90 THEN 'in_progress' WHEN s < 95 THEN 'pr_review' ELSE 'closed' END AS status,
    now() - make_interval(secs => ($1::int - g) * (400.0 * 86400 / $1::int)) AS created_at
  FROM g
)
INSERT INTO tickets (id, workspace_id, number, title, description, status, priority, created_by_kind, created_at, updated_at,
  status_changed_at, assignee_agent_id, claimed_by_agent_id, claimed_at, lease_expires_at, closed_reason)
SELECT 'tkt_lists_' || g, workspace_id, number, 'Bench ticket ' || g, 'Do the thing number ' || g || ', then report.', status, g % 4, 'user',
  created_at, created_at + make_interval(secs => (g * 7919) % 864000), created_at,
  CASE WHEN g % 50 = 0 AND workspace_id = ($2::text[])[1] THEN $3::text END,
  CASE WHEN status = 'in_progress' AND workspace_id = ($2::text[])[1] THEN $3::text END,
  CASE WHEN status = 'in_progress' AND workspace_id = ($2::text[])[1] THEN now() END,
  CASE WHEN status = 'in_progress' AND workspace_id = ($2::text[])[1] THEN now() + interval '30 days' END,
  CASE WHEN status = 'closed' THEN 'wont_do' END
FROM rows`;

async function seedSql(target: Parameters<typeof openSql>[0], world: World, rows: number) {
  const db = await openSql(target);
  const t0 = performance.now();
  try {
    await db.query(TICKETS_SEED_SQL, [rows, world.ws, world.agentId]);
    await db.query(`UPDATE workspaces w SET ticket_seq = coalesce((SELECT max(number) FROM tickets t WHERE t.workspace_id = w.id), 0)`);
    await db.query('VACUUM ANALYZE');
    if (process.env.BENCH_EXPLAIN === '1') await explain(db, world, rows);
    const counts = await db.query(`SELECT workspace_id, status, count(*)::int AS n FROM tickets GROUP BY 1, 2 ORDER BY 1, 2`);
    const byWs = new Map<string, number>();
    for (const c of counts) byWs.set(c.workspace_id, (byWs.get(c.workspace_id) ?? 0) + c.n);
    log(`    seeded ${rows} tickets in ${((performance.now() - t0) / 1000).toFixed(1)} s; per workspace ${world.ws.map((w) => byWs.get(w) ?? 0).join(' / ')}`);
  } finally {
    await db.close();
  }
}

/**
 * BENCH_EXPLAIN=1: EXPLAIN (ANALYZE) of the statements the list runs (written out as the app's query builder writes
 * them, packages/core/src/tickets/find-tickets.ts), printed for bench/README.md.
 */
async function explain(db: Awaited<ReturnType<typeof openSql>>, world: World, rows: number) {
  const ws = `'${world.ws[0]}'`;
  const member = `(SELECT id FROM users WHERE email = '${MEMBER.email}')`;
  const page = (where: string, order: string) => `SELECT * FROM tickets WHERE ${where} ORDER BY ${order} LIMIT 21`;
  const statements: [string, string][] = [
    ['agent, default order (-createdAt)', page(`workspace_id = ${ws}`, 'created_at DESC, id DESC')],
    ['agent, sort=status', page(`workspace_id = ${ws}`, 'status, id')],
    ['agent, sort=-number', page(`workspace_id = ${ws}`, 'number DESC, id DESC')],
    ['agent, status=todo, default order', page(`workspace_id = ${ws} AND status IN ('todo')`, 'created_at DESC, id DESC')],
    ['agent, assigneeId=self, default order', page(`workspace_id = ${ws} AND (assignee_agent_id = '${world.agentId}' OR assignee_user_id = '${world.agentId}')`, 'created_at DESC, id DESC')],
    [
      'member of 3 workspaces, default order (one walk per workspace)',
      `SELECT tickets.* FROM (SELECT workspace_id FROM memberships WHERE user_id = ${member}) AS mine CROSS JOIN LATERAL (
         SELECT * FROM tickets WHERE tickets.workspace_id = mine.workspace_id ORDER BY created_at DESC, id DESC LIMIT 21) AS tickets
       ORDER BY created_at DESC, id DESC LIMIT 21 OFFSET 0`,
    ],
    [
      'before: member of 3 workspaces, IN (memberships)',
      page(`workspace_id IN (SELECT workspace_id FROM memberships WHERE user_id = ${member})`, 'created_at DESC, id DESC'),
    ],
    ['?total=exact: the bounded count (agent)', `SELECT count(*) FROM (SELECT 1 FROM tickets WHERE workspace_id = ${ws} LIMIT 10001) matching`],
  ];
  for (const [name, text] of statements) {
    const plan = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) ${text}`);
    log(`\n    EXPLAIN ${name}, ${rows} tickets:\n${plan.map((r) => `      ${r['QUERY PLAN']}`).join('\n')}`);
  }
}

interface Query {
  name: string;
  path: string;
  who: 'agent' | 'member' | 'admin';
  /** A second page by cursor: the cursor is taken from the first page once, before measuring. */
  cursorOf?: string;
}

function queries(w: World): Query[] {
  const T = (q: string) => `/api/v1/tickets?limit=20${q ? `&${q}` : ''}`;
  const sorts = ['createdAt', '-updatedAt', 'updatedAt', 'priority', '-priority', 'number', '-number', 'status', '-status'];
  return [
    { name: 'agent: default (-createdAt)', path: T(''), who: 'agent' },
    { name: 'agent: default, total=exact', path: T('total=exact'), who: 'agent' },
    ...sorts.map((s): Query => ({ name: `agent: sort=${s}`, path: T(`sort=${s}`), who: 'agent' })),
    { name: 'agent: status=todo', path: T('status=todo'), who: 'agent' },
    { name: 'agent: status=in_progress,pr_review', path: T('status=in_progress,pr_review'), who: 'agent' },
    { name: 'agent: status=todo, sort=-updatedAt', path: T('status=todo&sort=-updatedAt'), who: 'agent' },
    { name: 'agent: assigneeId=self', path: T(`assigneeId=${w.agentId}`), who: 'agent' },
    { name: 'agent: offset=60', path: T('offset=60'), who: 'agent' },
    { name: 'agent: cursor page 2', path: '', cursorOf: T(''), who: 'agent' },
    { name: 'member (3 workspaces): default', path: T(''), who: 'member' },
    { name: 'member: sort=priority', path: T('sort=priority'), who: 'member' },
    { name: 'member: status=todo', path: T('status=todo'), who: 'member' },
    { name: 'member: workspaceId=largest', path: T(`workspaceId=${w.ws[0]}`), who: 'member' },
    { name: 'member: cursor page 2', path: '', cursorOf: T(''), who: 'member' },
    { name: 'admin (every workspace): default', path: T(''), who: 'admin' },
    { name: 'admin: sort=-updatedAt', path: T('sort=-updatedAt'), who: 'admin' },
  ];
}

interface Result {
  p50: number;
  p95: number;
  items: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(p: string, key: string): Promise<{ status: number; body: any; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const r = http.request({ host: '127.0.0.1', port: PORT, path: p, agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const ms = performance.now() - t0;
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), ms });
        } catch (e) {
          reject(e);
        }
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end();
  });
}

async function measureAll(qs: Query[], w: World): Promise<Map<Query, Result>> {
  const keyOf = (q: Query) => (q.who === 'agent' ? w.agentKey : q.who === 'admin' ? ADMIN.key : w.memberKey);
  for (const q of qs) {
    if (!q.cursorOf) continue;
    const first = await get(q.cursorOf, keyOf(q));
    q.path = `${q.cursorOf}&cursor=${first.body.meta.nextCursor}`;
  }
  const times = new Map<Query, number[]>(qs.map((q) => [q, []]));
  const items = new Map<Query, number>();
  for (let round = 0; round < WARMUP + REPEAT; round++) {
    for (const q of qs) {
      const r = await get(q.path, keyOf(q));
      if (r.status !== 200) throw new Error(`${q.name}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      if (round >= WARMUP) times.get(q)!.push(r.ms);
      items.set(q, Array.isArray(r.body.data) ? r.body.data.length : 1);
    }
  }
  return new Map(qs.map((q) => [q, { p50: percentile(times.get(q)!, 50), p95: percentile(times.get(q)!, 95), items: items.get(q)! }]));
}

type Figures = Record<string, Record<number, Result>>;

async function runDatabase(kind: 'postgres' | 'embedded'): Promise<Figures> {
  const figures: Figures = {};
  for (const rows of SIZES) {
    log(`\n${kind}, ${rows.toLocaleString('en')} tickets`);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mc-bench-lists-'));
    let dbName: string | undefined;
    let databaseUrl: string | undefined;
    const admin = kind === 'postgres' ? await pgAdmin() : null;
    if (kind === 'postgres') {
      if (!admin) return figures;
      dbName = `mc_bench_lists_${process.pid}_${rows}`;
      await admin.query(`CREATE DATABASE ${dbName}`);
      databaseUrl = `${PG_URL}/${dbName}`;
    }
    try {
      let app = await startApp(PORT, appEnv(PORT, ADMIN, dataDir, databaseUrl));
      const world = await seedApi();
      await stop(app);
      await seedSql(databaseUrl ? { databaseUrl } : { dataDir: path.join(dataDir, 'db') }, world, rows);
      app = await startApp(PORT, appEnv(PORT, ADMIN, dataDir, databaseUrl));
      const qs: Query[] = [
        { name: 'yardstick: GET /health', path: '/api/v1/health', who: 'agent' },
        ...queries(world).filter((q) => q.name.includes(process.env.BENCH_QUERIES ?? '') && !(process.env.BENCH_SKIP && q.name.includes(process.env.BENCH_SKIP))),
      ];
      for (const [q, r] of await measureAll(qs, world)) {
        (figures[q.name] ??= {})[rows] = r;
        log(`  ${q.name.padEnd(40)} p50 ${r.p50.toFixed(2).padStart(7)} ms   p95 ${r.p95.toFixed(2).padStart(7)} ms   (${r.items} items)`);
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

function summary(kind: string, figures: Figures) {
  if (SIZES.length < 2 || !Object.keys(figures).length) return;
  const [a, b] = [SIZES[0], SIZES[SIZES.length - 1]];
  const k = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
  log(`\n${kind}: p50 / p95 in ms at ${k(a)} and ${k(b)} tickets, ratio ${k(b)}/${k(a)} of p50 and p95 (target ≤ 2)`);
  for (const [name, bySize] of Object.entries(figures)) {
    const x = bySize[a];
    const y = bySize[b];
    if (!x || !y) continue;
    const r50 = y.p50 / x.p50;
    const r95 = y.p95 / x.p95;
    const flag = Math.max(r50, r95) <= 2 ? '' : '   > 2';
    log(
      `  ${name.padEnd(40)} ${x.p50.toFixed(1).padStart(6)} / ${x.p95.toFixed(1).padStart(6)}   ${y.p50.toFixed(1).padStart(7)} / ${y.p95.toFixed(1).padStart(7)}   ×${r50.toFixed(2)} / ×${r95.toFixed(2)}${flag}`,
    );
  }
}

async function main() {
  if (!process.env.BENCH_SERVER) staleBuildWarning();
  log(`bench:lists — ${path.relative(process.cwd(), SERVER)}, sizes ${SIZES.join(', ')}, ${REPEAT} requests per query (+${WARMUP} warm-up), load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const out: Record<string, Figures> = {};
  const only = process.env.BENCH_ONLY;
  if (!only || only === 'postgres') out.postgres = await runDatabase('postgres');
  if (!only || only === 'embedded') out.embedded = await runDatabase('embedded');
  if (out.postgres) summary('PostgreSQL', out.postgres);
  if (out.embedded) summary('embedded (PGlite)', out.embedded);
  log(`\nload average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(out, null, 2));
  agent.destroy();
  await sleep(10);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

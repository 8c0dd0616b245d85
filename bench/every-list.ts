// bench/every-list — the list of 20 of every other endpoint (tickets: bench/lists.ts) at 1,000 and at 100,000 rows,
// over HTTP against the built app and, in the same rounds, against a bare Node server running the same list statement
// on the same driver and database (bench/bare-lists.mjs), on PostgreSQL and on the embedded database (PGlite): agents,
// comments, notifications, executions, webhooks and webhook deliveries, users and members — the default order, the single-field sorts,
// the common filters, an offset of a few pages, for an agent and for a person of three workspaces. Prints p50/p95 per
// list at each size, the ratio large/small of the app (target ≤ 2) and the ratio app/bare at each size (target ≤ 2).
//
//   pnpm build && pnpm bench:every-list
//
// A run, per database and size: the app starts on an empty database and is seeded through the API (three workspaces,
// an approved agent with its key in the first, a person who administers all three with their own key); the app stops
// and each table gets N rows in one set-based INSERT … SELECT generate_series (60 % / 25 % / 15 % over the workspaces;
// the comments on one ticket; the notifications the agent's, half in its workspace, one in ten unread), then VACUUM
// ANALYZE; the app restarts on it, the bare server beside it (PGlite: on a copy of the data directory), and each list
// is asked BENCH_REPEAT times of each server on one keep-alive connection per server, app and bare alternating, round-
// robin over the lists, after BENCH_WARMUP unmeasured rounds. The first answer of each checks that both servers list
// the same ids in the same order (the bench's SQL is the app's statement, written out).
//
// Environment (all optional):
//   BENCH_SIZES=1000,100000   BENCH_ONLY=embedded|postgres   BENCH_REPEAT=40   BENCH_WARMUP=5
//   BENCH_PORT=3560 (app; the bare server takes BENCH_PORT + 1)   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432
//   BENCH_QUERIES=<text> only the lists whose name contains it   BENCH_JSON=<file>
//   BENCH_EXPLAIN=1   print EXPLAIN (ANALYZE, BUFFERS) of each list's statement after seeding
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { api, appEnv, benchAdmin, EMBEDDED_POSTGRES_CONF, log, openSql, percentile, personalKey, PG_URL, pgAdmin, root, SERVER, sleep, staleBuildWarning, start, startApp, stop, waitReady, type Proc } from './lib';

const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [1_000, 100_000];
const REPEAT = num(process.env.BENCH_REPEAT, 40);
const WARMUP = num(process.env.BENCH_WARMUP, 5);
const PORT = num(process.env.BENCH_PORT, 3560);
const BARE_PORT = PORT + 1;
const BARE = path.join(root, 'bench/bare-lists.mjs');

const ADMIN = benchAdmin('admin', 'y');
const MEMBER = { email: 'bench.lister@example.com', name: 'Bench Lister', password: 'bench-password-456' };

interface World {
  ws: string[];
  agentId: string;
  agentKey: string;
  memberId: string;
  memberKey: string;
}

async function seedApi(): Promise<World> {
  const stamp = Date.now().toString(36);
  const ws: string[] = [];
  const slugs: string[] = [];
  for (let i = 0; i < 3; i++) {
    slugs.push(`every-${stamp}-${i + 1}`);
    const { json } = await api(PORT, 'POST', '/api/v1/workspaces', { key: ADMIN.key, body: { name: `Every ${i + 1}`, slug: slugs[i] } });
    ws.push(json.data.id);
  }
  const { json: reg } = await api(PORT, 'POST', '/api/v1/agents', { body: { workspace: slugs[0], name: 'lister', capabilities: ['code'] } });
  const { agentId, registrationSecret } = reg.data;
  await api(PORT, 'POST', `/api/v1/agents/${agentId}/approve`, { key: ADMIN.key });
  const { json: k } = await api(PORT, 'GET', `/api/v1/agents/${agentId}/registration`, { key: registrationSecret });
  if (!k.data.apiKey) throw new Error(`agent ${agentId}: no key after approval`);
  const { json: u } = await api(PORT, 'POST', '/api/v1/users', { key: ADMIN.key, body: { email: MEMBER.email, name: MEMBER.name, password: MEMBER.password } });
  for (const w of ws) await api(PORT, 'POST', `/api/v1/workspaces/${w}/members`, { key: ADMIN.key, body: { email: MEMBER.email, role: 'admin' } });
  return { ws, agentId, agentKey: k.data.apiKey, memberId: u.data.id, memberKey: await personalKey(PORT, MEMBER) };
}

/** The workspace of row x: 60 % the first (the agent's), 25 % the second, 15 % the third. */
const WS_OF = (x: string) => `CASE WHEN ${x} % 20 < 12 THEN ($2::text[])[1] WHEN ${x} % 20 < 17 THEN ($2::text[])[2] ELSE ($2::text[])[3] END`;
const AGO = (x: string) => `now() - make_interval(secs => ($1::int - ${x}) * (400.0 * 86400 / $1::int))`;
export const TICKET_ID = 'tkt_every_1';

/** One set-based statement per table ($1 rows, $2 the workspaces, $3 the agent). */
export const SEED_SQL: [string, string][] = [
  [
    'agents',
    `INSERT INTO agents (id, workspace_id, name, status, registration_secret_hash, capabilities, description, created_at, updated_at)
     SELECT 'agt_every_' || g, ${WS_OF('g')}, 'bot-' || g, (ARRAY['active', 'active', 'active', 'pending', 'deactivated', 'deleted'])[g % 6 + 1], 'x',
       '["code"]'::jsonb, 'bench agent ' || g, ${AGO('g')}, ${AGO('g')} + make_interval(secs => (g * 7919) % 864000)
     FROM generate_series(1, $1::int) g`,
  ],
  [
    'comments',
    `WITH t AS (INSERT INTO tickets (id, workspace_id, number, title, status, priority, created_by_kind)
       VALUES ('${TICKET_ID}', ($2::text[])[1], 1, 'Much discussed', 'todo', 1, 'user') RETURNING id)
     INSERT INTO comments (id, workspace_id, ticket_id, author_kind, author_id, author_name, body, created_at)
     SELECT 'cmt_every_' || g, ($2::text[])[1], (SELECT id FROM t), 'agent', $3, 'lister', 'Comment number ' || g || ', with some words.', ${AGO('g')}
     FROM generate_series(1, $1::int) g`,
  ],
  [
    'notifications',
    `INSERT INTO notifications (id, workspace_id, recipient_kind, recipient_id, type, content, event_id, read_at, created_at)
     SELECT 'ntf_every_' || lpad(g::text, 7, '0'), CASE WHEN g % 2 = 0 THEN ($2::text[])[1] ELSE ($2::text[])[2] END, 'agent', $3, 'mention',
       'You were mentioned ' || g, 'evt_every_n' || g, CASE WHEN g % 10 <> 0 THEN now() END, ${AGO('g')}
     FROM generate_series(1, $1::int) g`,
  ],
  [
    'executions',
    `INSERT INTO executions (id, workspace_id, agent_id, status, started_at, ended_at, duration_ms, cost_usd, model, summary)
     SELECT 'exe_every_' || g, ${WS_OF('g')}, CASE WHEN g % 10 = 0 THEN $3 ELSE 'agt_every_' || (g % 200 + 1) END,
       (ARRAY['success', 'success', 'success', 'failed', 'blocked'])[g % 5 + 1], ${AGO('g')}, ${AGO('g')} + make_interval(secs => g % 600),
       (g * 7919) % 600000, ((g::bigint * 104729) % 100000) / 1000.0, 'model-' || g % 3, 'Run ' || g
     FROM generate_series(1, $1::int) g`,
  ],
  [
    'users',
    `INSERT INTO users (id, email, name, created_at, updated_at)
     SELECT 'usr_every_' || g, 'user' || g || '@bench.example.com', 'User ' || md5(g::text), ${AGO('g')}, ${AGO('g')}
     FROM generate_series(1, $1::int) g`,
  ],
  [
    'memberships',
    // Every seeded user is a member of the first workspace.
    `INSERT INTO memberships (workspace_id, user_id, role, created_at, updated_at)
     SELECT ($2::text[])[1], 'usr_every_' || g, (ARRAY['member', 'member', 'viewer', 'admin'])[g % 4 + 1], ${AGO('g')}, ${AGO('g')}
     FROM generate_series(1, $1::int) g`,
  ],
  [
    'webhook_endpoints',
    `INSERT INTO webhook_endpoints (id, workspace_id, url, secret, status, created_at, updated_at)
     SELECT 'whk_every_' || g, ${WS_OF('g')}, 'https://hooks.example.com/' || md5(g::text), 'whsec_bench',
       CASE WHEN g % 7 = 0 THEN 'disabled' ELSE 'enabled' END, ${AGO('g')}, ${AGO('g')}
     FROM generate_series(1, $1::int) g`,
  ],
  [
    'webhook_deliveries',
    // Each delivery goes to one of the first 20 endpoints, in that endpoint's workspace.
    `INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, event_id, event_type, payload, status, max_attempts, attempt_count,
       next_attempt_at, last_attempt_at, completed_at, created_at)
     SELECT 'whd_every_' || g, ${WS_OF('(g % 20 + 1)')}, 'whk_every_' || (g % 20 + 1), 'evt_every_d' || g, 'ticket.created',
       '{"type":"ticket.created"}'::jsonb, (ARRAY['succeeded', 'succeeded', 'succeeded', 'failed', 'pending'])[g % 5 + 1], 5, 1,
       CASE WHEN g % 5 = 4 THEN now() + interval '30 days' + make_interval(secs => g % 3600) END, ${AGO('g')} + interval '1 second',
       CASE WHEN g % 5 <> 4 THEN ${AGO('g')} + interval '1 second' END, ${AGO('g')}
     FROM generate_series(1, $1::int) g`,
  ],
];

async function seedSql(target: Parameters<typeof openSql>[0], world: World, rows: number) {
  const db = await openSql(target);
  try {
    for (const [table, text] of SEED_SQL) {
      const t0 = performance.now();
      const used = Math.max(...[...text.matchAll(/\$(\d)/g)].map((m) => Number(m[1])));
      await db.query(text, [rows, world.ws, world.agentId].slice(0, used));
      log(`    seeded ${rows} ${table} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    await db.query('VACUUM ANALYZE');
    if (process.env.BENCH_EXPLAIN === '1') {
      for (const q of lists(world)) {
        const plan = await db.query(`EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) ${q.sql}`, q.params);
        log(`\n    EXPLAIN ${q.name}, ${rows} rows:\n${plan.map((r) => `      ${r['QUERY PLAN']}`).join('\n')}`);
      }
    }
  } finally {
    await db.close();
  }
}

interface List {
  name: string;
  path: string;
  who: 'agent' | 'member' | 'admin';
  /** The statement the app runs for this page, written out as its query builder writes it (packages/core). */
  sql: string;
  params: unknown[];
  /** Further statements the app's list runs for the page (the bare server runs them too). */
  extra?: { sql: string; params: unknown[] }[];
}

/** Every list: the path the bench asks, and the app's statement for it (parameters inline where the builder binds constants). */
function lists(w: World): List[] {
  const [ws1] = w.ws;
  const order = (cols: string[], desc: boolean) => cols.map((c) => `${c}${desc ? ' DESC' : ''}`).join(', ');
  const one = (table: string, where: string, by: string[], desc: boolean, offset = 0) =>
    `SELECT * FROM ${table} WHERE ${where} ORDER BY ${order(by, desc)} LIMIT 21${offset ? ` OFFSET ${offset}` : ''}`;
  /** A person's workspaces (roles: only those), one walk each, merged (shared/per-workspace.ts). */
  const perWs = (table: string, select: string, where: string, by: string[], desc: boolean, roles = false) =>
    `SELECT ${table}.* FROM (SELECT workspace_id FROM memberships WHERE user_id = $1${roles ? ` AND role IN ('owner', 'admin')` : ''}) mine
     CROSS JOIN LATERAL (${select} WHERE ${table}.workspace_id = mine.workspace_id${where ? ` AND ${where}` : ''} ORDER BY ${order(by.map((c) => `${table}.${c}`), desc)} LIMIT 21) ${table}
     ORDER BY ${order(by.map((c) => `${table}.${c}`), desc)} LIMIT 21`;
  const agentWs = `workspace_id = '${ws1}'`;
  const live = `status <> 'deleted'`;
  const mine = `recipient_kind = 'agent' AND recipient_id = '${w.agentId}'`;
  const unreadCount = { sql: `SELECT count(*) FROM (SELECT 1 FROM notifications WHERE ${mine} AND read_at IS NULL LIMIT 1000) unread`, params: [] };
  const execSelect = `SELECT executions.id, executions.workspace_id, executions.agent_id, executions.status, executions.started_at, executions.ended_at,
    executions.duration_ms, executions.cost_usd, executions.model, executions.summary, executions.decisions, agents.name FROM executions LEFT JOIN agents ON agents.id = executions.agent_id`;
  const exec = (where: string, by: string[], desc: boolean, offset = 0) =>
    `${execSelect} WHERE ${where} ORDER BY ${order(by, desc)} LIMIT 21${offset ? ` OFFSET ${offset}` : ''}`;
  const L = (name: string, p: string, who: List['who'], sql: string, params: unknown[] = [], extra?: List['extra']): List => ({ name, path: p, who, sql, params, extra });
  /** The workspace access check of a list named by `?workspaceId=` (the workspace and the caller's membership). */
  const access = { sql: `SELECT w.*, m.role FROM workspaces w LEFT JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1 WHERE w.id = '${ws1}'`, params: [w.memberId] };
  const agentAccess = { sql: `SELECT * FROM workspaces WHERE id = '${ws1}'`, params: [] };
  const attempts = { sql: 'SELECT * FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY delivery_id, attempt, started_at, id', params: ['$ids'] };
  const ticket = { sql: `SELECT * FROM tickets WHERE id = '${TICKET_ID}'`, params: [] };
  const mentions = {
    sql: `SELECT mentions.comment_id, mentions.target_kind, mentions.target_id, agents.name, users.name FROM mentions
      LEFT JOIN agents ON mentions.target_kind = 'agent' AND agents.id = mentions.target_id LEFT JOIN users ON mentions.target_kind = 'user' AND users.id = mentions.target_id
      WHERE mentions.comment_id = ANY($1) ORDER BY mentions.created_at`,
    params: ['$ids'],
  };
  const T = `/api/v1/tickets/${TICKET_ID}/comments`;
  return [
    L('agents: agent, default (-createdAt)', '/api/v1/agents?limit=20', 'agent', one('agents', `${agentWs} AND ${live}`, ['created_at', 'id'], true)),
    L('agents: agent, sort=name', '/api/v1/agents?limit=20&sort=name', 'agent', one('agents', `${agentWs} AND ${live}`, ['name', 'id'], false)),
    L('agents: agent, sort=-updatedAt', '/api/v1/agents?limit=20&sort=-updatedAt', 'agent', one('agents', `${agentWs} AND ${live}`, ['updated_at', 'id'], true)),
    L('agents: agent, sort=status', '/api/v1/agents?limit=20&sort=status', 'agent', one('agents', `${agentWs} AND ${live}`, ['status', 'id'], false)),
    L('agents: agent, status=pending', '/api/v1/agents?limit=20&status=pending', 'agent', one('agents', `${agentWs} AND ${live} AND status = 'pending'`, ['created_at', 'id'], true)),
    L('agents: agent, offset=60', '/api/v1/agents?limit=20&offset=60', 'agent', one('agents', `${agentWs} AND ${live}`, ['created_at', 'id'], true, 60)),
    L('agents: person of 3, default', '/api/v1/agents?limit=20', 'member', perWs('agents', 'SELECT * FROM agents', `agents.${live}`, ['created_at', 'id'], true), [w.memberId]),
    L('agents: person of 3, sort=name', '/api/v1/agents?limit=20&sort=name', 'member', perWs('agents', 'SELECT * FROM agents', `agents.${live}`, ['name', 'id'], false), [w.memberId]),
    L('comments: oldest first', `${T}?limit=20`, 'agent', one('comments', `ticket_id = '${TICKET_ID}'`, ['created_at', 'id'], false), [], [ticket, mentions]),
    L('comments: -createdAt', `${T}?limit=20&sort=-createdAt`, 'agent', one('comments', `ticket_id = '${TICKET_ID}'`, ['created_at', 'id'], true), [], [ticket, mentions]),
    L('comments: offset=60', `${T}?limit=20&offset=60`, 'agent', one('comments', `ticket_id = '${TICKET_ID}'`, ['created_at', 'id'], false, 60), [], [ticket, mentions]),
    L('notifications: newest first', '/api/v1/notifications?limit=20', 'agent', one('notifications', mine, ['created_at', 'id'], true), [], [unreadCount]),
    L('notifications: unread=true', '/api/v1/notifications?limit=20&unread=true', 'agent', one('notifications', `${mine} AND read_at IS NULL`, ['created_at', 'id'], true), [], [unreadCount]),
    L('notifications: workspaceId', `/api/v1/notifications?limit=20&workspaceId=${ws1}`, 'agent', one('notifications', `${mine} AND workspace_id = '${ws1}'`, ['created_at', 'id'], true), [], [agentAccess, unreadCount]),
    L('notifications: offset=60', '/api/v1/notifications?limit=20&offset=60', 'agent', one('notifications', mine, ['created_at', 'id'], true, 60), [], [unreadCount]),
    L('executions: agent, default (-startedAt)', '/api/v1/executions?limit=20', 'agent', exec(`executions.${agentWs}`, ['executions.started_at', 'executions.id'], true)),
    L('executions: agent, sort=-durationMs', '/api/v1/executions?limit=20&sort=-durationMs', 'agent', exec(`executions.${agentWs}`, ['coalesce(executions.duration_ms, -1)', 'executions.id'], true)),
    L('executions: agent, sort=costUsd', '/api/v1/executions?limit=20&sort=costUsd', 'agent', exec(`executions.${agentWs}`, ['coalesce(executions.cost_usd, -1)', 'executions.id'], false)),
    L('executions: agent, status=failed', '/api/v1/executions?limit=20&status=failed', 'agent', exec(`executions.${agentWs} AND executions.status IN ('failed')`, ['executions.started_at', 'executions.id'], true)),
    L('executions: agent, agentId=self', `/api/v1/executions?limit=20&agentId=${w.agentId}`, 'agent', exec(`executions.${agentWs} AND executions.agent_id = '${w.agentId}'`, ['executions.started_at', 'executions.id'], true)),
    L('executions: agent, offset=60', '/api/v1/executions?limit=20&offset=60', 'agent', exec(`executions.${agentWs}`, ['executions.started_at', 'executions.id'], true, 60)),
    L('executions: person of 3, default', '/api/v1/executions?limit=20', 'member', perWs('executions', execSelect, '', ['started_at', 'id'], true), [w.memberId]),
    L('webhooks: workspace, default', `/api/v1/webhooks?limit=20&workspaceId=${ws1}`, 'member', one('webhook_endpoints', agentWs, ['created_at', 'id'], true), [], [access]),
    L('webhooks: workspace, sort=url', `/api/v1/webhooks?limit=20&workspaceId=${ws1}&sort=url`, 'member', one('webhook_endpoints', agentWs, ['url', 'id'], false), [], [access]),
    L('webhooks: workspace, sort=-status', `/api/v1/webhooks?limit=20&workspaceId=${ws1}&sort=-status`, 'member', one('webhook_endpoints', agentWs, ['status', 'id'], true), [], [access]),
    L('webhooks: administers 3, default', '/api/v1/webhooks?limit=20', 'member', perWs('webhook_endpoints', 'SELECT * FROM webhook_endpoints', '', ['created_at', 'id'], true, true), [w.memberId]),
    L('deliveries: workspace, default', `/api/v1/webhook-deliveries?limit=20&workspaceId=${ws1}`, 'member', one('webhook_deliveries', agentWs, ['created_at', 'id'], true), [], [access, attempts]),
    L('deliveries: workspace, sort=nextAttemptAt', `/api/v1/webhook-deliveries?limit=20&workspaceId=${ws1}&sort=nextAttemptAt`, 'member', one('webhook_deliveries', agentWs, ['next_attempt_at', 'id'], false), [], [access, attempts]),
    L('deliveries: workspace, sort=-lastAttemptAt', `/api/v1/webhook-deliveries?limit=20&workspaceId=${ws1}&sort=-lastAttemptAt`, 'member', one('webhook_deliveries', agentWs, ['last_attempt_at', 'id'], true), [], [access, attempts]),
    L('deliveries: workspace, status=failed', `/api/v1/webhook-deliveries?limit=20&workspaceId=${ws1}&status=failed`, 'member', one('webhook_deliveries', `${agentWs} AND status = 'failed'`, ['created_at', 'id'], true), [], [access, attempts]),
    L('deliveries: one endpoint', `/api/v1/webhook-deliveries?limit=20&webhookId=whk_every_1`, 'member', one('webhook_deliveries', `webhook_id = 'whk_every_1'`, ['created_at', 'id'], true), [], [access, attempts]),
    L('deliveries: administers 3, default', '/api/v1/webhook-deliveries?limit=20', 'member', perWs('webhook_deliveries', 'SELECT * FROM webhook_deliveries', '', ['created_at', 'id'], true, true), [w.memberId], [attempts]),
    L('users: default (email)', '/api/v1/users?limit=20', 'admin', one('users', 'true', ['email', 'id'], false)),
    L('users: sort=name', '/api/v1/users?limit=20&sort=name', 'admin', one('users', 'true', ['name', 'id'], false)),
    L('users: sort=-createdAt', '/api/v1/users?limit=20&sort=-createdAt', 'admin', one('users', 'true', ['created_at', 'id'], true)),
    L('users: offset=60', '/api/v1/users?limit=20&offset=60', 'admin', one('users', 'true', ['email', 'id'], false, 60)),
    ...(
      [
        ['default (name)', '', ['users.name', 'users.id'], false],
        ['sort=email', '&sort=email', ['users.email', 'users.id'], false],
        ['sort=-createdAt', '&sort=-createdAt', ['m.created_at', 'users.id'], true],
        ['sort=role', '&sort=role', ['m.role', 'users.id'], false],
        ['offset=60', '&offset=60', ['users.name', 'users.id'], false],
      ] as const
    ).map(([name, q, by, desc]) =>
      L(
        `members: ${name}`,
        `/api/v1/workspaces/${ws1}/members?limit=20${q}`,
        'member',
        `SELECT m.user_id, users.email, users.name, m.role, m.created_at, m.updated_at FROM memberships m JOIN users ON users.id = m.user_id
         WHERE m.workspace_id = '${ws1}' ORDER BY ${order([...by], desc)} LIMIT 21${q.includes('offset') ? ' OFFSET 60' : ''}`,
        [],
        [access],
      ),
    ),
  ].filter((q) => q.name.includes(process.env.BENCH_QUERIES ?? ''));
}

function client(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (p: string, key: string): Promise<{ status: number; body: any; ms: number }> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const r = http.request({ host: '127.0.0.1', port, path: p, agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
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
  return { get, close: () => agent.destroy() };
}

interface Result {
  app: { p50: number; p95: number };
  bare: { p50: number; p95: number };
  items: number;
}

async function measureAll(qs: List[], w: World): Promise<Map<List, Result>> {
  const app = client(PORT);
  const bare = client(BARE_PORT);
  const keyOf = (q: List) => (q.who === 'agent' ? w.agentKey : q.who === 'admin' ? ADMIN.key : w.memberKey);
  const times = new Map<List, { app: number[]; bare: number[] }>(qs.map((q) => [q, { app: [], bare: [] }]));
  const items = new Map<List, number>();
  try {
    for (let round = 0; round < WARMUP + REPEAT; round++) {
      for (const q of qs) {
        // Alternate which server goes first, so that neither always follows the other's work.
        const order = round % 2 ? (['bare', 'app'] as const) : (['app', 'bare'] as const);
        const got: Record<string, { status: number; body: any; ms: number }> = {};
        for (const side of order) got[side] = await (side === 'app' ? app : bare).get(q.path, keyOf(q));
        for (const side of order) {
          if (got[side].status !== 200) throw new Error(`${q.name} (${side}): ${got[side].status} ${JSON.stringify(got[side].body).slice(0, 300)}`);
        }
        if (round === 0) {
          const id = (x: { id?: string; userId?: string; user_id?: string }) => x.id ?? x.userId ?? x.user_id;
          const a = got.app.body.data.map(id).join(',');
          const b = got.bare.body.data.map(id).join(',');
          if (a !== b) log(`  WARNING ${q.name}: the bare statement lists other rows than the app (${a.slice(0, 80)} / ${b.slice(0, 80)})`);
        }
        if (round >= WARMUP) {
          times.get(q)!.app.push(got.app.ms);
          times.get(q)!.bare.push(got.bare.ms);
        }
        items.set(q, got.app.body.data.length);
      }
    }
  } finally {
    app.close();
    bare.close();
  }
  const p = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95) });
  return new Map(qs.map((q) => [q, { app: p(times.get(q)!.app), bare: p(times.get(q)!.bare), items: items.get(q)! }]));
}

type Figures = Record<string, Record<number, Result>>;

async function runDatabase(kind: 'postgres' | 'embedded'): Promise<Figures> {
  const figures: Figures = {};
  for (const rows of SIZES) {
    log(`\n${kind}, ${rows.toLocaleString('en')} rows per list (load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mc-bench-every-'));
    let dbName: string | undefined;
    let databaseUrl: string | undefined;
    const admin = kind === 'postgres' ? await pgAdmin() : null;
    if (kind === 'postgres') {
      if (!admin) return figures;
      dbName = `mc_bench_every_${process.pid}_${rows}`;
      await admin.query(`CREATE DATABASE ${dbName}`);
      databaseUrl = `${PG_URL}/${dbName}`;
    }
    let app: Proc | undefined;
    let bare: Proc | undefined;
    try {
      app = await startApp(PORT, appEnv(PORT, ADMIN, dataDir, databaseUrl));
      const world = await seedApi();
      await stop(app);
      await seedSql(databaseUrl ? { databaseUrl } : { dataDir: path.join(dataDir, 'db') }, world, rows);
      const qs = lists(world);
      const routes = path.join(dataDir, 'routes.json');
      writeFileSync(routes, JSON.stringify(Object.fromEntries(qs.map((q) => [`${q.who === 'agent' ? 'agent' : 'member'} ${q.path}`, { sql: q.sql, params: q.params, extra: q.extra }]))));
      let bareEnv: Record<string, string>;
      if (databaseUrl) {
        bareEnv = { BARE_DATABASE_URL: databaseUrl };
      } else {
        const copy = path.join(dataDir, 'bare-db');
        cpSync(path.join(dataDir, 'db'), copy, { recursive: true });
        bareEnv = { BARE_DATA_DIR: copy, BARE_PG_CONF: JSON.stringify(EMBEDDED_POSTGRES_CONF) };
      }
      app = await startApp(PORT, appEnv(PORT, ADMIN, dataDir, databaseUrl));
      bare = start('bare', BARE, { ...bareEnv, BARE_PORT: String(BARE_PORT), BARE_ROUTES: routes });
      await waitReady(bare, `http://127.0.0.1:${BARE_PORT}/health`, 300_000);
      for (const [q, r] of await measureAll(qs, world)) {
        (figures[q.name] ??= {})[rows] = r;
        log(
          `  ${q.name.padEnd(44)} app p50 ${r.app.p50.toFixed(2).padStart(6)} p95 ${r.app.p95.toFixed(2).padStart(6)}   bare p50 ${r.bare.p50.toFixed(2).padStart(6)} p95 ${r.bare.p95.toFixed(2).padStart(6)} ms   (${r.items} items)`,
        );
      }
    } finally {
      if (app) await stop(app);
      if (bare) await stop(bare);
      rmSync(dataDir, { recursive: true, force: true });
      if (admin && dbName) {
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
  log(`\n${kind}: p95 in ms, app at ${k(a)} and ${k(b)} rows (ratio, target ≤ 2), and app/bare at ${k(a)} and at ${k(b)} (target ≤ 2)`);
  log(`  ${'list'.padEnd(44)} ${`app ${k(a)}`.padStart(8)} ${`app ${k(b)}`.padStart(9)}  ${`${k(b)}/${k(a)}`.padStart(9)}   ${`bare ${k(a)}`.padStart(9)} ${`bare ${k(b)}`.padStart(10)}  app/bare`);
  for (const [name, bySize] of Object.entries(figures)) {
    const x = bySize[a];
    const y = bySize[b];
    if (!x || !y) continue;
    const growth = y.app.p95 / x.app.p95;
    const ra = x.app.p95 / x.bare.p95;
    const rb = y.app.p95 / y.bare.p95;
    const flag = Math.max(growth, ra, rb) <= 2 ? '' : '   > 2';
    log(
      `  ${name.padEnd(44)} ${x.app.p95.toFixed(2).padStart(8)} ${y.app.p95.toFixed(2).padStart(9)}  ×${growth.toFixed(2).padStart(7)}   ${x.bare.p95.toFixed(2).padStart(9)} ${y.bare.p95.toFixed(2).padStart(10)}  ×${ra.toFixed(2)} / ×${rb.toFixed(2)}${flag}`,
    );
  }
}

async function main() {
  staleBuildWarning();
  log(`bench:every-list — ${path.relative(process.cwd(), SERVER)}, sizes ${SIZES.join(', ')}, ${REPEAT} requests per list and server (+${WARMUP} warm-up), load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${os.cpus().length} CPUs`);
  const out: Record<string, Figures> = {};
  const only = process.env.BENCH_ONLY;
  if (!only || only === 'postgres') out.postgres = await runDatabase('postgres');
  if (!only || only === 'embedded') out.embedded = await runDatabase('embedded');
  if (out.postgres) summary('PostgreSQL', out.postgres);
  if (out.embedded) summary('embedded (PGlite)', out.embedded);
  log(`\nload average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(out, null, 2));
  await sleep(10);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

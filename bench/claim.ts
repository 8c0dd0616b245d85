// bench/claim — N simulated agents each loop poll → claim one → move it to Done (in_progress → pr_review → done:
// two PATCHes) over HTTP until T tickets are done, against the real built app and against the floor of the
// design: a bare Node `http` server (this file run with --serve-bare, a child process) that answers the same URLs
// with the same JSON envelope, doing the steps with hand-written SQL on the same database and driver.
//
//   pnpm build && pnpm bench:claim [--agents 50] [--tickets 2000]
//
// Servers measured (`--servers app,bare,full`):
//   app   apps/web/dist/server.mjs (Hono routes, zod; since the hot-path work: auth, poll, claim and an agent's move
//         are prepared hand-written statements; claim = one data-modifying CTE with the activity row, the outbox
//         event and pg_notify, whose second branch explains a lost claim; move = one CTE with activity, event,
//         status_change notifications and pg_notify; moves it cannot take fall back to the general transaction)
//   bare  the floor as briefed: auth = one lookup of the key hash; poll = the app's WHERE/ORDER BY; claim = one
//         conditional `UPDATE … WHERE id = $1 AND status = 'todo' AND claimed_by_agent_id IS NULL … RETURNING *`;
//         each move = one conditional `UPDATE … RETURNING *` (holder and from-status in the WHERE). Named prepared
//         statements (on PGlite: PREPARE once, then EXECUTE, as the app), no transactions, no bookkeeping.
//   next  the app again, but its agents use claim-next: POST /tickets/claim-next → PATCH pr_review → PATCH done
//         (no poll, no lost claims: the server picks and claims with FOR UPDATE SKIP LOCKED); an agent stops at the
//         first 204. Compare it with `app` (`--servers app,next`): requests per done ticket and tickets/s.
//   full  the floor of the app's full semantics: the same rows as the app (activity, event outbox, notification
//         of the creator, pg_notify) but written by ONE statement per step (data-modifying CTEs), so it shows
//         what the bookkeeping costs by itself and how far a hand-written version of the same work gets.
// The ratio the target is about is app/bare (≥ 0.5); app/full is the diagnosis.
//
// Every run starts from an identical copy of one seeded database (PostgreSQL: CREATE DATABASE … TEMPLATE; embedded:
// a copy of the PGlite data dir, because one data dir cannot be open in two processes), so the servers run one
// after the other, each on its own copy. The first `--warmup` tickets of a run are not measured (JIT, pools).
// After each run: tickets done = all, each claimed exactly once (HTTP winners, claimed_by_agent_id, version),
// and for app and full exactly one `ticket.claimed` activity row per ticket.
//
// Options (or the BENCH_* environment variable in brackets):
//   --agents N [BENCH_AGENTS] 50         --tickets T [BENCH_TICKETS] 2000      --warmup W [BENCH_WARMUP] 300
//   --limit L 5 (poll page size)         --rounds R [BENCH_ROUNDS] 1 (order alternates per round; medians)
//   --servers app,bare,full (and next)   --only embedded|postgres [BENCH_ONLY]
//   --pool P 10 (PostgreSQL pool of app and bare servers)   --count-cycles K 20 (statements per cycle on PostgreSQL,
//   with log_statement = all; 0 skips)   --step-requests K 300 (CPU per request of each step, one request at a time;
//   0 skips)   --json FILE      --profile DIR (measured app runs under --cpu-prof;
//   summarise with `node bench/profile-summary.mjs DIR/<file>.cpuprofile`)   --build (run `pnpm build` first)
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432   BENCH_APP_PORT=3501   BENCH_BARE_PORT=3502
//   BENCH_KEEP=1 keeps the scratch databases and data dirs (to look at plans afterwards)
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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
  mapLimit,
  median,
  memory,
  openSql,
  percentile,
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
  type SqlClient,
} from './lib';

const THIS_FILE = fileURLToPath(import.meta.url);
/** When the app bundle the run starts with was built (someone may rebuild it during a long run). */
const BUILD_AT = (() => {
  try {
    return statSync(SERVER).mtime.toISOString();
  } catch {
    return 'missing';
  }
})();

// =============================================================================================== the bare server

const PRIORITIES = ['urgent', 'high', 'medium', 'low'] as const;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LEASE_MS = 10 * 60 * 1000; // CLAIM_LEASE_MS of the app

/** The app's id layout (packages/core/src/shared/ids.ts): prefix, 48-bit time, 80 random bits, Crockford base32. */
function newId(prefix: string, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[bytes[i] % 32];
  return `${prefix}_${time}${rand}`;
}

const iso = (d: unknown) => (d == null ? null : d instanceof Date ? d.toISOString() : new Date(d as string).toISOString());

/** The app's ticket DTO (packages/core/src/tickets/ticket-dto.ts), from a raw row. */
function ticketDto(t: any) {
  return {
    id: t.id,
    workspaceId: t.workspace_id,
    number: t.number,
    title: t.title,
    description: t.description,
    status: t.status,
    priority: PRIORITIES[Math.min(3, Math.max(0, t.priority))],
    labels: t.labels,
    epicId: t.epic_id,
    requiredCapabilities: t.required_capabilities,
    wikiRefs: t.wiki_refs,
    assignee: t.assignee_agent_id ? { kind: 'agent', id: t.assignee_agent_id } : t.assignee_user_id ? { kind: 'user', id: t.assignee_user_id } : null,
    claimedBy: t.claimed_by_agent_id,
    claimedAt: iso(t.claimed_at),
    leaseExpiresAt: iso(t.lease_expires_at),
    closedReason: t.closed_reason,
    createdBy: { kind: t.created_by_kind, id: t.created_by_id },
    createdAt: iso(t.created_at),
    updatedAt: iso(t.updated_at),
    statusChangedAt: iso(t.status_changed_at),
    version: t.version,
  };
}

const SQL_AUTH = `SELECT k.id AS key_id, k.expires_at, a.id AS agent_id, a.workspace_id, a.name, a.status, a.capabilities
  FROM agent_keys k JOIN agents a ON a.id = k.agent_id
  WHERE k.key_hash = $1 AND k.revoked_at IS NULL LIMIT 1`;

/** The app's claimableBy() with literals where the partial index tickets_available_idx needs them. */
const CLAIMABLE = `workspace_id = $W AND status = 'todo' AND claimed_by_agent_id IS NULL
    AND ((assignee_agent_id IS NULL AND assignee_user_id IS NULL) OR assignee_agent_id = $A)
    AND required_capabilities <@ $C::jsonb`;
const claimable = (w: number, a: number, c: number) => CLAIMABLE.replace('$W', `$${w}`).replace('$A', `$${a}`).replace('$C', `$${c}`);

const SQL_POLL = `SELECT * FROM tickets WHERE ${claimable(1, 2, 3)} ORDER BY priority, created_at, id LIMIT $4`;

// $1 id, $2 agent, $3 now, $4 lease, $5 workspace, $6 capabilities
const CLAIM_SET = `UPDATE tickets SET claimed_by_agent_id = $2, claimed_at = $3::timestamptz, lease_expires_at = $4::timestamptz,
    status = 'in_progress', status_changed_at = $3::timestamptz, updated_at = $3::timestamptz, version = version + 1
  WHERE id = $1 AND ${claimable(5, 2, 6)}
  RETURNING *`;
const SQL_CLAIM = CLAIM_SET;
// + $7 activity id, $8 agent name, $9 event id, $10 request id
const SQL_CLAIM_FULL = `WITH won AS (${CLAIM_SET}),
  act AS (
    INSERT INTO activity (id, workspace_id, actor_kind, actor_id, actor_name, action, target_kind, target_id, summary, metadata, request_id, created_at)
    SELECT $7, w.workspace_id, 'agent', $2, $8, 'ticket.claimed', 'ticket', w.id, 'claimed #' || w.number || ' ' || w.title,
      jsonb_build_object('leaseExpiresAt', to_char($4::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'from', 'todo', 'to', 'in_progress'), $10, $3::timestamptz
    FROM won w),
  ev AS (
    INSERT INTO events (id, workspace_id, type, version, actor_kind, actor_id, actor_name, data, occurred_at)
    SELECT $9, w.workspace_id, 'ticket.claimed', 1, 'agent', $2, $8,
      jsonb_build_object('ticket', jsonb_build_object('id', w.id, 'number', w.number, 'title', w.title, 'status', w.status),
        'agentId', $2::text, 'leaseExpiresAt', to_char($4::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), $3::timestamptz
    FROM won w)
  SELECT w.*, pg_notify('mc_live', json_build_object('type', 'ticket.claimed', 'workspaceId', w.workspace_id, 'ticketId', w.id,
    'agentId', $2::text, 'status', w.status, 'eventId', $9::text, 'recipients', '[]'::json, 'at', now())::text) AS notified
  FROM won w`;

const SQL_CLAIM_LOST = `SELECT t.number, t.status, t.claimed_by_agent_id, t.lease_expires_at, a.name AS holder_name
  FROM tickets t LEFT JOIN agents a ON a.id = t.claimed_by_agent_id
  WHERE t.id = $1 AND t.workspace_id = $2`;

// $1 id, $2 to, $3 now, $4 workspace, $5 agent (holder), $6 from
const MOVE_SET = `UPDATE tickets SET status = $2, status_changed_at = $3::timestamptz, updated_at = $3::timestamptz, lease_expires_at = NULL,
    version = version + 1
  WHERE id = $1 AND workspace_id = $4 AND claimed_by_agent_id = $5 AND status = $6
  RETURNING *`;
const SQL_MOVE = MOVE_SET;
// + $7 activity id, $8 agent name, $9 event id, $10 notification id, $11 request id
const SQL_MOVE_FULL = `WITH m AS (${MOVE_SET}),
  act AS (
    INSERT INTO activity (id, workspace_id, actor_kind, actor_id, actor_name, action, target_kind, target_id, summary, metadata, request_id, created_at)
    SELECT $7, m.workspace_id, 'agent', $5, $8, 'ticket.moved', 'ticket', m.id, 'moved #' || m.number || ' from ' || $6 || ' to ' || $2,
      jsonb_build_object('from', $6::text, 'to', $2::text, 'closedReason', NULL), $11, $3::timestamptz
    FROM m),
  ev AS (
    INSERT INTO events (id, workspace_id, type, version, actor_kind, actor_id, actor_name, data, occurred_at)
    SELECT $9, m.workspace_id, 'ticket.moved', 1, 'agent', $5, $8,
      jsonb_build_object('ticket', jsonb_build_object('id', m.id, 'number', m.number, 'title', m.title, 'status', m.status), 'from', $6::text, 'to', $2::text),
      $3::timestamptz
    FROM m),
  ntf AS (
    -- the people involved (creator, assignee) who still belong to the workspace; the mover is not notified
    INSERT INTO notifications (id, workspace_id, recipient_kind, recipient_id, type, content, ticket_id, event_id, created_at)
    SELECT $10::text || '_' || ms.user_id, m.workspace_id, 'user', ms.user_id, 'status_change',
      left($8 || ' moved #' || m.number || ' ' || m.title || ' from ' || $6 || ' to ' || $2, 500), m.id, $9, $3::timestamptz
    FROM m JOIN memberships ms ON ms.workspace_id = m.workspace_id
      AND ms.user_id IN (CASE WHEN m.created_by_kind = 'user' THEN m.created_by_id END, m.assignee_user_id)
    RETURNING recipient_kind, recipient_id)
  SELECT m.*, pg_notify('mc_live', json_build_object('type', 'ticket.moved', 'workspaceId', m.workspace_id, 'ticketId', m.id,
    'status', m.status, 'eventId', $9::text,
    'recipients', (SELECT coalesce(json_agg(n.recipient_kind || ':' || n.recipient_id), '[]'::json) FROM ntf n), 'at', now())::text) AS notified
  FROM m`;

const SQL_MOVE_LOST = `SELECT number, status, claimed_by_agent_id FROM tickets WHERE id = $1 AND workspace_id = $2`;

/** Which status a move to `to` must come from (the only moves the agents make). */
const MOVE_FROM: Record<string, string> = { pr_review: 'in_progress', done: 'pr_review' };

async function serveBare() {
  const full = process.env.BARE_MODE === 'full';
  const db: SqlClient = process.env.BARE_DATABASE_URL
    ? await openSql({ databaseUrl: process.env.BARE_DATABASE_URL, poolSize: Number(process.env.BARE_POOL_SIZE ?? 10) })
    : await openSql({ dataDir: process.env.BARE_DATA_DIR!, conf: EMBEDDED_POSTGRES_CONF });

  const send = (res: http.ServerResponse, status: number, body: unknown, requestId: string) => {
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), 'x-request-id': requestId });
    res.end(json);
  };
  const fail = (res: http.ServerResponse, status: number, code: string, message: string, requestId: string, details?: object) =>
    send(res, status, { success: false, error: { code, message, requestId, ...(details ? { details } : {}) } }, requestId);

  const readBody = (req: http.IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let s = '';
      req.setEncoding('utf8');
      req.on('data', (c) => (s += c));
      req.on('end', () => resolve(s));
      req.on('error', reject);
    });

  const server = http.createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const url = req.url ?? '/';
      if (url === '/health') return send(res, 200, { success: true, data: { status: 'ok' } }, requestId);
      const q = url.indexOf('?');
      const pathname = q < 0 ? url : url.slice(0, q);
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      if (!m) return fail(res, 401, 'UNAUTHENTICATED', 'authentication required', requestId);
      const [who] = await db.query(SQL_AUTH, [createHash('sha256').update(m[1]).digest('hex')], 'bare_auth');
      const now = new Date();
      if (!who || who.status !== 'active' || (who.expires_at && new Date(who.expires_at) <= now)) {
        return fail(res, 401, 'UNAUTHENTICATED', 'invalid, expired or revoked API key', requestId);
      }
      const caps = JSON.stringify(who.capabilities ?? []);

      if (req.method === 'GET' && pathname === '/api/v1/tickets/available') {
        const limit = Math.min(100, Math.max(1, Number(new URLSearchParams(url.slice(q + 1)).get('limit') ?? 10) || 10));
        const rows = await db.query(SQL_POLL, [who.workspace_id, who.agent_id, caps, limit], 'bare_poll');
        return send(res, 200, { success: true, data: rows.map(ticketDto), meta: { limit, nextCursor: null } }, requestId);
      }
      const claim = /^\/api\/v1\/tickets\/([^/]+)\/claim$/.exec(pathname);
      if (req.method === 'PATCH' && claim) {
        const id = decodeURIComponent(claim[1]);
        const lease = new Date(now.getTime() + LEASE_MS);
        const [won] = full
          ? await db.query(
              SQL_CLAIM_FULL,
              [id, who.agent_id, now, lease, who.workspace_id, caps, newId('act'), who.name, newId('evt'), requestId],
              'bare_claim_full',
            )
          : await db.query(SQL_CLAIM, [id, who.agent_id, now, lease, who.workspace_id, caps], 'bare_claim');
        if (won) return send(res, 200, { success: true, data: ticketDto(won) }, requestId);
        const [t] = await db.query(SQL_CLAIM_LOST, [id, who.workspace_id], 'bare_claim_lost');
        if (!t) return fail(res, 404, 'NOT_FOUND', 'ticket not found', requestId);
        if (t.claimed_by_agent_id) {
          return fail(res, 409, 'CONFLICT', `ticket #${t.number} is already claimed by ${t.holder_name ?? t.claimed_by_agent_id}`, requestId, {
            claimedBy: t.claimed_by_agent_id,
            claimedByName: t.holder_name ?? null,
            leaseExpiresAt: iso(t.lease_expires_at),
          });
        }
        return fail(res, 409, 'INVALID_TRANSITION', `ticket #${t.number} is ${t.status}; only todo tickets can be claimed`, requestId);
      }
      const move = /^\/api\/v1\/tickets\/([^/]+)$/.exec(pathname);
      if (req.method === 'PATCH' && move) {
        const id = decodeURIComponent(move[1]);
        let body: { status?: string };
        try {
          body = JSON.parse(await readBody(req));
        } catch {
          return fail(res, 400, 'VALIDATION_ERROR', 'the body is not valid JSON', requestId);
        }
        const to = body?.status;
        const from = to ? MOVE_FROM[to] : undefined;
        if (!to || !from) return fail(res, 400, 'VALIDATION_ERROR', 'this server moves tickets to pr_review or done only', requestId);
        const [row] = full
          ? await db.query(
              SQL_MOVE_FULL,
              [id, to, now, who.workspace_id, who.agent_id, from, newId('act'), who.name, newId('evt'), newId('ntf'), requestId],
              'bare_move_full',
            )
          : await db.query(SQL_MOVE, [id, to, now, who.workspace_id, who.agent_id, from], 'bare_move');
        if (row) return send(res, 200, { success: true, data: ticketDto(row) }, requestId);
        const [t] = await db.query(SQL_MOVE_LOST, [id, who.workspace_id], 'bare_move_lost');
        if (!t) return fail(res, 404, 'NOT_FOUND', 'ticket not found', requestId);
        if (t.claimed_by_agent_id !== who.agent_id) return fail(res, 403, 'FORBIDDEN', 'only the holder moves this ticket here', requestId);
        return fail(res, 409, 'INVALID_TRANSITION', `a ticket cannot go from ${t.status} to ${to}`, requestId, { from: t.status, to });
      }
      return fail(res, 404, 'NOT_FOUND', 'no such endpoint', requestId);
    } catch (err) {
      console.error('[bare]', err);
      return fail(res, 500, 'INTERNAL', String(err), requestId);
    }
  });
  server.keepAliveTimeout = 65_000;
  const port = Number(process.env.BARE_PORT ?? 3502);
  server.listen(port, '127.0.0.1', () => console.log(`[bare${full ? ' full' : ''}] listening on http://127.0.0.1:${port}`));
  const shutdown = async () => {
    server.close();
    server.closeAllConnections?.();
    await db.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
}

// =============================================================================================== the bench

type ServerKind = 'app' | 'bare' | 'full' | 'next';
type DbKind = 'embedded' | 'postgres';
const LABEL: Record<ServerKind, string> = { app: 'app ', bare: 'bare', full: 'full', next: 'next' };
/** How a server's agents get work: poll then claim by id, or claim-next (the app, `next`). */
const modeOf = (server: ServerKind): 'poll' | 'next' => (server === 'next' ? 'next' : 'poll');

function options() {
  const { values } = parseArgs({
    options: {
      agents: { type: 'string' },
      tickets: { type: 'string' },
      warmup: { type: 'string' },
      limit: { type: 'string' },
      rounds: { type: 'string' },
      servers: { type: 'string' },
      only: { type: 'string' },
      pool: { type: 'string' },
      'count-cycles': { type: 'string' },
      'step-requests': { type: 'string' },
      json: { type: 'string' },
      profile: { type: 'string' },
      build: { type: 'boolean' },
    },
    allowPositionals: false,
  });
  const n = (v: string | undefined, env: string | undefined, d: number) => (v !== undefined ? Number(v) : env !== undefined ? Number(env) : d);
  const servers = (values.servers ?? 'app,bare,full').split(',').map((s) => s.trim()) as ServerKind[];
  for (const s of servers) if (!['app', 'bare', 'full', 'next'].includes(s)) throw new Error(`--servers: unknown server ${s}`);
  return {
    agents: n(values.agents, process.env.BENCH_AGENTS, 50),
    tickets: n(values.tickets, process.env.BENCH_TICKETS, 2000),
    warmup: n(values.warmup, process.env.BENCH_WARMUP, 300),
    limit: n(values.limit, undefined, 5),
    rounds: n(values.rounds, process.env.BENCH_ROUNDS, 1),
    servers,
    only: (values.only ?? process.env.BENCH_ONLY) as DbKind | undefined,
    pool: n(values.pool, undefined, 10),
    countCycles: n(values['count-cycles'], undefined, 20),
    stepRequests: n(values['step-requests'], undefined, 300),
    json: values.json,
    profile: values.profile ? path.resolve(values.profile) : undefined,
    build: values.build ?? process.env.BENCH_BUILD === '1',
    appPort: n(undefined, process.env.BENCH_APP_PORT, 3501),
    barePort: n(undefined, process.env.BENCH_BARE_PORT, 3502),
  };
}
type Options = ReturnType<typeof options>;

const ADMIN = benchAdmin('claim');

function claimAppEnv(o: Options, dataDir: string, databaseUrl?: string): Record<string, string> {
  return appEnv(o.appPort, ADMIN, dataDir, databaseUrl, databaseUrl ? { MC_DB_POOL_SIZE: String(o.pool) } : {});
}

// ---------------------------------------------------------------------------------------------- seeding

interface Seed {
  workspaceId: string;
  agentKeys: string[];
  agentIds: string[];
  tickets: number;
  ticketIds: string[];
}

/** Over the API: one workspace, N agents registered, approved and holding their keys, T + W tickets. */
async function seed(o: Options, port: number): Promise<Seed> {
  const slug = `claim-${Date.now().toString(36)}`;
  const { json: ws } = await api(port, 'POST', '/api/v1/workspaces', { key: ADMIN.key, body: { name: 'Claim bench', slug } });
  const workspaceId = ws.data.id as string;
  const agents = await mapLimit(
    Array.from({ length: o.agents }, (_, i) => i),
    8,
    async (i) => {
      const { json: reg } = await api(port, 'POST', '/api/v1/agents', { body: { workspace: slug, name: `agent-${i + 1}`, capabilities: [] } });
      const { agentId, registrationSecret } = reg.data;
      await api(port, 'POST', `/api/v1/agents/${agentId}/approve`, { key: ADMIN.key });
      const { json: k } = await api(port, 'GET', `/api/v1/agents/${agentId}/registration`, { key: registrationSecret });
      if (!k.data.apiKey) throw new Error(`agent ${agentId}: no key after approval (${JSON.stringify(k.data)})`);
      return { id: agentId as string, key: k.data.apiKey as string };
    },
  );
  const total = o.tickets + o.warmup;
  let made = 0;
  const t0 = Date.now();
  const ticketIds = await mapLimit(
    Array.from({ length: total }, (_, i) => i),
    8,
    async (i) => {
      const { json } = await api(port, 'POST', '/api/v1/tickets', {
        key: ADMIN.key,
        body: { workspaceId, title: `Claim bench ticket ${i + 1}`, priority: PRIORITIES[i % 4], description: 'Do the thing, then report.' },
      });
      if (++made % 500 === 0) process.stdout.write(`    ${made}/${total} tickets\r`);
      return json.data.id as string;
    },
  );
  log(`  seeded over the API: workspace ${slug}, ${o.agents} approved agents with keys, ${total} tickets (${((Date.now() - t0) / 1000).toFixed(1)} s for the tickets)`);
  return { workspaceId, agentKeys: agents.map((a) => a.key), agentIds: agents.map((a) => a.id), tickets: total, ticketIds };
}

// ---------------------------------------------------------------------------------------------- the agents

interface Reply {
  status: number;
  json: any;
}

function makeClient(port: number, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const request = (method: string, p: string, key: string, body?: unknown) =>
    new Promise<Reply>((resolve, reject) => {
      const payload = body === undefined ? '' : JSON.stringify(body);
      const headers: Record<string, string | number> = { authorization: `Bearer ${key}`, 'content-length': Buffer.byteLength(payload) };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const r = http.request({ host: '127.0.0.1', port, method, path: p, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
          } catch (e) {
            reject(e);
          }
        });
        res.on('error', reject);
      });
      r.on('error', reject);
      r.end(payload);
    });
  return { request, close: () => agent.destroy() };
}

const STEPS = ['poll', 'claim', 'claimLost', 'move1', 'move2', 'cycle'] as const;
type StepName = (typeof STEPS)[number];

interface SimResult {
  total: number;
  measured: number;
  seconds: number;
  ticketsPerSecond: number;
  lat: Record<StepName, { n: number; p50: number; p99: number }>;
  requests: number;
  conflicts: number;
  emptyPolls: number;
  errors: string[];
  /** ticket id → indexes of the agents that got a 200 for its claim. */
  winners: Map<string, number[]>;
  cpu: { server: number; db: number | null; loadgen: number };
}

/**
 * Every agent: poll (?limit=L) → try the offered tickets in random order until one claim answers 200 (409s are
 * counted) → PATCH pr_review → PATCH done; stop when a poll comes back empty (every ticket claimed). In `next` mode
 * the poll and the claims are one `POST /tickets/claim-next` (samples under `claim`), and an agent stops at its
 * first 204. Samples are kept once `warmup` tickets are done. `stopAfter` ends the run early (statement counting).
 */
async function simulate(
  o: Options,
  port: number,
  keys: string[],
  opts: { warmup: number; total: number; serverPid: number; dbCpu?: () => Promise<number>; stopAfter?: number; mode?: 'poll' | 'next' },
): Promise<SimResult> {
  const client = makeClient(port, keys.length);
  const samples: Record<StepName, number[]> = { poll: [], claim: [], claimLost: [], move1: [], move2: [], cycle: [] };
  const winners = new Map<string, number[]>();
  const errors: string[] = [];
  let done = 0;
  let requests = 0;
  let conflicts = 0;
  let emptyPolls = 0;
  let markAt = opts.warmup === 0 ? performance.now() : Infinity;
  let lastDoneAt = markAt;
  let cpu0 = { server: cpuMs(opts.serverPid), loadgen: process.cpuUsage(), db: opts.dbCpu ? await opts.dbCpu() : 0 };
  const mark = () => {
    markAt = performance.now();
    const server = cpuMs(opts.serverPid);
    const loadgen = process.cpuUsage();
    cpu0 = { server, loadgen, db: cpu0.db };
    if (opts.dbCpu) void opts.dbCpu().then((v) => (cpu0.db = v));
  };
  const timed = async (step: StepName, method: string, p: string, key: string, body?: unknown) => {
    const t0 = performance.now();
    const r = await client.request(method, p, key, body);
    requests++;
    const ms = performance.now() - t0;
    if (t0 >= markAt && r.status !== 204) samples[step === 'claim' && r.status === 409 ? 'claimLost' : step].push(ms);
    return r;
  };
  const limit = opts.stopAfter ?? Infinity;

  await Promise.all(
    keys.map(async (key, agentIndex) => {
      let cycleStart = performance.now();
      while (done < limit && errors.length < 50) {
        let won: any = null;
        if (opts.mode === 'next') {
          const r = await timed('claim', 'POST', '/api/v1/tickets/claim-next', key);
          if (r.status === 204) {
            emptyPolls++;
            break;
          }
          if (r.status !== 200) {
            errors.push(`claim-next → ${r.status} ${JSON.stringify(r.json?.error)}`);
            continue;
          }
          won = r.json.data;
        } else {
          const polled = await timed('poll', 'GET', `/api/v1/tickets/available?limit=${o.limit}`, key);
          if (polled.status !== 200) {
            errors.push(`poll → ${polled.status} ${JSON.stringify(polled.json?.error)}`);
            continue;
          }
          const offered = polled.json.data as { id: string }[];
          if (offered.length === 0) {
            emptyPolls++;
            break;
          }
          for (let i = offered.length - 1; i > 0; i--) {
            const j = Math.floor(Math.random() * (i + 1));
            [offered[i], offered[j]] = [offered[j], offered[i]];
          }
          for (const t of offered) {
            const r = await timed('claim', 'PATCH', `/api/v1/tickets/${t.id}/claim`, key);
            if (r.status === 200) {
              won = r.json.data;
              break;
            }
            if (r.status === 409) conflicts++;
            else errors.push(`claim → ${r.status} ${JSON.stringify(r.json?.error)}`);
          }
          if (!won) continue;
        }
        const list = winners.get(won.id) ?? [];
        list.push(agentIndex);
        winners.set(won.id, list);
        for (const [step, status] of [['move1', 'pr_review'], ['move2', 'done']] as const) {
          const r = await timed(step, 'PATCH', `/api/v1/tickets/${won.id}`, key, { status });
          if (r.status !== 200 || r.json.data?.status !== status) errors.push(`move to ${status} → ${r.status} ${JSON.stringify(r.json?.error)}`);
        }
        const now = performance.now();
        if (cycleStart >= markAt) samples.cycle.push(now - cycleStart);
        cycleStart = now;
        done++;
        lastDoneAt = now;
        if (done === opts.warmup) mark();
      }
    }),
  );
  const server = cpuMs(opts.serverPid) - cpu0.server;
  const lg = process.cpuUsage(cpu0.loadgen);
  const db = opts.dbCpu ? (await opts.dbCpu()) - cpu0.db : null;
  client.close();
  const measured = done - opts.warmup;
  const seconds = (lastDoneAt - markAt) / 1000;
  const lat = Object.fromEntries(STEPS.map((s) => [s, { n: samples[s].length, p50: percentile(samples[s], 50), p99: percentile(samples[s], 99) }])) as SimResult['lat'];
  return {
    total: done,
    measured,
    seconds,
    ticketsPerSecond: measured / seconds,
    lat,
    requests,
    conflicts,
    emptyPolls,
    errors,
    winners,
    cpu: { server: server / measured, db: db === null ? null : db / measured, loadgen: (lg.user + lg.system) / 1000 / measured },
  };
}

// ---------------------------------------------------------------------------------------------- cost per step

const STEP_KINDS = ['poll', 'claim', 'claim409', 'move1', 'move2'] as const;
type StepKind = (typeof STEP_KINDS)[number];
type StepCosts = Record<StepKind, { n: number; serverUs: number; dbUs: number | null; p50: number; p99: number }>;

/**
 * What one request of each step costs when nothing else runs: one agent, one request at a time (after a warm-up of
 * `warm` whole cycles), CPU time of the server process (and of its PostgreSQL backends) per request, and the
 * uncontended latency. Robust to other load on the machine, unlike throughput. Claims go to `k` tickets nobody
 * took yet; the 409s are a second agent claiming those same tickets.
 */
async function stepCosts(
  o: Options,
  port: number,
  s: Seed,
  k: number,
  serverPid: number,
  dbCpu?: () => Promise<number>,
  warm = 100,
): Promise<StepCosts> {
  const warmup = await simulate(o, port, s.agentKeys.slice(0, 1), { warmup: 0, total: s.tickets, serverPid, stopAfter: warm });
  const ids = s.ticketIds.filter((id) => !warmup.winners.has(id)).slice(0, k);
  const client = makeClient(port, 1);
  const [a, b] = s.agentKeys;
  const out = {} as StepCosts;
  const batch = async (kind: StepKind, fn: (id: string) => Promise<Reply>, expect: number) => {
    await sleep(300); // let background flushes of the previous batch pass
    const db0 = dbCpu ? await dbCpu() : 0;
    const c0 = cpuMs(serverPid);
    const lat: number[] = [];
    for (const id of ids) {
      const t0 = performance.now();
      const r = await fn(id);
      lat.push(performance.now() - t0);
      if (r.status !== expect) throw new Error(`step ${kind}: expected ${expect}, got ${r.status} ${JSON.stringify(r.json?.error)}`);
    }
    const server = cpuMs(serverPid) - c0;
    const db = dbCpu ? (await dbCpu()) - db0 : null;
    out[kind] = { n: ids.length, serverUs: (server * 1000) / ids.length, dbUs: db === null ? null : (db * 1000) / ids.length, p50: percentile(lat, 50), p99: percentile(lat, 99) };
  };
  await batch('poll', () => client.request('GET', `/api/v1/tickets/available?limit=${o.limit}`, a), 200);
  await batch('claim', (id) => client.request('PATCH', `/api/v1/tickets/${id}/claim`, a), 200);
  await batch('claim409', (id) => client.request('PATCH', `/api/v1/tickets/${id}/claim`, b), 409);
  await batch('move1', (id) => client.request('PATCH', `/api/v1/tickets/${id}`, a, { status: 'pr_review' }), 200);
  await batch('move2', (id) => client.request('PATCH', `/api/v1/tickets/${id}`, a, { status: 'done' }), 200);
  client.close();
  return out;
}

// The statements of background work (an INSERT INTO events names "dispatched_at" too: only its reads and its update
// mark the dispatcher): a unit touching the webhook outbox, the rate-limit counters, key usage or lease sweeps.
const BACKGROUND = /rate_limits|last_used_at|webhook_|"dispatched_at" is null|set "dispatched_at"|lease_expires_at" <|lease_expires_at < /i;

// ---------------------------------------------------------------------------------------------- checks

interface Verification {
  ok: boolean;
  lines: string[];
  doubleClaims: number;
  activityClaimed: number | null;
  activityDistinct: number | null;
}

/** After a run, on the database it ran on (the server stopped): every ticket done and claimed exactly once. */
async function verify(db: SqlClient, s: Seed, kind: ServerKind, sim: SimResult, agentIds: string[]): Promise<Verification> {
  const lines: string[] = [];
  let ok = true;
  const check = (cond: boolean, what: string) => {
    if (!cond) ok = false;
    lines.push(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
  };
  const [t] = await db.query(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'done')::int AS done,
       count(*) FILTER (WHERE claimed_by_agent_id IS NULL)::int AS unclaimed, min(version)::int AS vmin, max(version)::int AS vmax
     FROM tickets WHERE workspace_id = $1`,
    [s.workspaceId],
  );
  check(t.total === s.tickets && t.done === s.tickets, `tickets done: ${t.done} of ${t.total} (expected ${s.tickets})`);
  check(t.unclaimed === 0, `tickets without a holder: ${t.unclaimed}`);
  // created at version 1; the claim and the two moves add one each: a second successful claim would show as 5+.
  check(t.vmin === 4 && t.vmax === 4, `ticket versions all 4 (created 1 + claim + 2 moves): min ${t.vmin}, max ${t.vmax}`);
  const doubles = [...sim.winners.values()].filter((w) => w.length > 1).length;
  check(doubles === 0 && sim.winners.size === s.tickets, `HTTP: ${sim.winners.size} tickets won by a 200 claim, ${doubles} won more than once`);
  const holders = new Map((await db.query(`SELECT id, claimed_by_agent_id FROM tickets WHERE workspace_id = $1`, [s.workspaceId])).map((r) => [r.id, r.claimed_by_agent_id]));
  let mismatch = 0;
  for (const [id, w] of sim.winners) if (holders.get(id) !== agentIds[w[0]]) mismatch++;
  check(mismatch === 0, `claimed_by_agent_id = the agent that got the 200, for every ticket (${mismatch} differ)`);
  let activityClaimed: number | null = null;
  let activityDistinct: number | null = null;
  if (kind !== 'bare') {
    const [a] = await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT target_id)::int AS d FROM activity WHERE action = 'ticket.claimed' AND workspace_id = $1`,
      [s.workspaceId],
    );
    activityClaimed = a.n;
    activityDistinct = a.d;
    check(a.n === s.tickets && a.d === s.tickets, `activity: ${a.n} ticket.claimed rows, ${a.d} distinct tickets (expected ${s.tickets})`);
    const [mv] = await db.query(`SELECT count(*)::int AS n FROM activity WHERE action = 'ticket.moved' AND workspace_id = $1`, [s.workspaceId]);
    check(mv.n === 2 * s.tickets, `activity: ${mv.n} ticket.moved rows (expected ${2 * s.tickets})`);
  }
  check(sim.errors.length === 0, `unexpected answers during the run: ${sim.errors.length}${sim.errors.length ? ` (first: ${sim.errors[0]})` : ''}`);
  return { ok, lines, doubleClaims: doubles, activityClaimed, activityDistinct };
}

// ---------------------------------------------------------------------------------------------- one database

interface RunResult {
  server: ServerKind;
  round: number;
  sim: Omit<SimResult, 'winners'>;
  verification: Omit<Verification, 'lines'>;
  rssEnd: number;
  /** 1-minute load average of the machine at the end of the run (other work on the box shows here). */
  loadAvg: number;
}

interface DbResult {
  database: string;
  runs: RunResult[];
  steps: Partial<Record<ServerKind, StepCosts>>;
  statements?: Partial<
    Record<ServerKind, { perCycle: number; backgroundPerCycle: number; cycles: number; groups: [string, number][]; backgroundGroups: [string, number][] }>
  >;
}

/**
 * Start the built app and wait for its health check. Someone may be running `pnpm build` at the same time (the
 * Next.js build directory is missing for a while then): wait and try again, up to two minutes.
 */
async function startApp(o: Options, dataDir: string, databaseUrl: string | undefined, nodeArgs: string[] = []): Promise<Proc> {
  for (let attempt = 1; ; attempt++) {
    const p = start('app', SERVER, claimAppEnv(o, dataDir, databaseUrl), nodeArgs);
    try {
      await waitReady(p, `http://127.0.0.1:${o.appPort}/api/v1/health`);
      return p;
    } catch (err) {
      await stop(p);
      if (attempt >= 12 || !/production build|Cannot find module|ENOENT/.test((err as Error).message)) throw err;
      log(`  the app did not start (a build in progress?): retrying in 10 s`);
      await sleep(10_000);
    }
  }
}

/** A copy of the seeded database to run on, and how to reach it, open it directly and drop it. */
interface Copy {
  dataDir: string;
  databaseUrl?: string;
  dbName?: string;
  sql(): Promise<SqlClient>;
  drop(): Promise<void>;
}

async function runDatabase(o: Options, kind: DbKind, admin: PgClient | null): Promise<DbResult> {
  const work = mkdtempSync(path.join(os.tmpdir(), `mc-bench-claim-${kind}-`));
  const seedDir = path.join(work, 'seed');
  let seedDb: string | undefined;
  const created: string[] = [];
  let copies = 0;
  const makeCopy = async (): Promise<Copy> => {
    const n = ++copies;
    const dataDir = path.join(work, `run-${n}`);
    if (kind === 'embedded') {
      cpSync(seedDir, dataDir, { recursive: true });
      return {
        dataDir,
        sql: () => openSql({ dataDir: path.join(dataDir, 'db') }),
        drop: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    }
    mkdirSync(dataDir, { recursive: true });
    const dbName = `${seedDb}_r${n}`;
    await admin!.query(`CREATE DATABASE ${dbName} TEMPLATE ${seedDb}`);
    created.push(dbName);
    const databaseUrl = `${PG_URL}/${dbName}`;
    return {
      dataDir,
      databaseUrl,
      dbName,
      sql: () => openSql({ databaseUrl, poolSize: 2 }),
      drop: async () => {
        await admin!.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  };

  const startServer = async (server: ServerKind, copy: Copy, nodeArgs: string[] = []): Promise<Proc> => {
    if (server === 'app' || server === 'next') return startApp(o, copy.dataDir, copy.databaseUrl, nodeArgs);
    const env: Record<string, string> = {
      BARE_PORT: String(o.barePort),
      BARE_MODE: server === 'full' ? 'full' : 'min',
      BARE_POOL_SIZE: String(o.pool),
      ...(copy.databaseUrl ? { BARE_DATABASE_URL: copy.databaseUrl } : { BARE_DATA_DIR: path.join(copy.dataDir, 'db') }),
    };
    const p = start(server, THIS_FILE, env, ['--import', 'tsx', ...nodeArgs], ['--serve-bare']);
    await waitReady(p, `http://127.0.0.1:${o.barePort}/health`);
    return p;
  };
  const portOf = (server: ServerKind) => (server === 'app' || server === 'next' ? o.appPort : o.barePort);
  /**
   * CPU time (ms) of the PostgreSQL backends serving a copy, counted from the first call: each call adds what the
   * backends it sees used since it last saw them (a backend that closes in between loses its last slice); undefined
   * on the embedded database (the server process holds the database then).
   */
  const dbCpuOf = (copy: Copy) => {
    if (kind !== 'postgres') return undefined;
    const seen = new Map<number, number>();
    let total = 0;
    return async () => {
      const pids = (await admin!.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [copy.dbName])).rows.map((r) => r.pid as number);
      for (const pid of pids) {
        const now = cpuMsOr0(pid);
        const before = seen.get(pid);
        if (before !== undefined && now >= before) total += now - before;
        seen.set(pid, now);
      }
      return total;
    };
  };

  try {
    // 1. Seed once over the API on a fresh database; every run starts from a copy of it.
    let databaseUrl: string | undefined;
    if (kind === 'postgres') {
      seedDb = `mc_bench_claim_${process.pid}_${Date.now().toString(36)}`;
      await admin!.query(`CREATE DATABASE ${seedDb}`);
      created.push(seedDb);
      databaseUrl = `${PG_URL}/${seedDb}`;
    }
    log(`  seeding (first start of the app on an empty ${kind === 'embedded' ? 'data dir' : 'database'}) …`);
    const seeder = await startApp(o, seedDir, databaseUrl);
    const s = await seed(o, o.appPort);
    await stop(seeder);

    // 2. Measured runs, one server at a time, each on its own copy; the order alternates per round.
    const runs: RunResult[] = [];
    for (let round = 1; round <= o.rounds; round++) {
      const order = round % 2 === 1 ? o.servers : [...o.servers].reverse();
      for (const server of order) {
        const copy = await makeCopy();
        const prof = server === 'app' && o.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(o.profile, kind)}`] : [];
        const proc = await startServer(server, copy, prof);
        await sleep(1000);
        const dbCpu = dbCpuOf(copy);
        const sim = await simulate(o, portOf(server), s.agentKeys, { warmup: o.warmup, total: s.tickets, serverPid: proc.pid, dbCpu, mode: modeOf(server) }).catch((err) => {
          const exit = proc.child.exitCode ?? proc.child.signalCode;
          throw new Error(`${server} run failed: ${(err as Error).message}; server ${exit === null ? 'still running' : `exited (${exit})`}; its last output:\n${proc.output.join('').slice(-3000)}`);
        });
        const rssEnd = memory(proc.pid).rss;
        await stop(proc);
        const db = await copy.sql();
        let v: Verification;
        try {
          v = await verify(db, s, server, sim, s.agentIds);
        } finally {
          await db.close();
        }
        await copy.drop();
        const { winners: _w, ...simOut } = sim;
        const { lines, ...vOut } = v;
        runs.push({ server, round, sim: simOut, verification: vOut, rssEnd, loadAvg: os.loadavg()[0] });
        printRun(server, round, sim, rssEnd);
        for (const l of lines) log(`      ${l}`);
        if (!v.ok) log(`  !! verification FAILED for ${server} (round ${round})`);
      }
    }

    // 3. Cost of each step, one request at a time.
    const steps: DbResult['steps'] = {};
    if (o.stepRequests > 0) {
      // (the claim-next agents' one step is in the runs' figures; the steps here are those of poll-and-claim)
      for (const server of o.servers.filter((x) => x !== 'next')) {
        const copy = await makeCopy();
        const prof = o.profile && o.rounds === 0 && server === 'app' ? ['--cpu-prof', `--cpu-prof-dir=${path.join(o.profile, `${kind}-steps`)}`] : [];
        const proc = await startServer(server, copy, prof);
        await sleep(1000);
        try {
          steps[server] = await stepCosts(o, portOf(server), s, o.stepRequests, proc.pid, dbCpuOf(copy));
        } finally {
          await stop(proc);
          await copy.drop();
        }
        const st = steps[server]!;
        log(
          `    one request at a time, ${LABEL[server]}: ` +
            STEP_KINDS.map((k) => `${k} ${f(st[k].serverUs, 0)}${st[k].dbUs !== null ? `+${f(st[k].dbUs, 0)}` : ''} µs (${f(st[k].p50, 2)} ms)`).join(', ') +
            `   [server CPU${kind === 'postgres' ? ' + postgres CPU' : ''} per request (p50 latency)]`,
        );
      }
    }

    // 4. PostgreSQL: statements per cycle, counted from the server log (log_statement = all) with one agent.
    let statements: DbResult['statements'];
    if (kind === 'postgres' && o.countCycles > 0) {
      const version = String((await admin!.query('SHOW server_version_num')).rows[0].server_version_num).slice(0, 2);
      const logFile = findPgLog(version);
      if (!logFile) log('  PostgreSQL server log not readable (set BENCH_PG_LOG): statements per cycle not counted');
      else {
        statements = {};
        for (const server of o.servers) {
          const copy = await makeCopy();
          await admin!.query(`ALTER DATABASE ${copy.dbName} SET log_statement = 'all'`);
          const proc = await startServer(server, copy);
          await sleep(1500);
          const offset = statSync(logFile).size;
          const sim = await simulate(o, portOf(server), s.agentKeys.slice(0, 1), { warmup: 0, total: s.tickets, serverPid: proc.pid, stopAfter: o.countCycles, mode: modeOf(server) });
          await sleep(600); // batched flushes (rate-limit counters every 100 ms) and the server's own log writes
          const stmts = loggedStatements(readFrom(logFile, offset), copy.dbName!);
          await stop(proc);
          await copy.drop();
          const { request, background } = splitBackground(stmts, BACKGROUND);
          const cycles = sim.total;
          const group = (list: string[]) => {
            const g = new Map<string, number>();
            for (const st of list) g.set(st.slice(0, 120), (g.get(st.slice(0, 120)) ?? 0) + 1);
            return [...g].sort((a, b) => b[1] - a[1]);
          };
          statements[server] = {
            perCycle: request.length / cycles,
            backgroundPerCycle: background.length / cycles,
            cycles,
            groups: group(request),
            backgroundGroups: group(background),
          };
          log(
            `  statements, ${server}: ${f(request.length / cycles)} per cycle on the request path + ${f(background.length / cycles)} per cycle in background work ` +
              `(webhook outbox dispatch, rate-limit and key-usage flushes), over ${cycles} cycles`,
          );
          for (const [st, k] of statements[server]!.groups.slice(0, 16)) log(`    ${String(k).padStart(4)} × ${st}`);
          if (background.length) log('    background:');
          for (const [st, k] of statements[server]!.backgroundGroups.slice(0, 10)) log(`    ${String(k).padStart(4)} × ${st}`);
        }
      }
    }
    return { database: kind === 'embedded' ? 'embedded (PGlite)' : 'PostgreSQL', runs, steps, statements };
  } finally {
    if (process.env.BENCH_KEEP === '1') log(`  BENCH_KEEP=1: kept ${kind === 'postgres' ? `databases ${created.join(', ')} and ` : ''}${work}`);
    else {
      for (const db of created.reverse()) await admin?.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch((e) => log(`  could not drop ${db}: ${e.message}`));
      rmSync(work, { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------------- output

const f = (x: number | null | undefined, d = 1) => (x == null || Number.isNaN(x) ? '—' : x.toFixed(d));

function printRun(server: ServerKind, round: number, sim: SimResult, rss: number) {
  const l = sim.lat;
  log(
    `    round ${round} ${LABEL[server]}  ${f(sim.ticketsPerSecond, 0).padStart(5)} tickets/s  cycle p50 ${f(l.cycle.p50).padStart(6)} p99 ${f(l.cycle.p99).padStart(6)} ms` +
      `  | poll ${f(l.poll.p50)}/${f(l.poll.p99)}  claim ${f(l.claim.p50)}/${f(l.claim.p99)}  409 ${f(l.claimLost.p50)}/${f(l.claimLost.p99)}` +
      `  move ${f(l.move1.p50)}/${f(l.move1.p99)} ${f(l.move2.p50)}/${f(l.move2.p99)} ms (p50/p99)` +
      `  | CPU/ticket server ${f(sim.cpu.server, 2)} ms${sim.cpu.db !== null ? `, postgres ${f(sim.cpu.db, 2)} ms` : ''}, load generator ${f(sim.cpu.loadgen, 2)} ms` +
      `  | ${f(sim.requests / sim.total, 2)} requests/ticket, ${sim.conflicts} × 409, RSS ${f(rss, 0)} MB | load average ${os.loadavg()[0].toFixed(1)}`,
  );
}

function summary(o: Options, all: DbResult[]) {
  log('\n================ bench/claim: poll → claim → pr_review → done ================');
  log(
    `${new Date().toISOString()} · ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}) · Node ${process.version} · ${o.agents} agents · ` +
      `${o.tickets} measured tickets after ${o.warmup} warm-up · poll limit ${o.limit} · ${o.rounds} round(s), medians · load generator in this process`,
  );
  const built = statSync(SERVER).mtime.toISOString();
  log(`app build: ${path.relative(root, SERVER)} of ${BUILD_AT}${built !== BUILD_AT ? ` (rebuilt during the run, now of ${built}: later runs used that build)` : ''}`);
  for (const d of all) {
    log(`\n${d.database}`);
    const med: Partial<Record<ServerKind, { tps: number; cpu: number; reqs: number; lost: number }>> = {};
    for (const server of o.servers) {
      const rs = d.runs.filter((r) => r.server === server);
      if (!rs.length) continue;
      const m = (g: (r: RunResult) => number) => median(rs.map(g));
      const tps = m((r) => r.sim.ticketsPerSecond);
      const cpu = m((r) => r.sim.cpu.server + (r.sim.cpu.db ?? 0));
      const reqs = m((r) => r.sim.requests / r.sim.total);
      const lost = m((r) => r.sim.conflicts / r.sim.total);
      med[server] = { tps, cpu, reqs, lost };
      const allOk = rs.every((r) => r.verification.ok);
      const doubles = rs.reduce((a, r) => a + r.verification.doubleClaims, 0);
      log(
        `  ${LABEL[server]}  ${f(tps, 0).padStart(5)} tickets/s   cycle p50 ${f(m((r) => r.sim.lat.cycle.p50)).padStart(6)} ms  p99 ${f(m((r) => r.sim.lat.cycle.p99)).padStart(6)} ms` +
          `   per step p50/p99 ms: poll ${f(m((r) => r.sim.lat.poll.p50))}/${f(m((r) => r.sim.lat.poll.p99))}, claim ${f(m((r) => r.sim.lat.claim.p50))}/${f(m((r) => r.sim.lat.claim.p99))}, ` +
          `move ${f(m((r) => r.sim.lat.move1.p50))}/${f(m((r) => r.sim.lat.move1.p99))} and ${f(m((r) => r.sim.lat.move2.p50))}/${f(m((r) => r.sim.lat.move2.p99))}` +
          `   CPU/ticket: server ${f(m((r) => r.sim.cpu.server), 2)} ms${rs[0].sim.cpu.db !== null ? ` + postgres ${f(m((r) => r.sim.cpu.db ?? 0), 2)} ms` : ''}` +
          `   requests per done ticket ${f(reqs, 2)} (${f(lost, 2)} × 409)` +
          `   checks: ${allOk ? 'all passed' : 'FAILED'} (double claims: ${doubles})`,
      );
    }
    if (med.app && med.next) {
      log(
        `  claim-next (next) against poll-and-claim (app): ${f(med.next.reqs, 2)} against ${f(med.app.reqs, 2)} requests per done ticket, ` +
          `${f(med.next.tps, 0)} against ${f(med.app.tps, 0)} tickets/s (×${f(med.next.tps / med.app.tps, 2)}), CPU per ticket ×${f(med.next.cpu / med.app.cpu, 2)}`,
      );
    }
    if (med.app && med.bare) {
      const r = med.app.tps / med.bare.tps;
      log(`  ratio app/bare = ${f(r, 2)} (target ≥ 0.5: ${r >= 0.5 ? 'met' : 'NOT met'}); by CPU per ticket (server + postgres): ${f(med.bare.cpu / med.app.cpu, 2)}`);
    }
    if (med.app && med.full) log(`  ratio app/full = ${f(med.app.tps / med.full.tps, 2)}; by CPU per ticket: ${f(med.full.cpu / med.app.cpu, 2)}`);
    if (med.full && med.bare) log(`  ratio full/bare = ${f(med.full.tps / med.bare.tps, 2)} (what the bookkeeping costs when hand-written)`);
    for (const [server, st] of Object.entries(d.steps) as [ServerKind, StepCosts][]) {
      const cyc = st.poll.serverUs + st.claim.serverUs + st.move1.serverUs + st.move2.serverUs;
      const cycDb = st.poll.dbUs === null ? null : st.poll.dbUs + st.claim.dbUs! + st.move1.dbUs! + st.move2.dbUs!;
      log(
        `  one at a time, ${LABEL[server]}: CPU µs per request (server${cycDb !== null ? ' + postgres' : ''}): ` +
          STEP_KINDS.map((k) => `${k} ${f(st[k].serverUs, 0)}${st[k].dbUs !== null ? `+${f(st[k].dbUs, 0)}` : ''}`).join(', ') +
          `; a cycle without conflicts ${f(cyc, 0)}${cycDb !== null ? `+${f(cycDb, 0)}` : ''} µs; uncontended p50 ms: ` +
          STEP_KINDS.map((k) => `${k} ${f(st[k].p50, 2)}`).join(', '),
      );
    }
    if (d.statements) {
      for (const [server, st] of Object.entries(d.statements)) {
        log(`  SQL statements per cycle (${server}): ${f(st!.perCycle, 1)} on the request path (${server === 'next' ? 3 : 4} requests) + ${f(st!.backgroundPerCycle, 1)} in background work (one agent, ${st!.cycles} cycles)`);
      }
    }
  }
  log('');
}

// ---------------------------------------------------------------------------------------------- main

async function main() {
  const o = options();
  if (o.build) execFileSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });
  staleBuildWarning();
  log(`bench/claim: ${o.agents} agents, ${o.tickets} tickets (+ ${o.warmup} warm-up), servers ${o.servers.join(', ')}, ${o.rounds} round(s)`);
  const all: DbResult[] = [];
  const admin = !o.only || o.only === 'postgres' ? await pgAdmin() : null;
  try {
    if (!o.only || o.only === 'postgres') {
      if (admin) {
        log('\n== PostgreSQL ==');
        all.push(await runDatabase(o, 'postgres', admin));
      }
    }
    if (!o.only || o.only === 'embedded') {
      log('\n== embedded database (PGlite) ==');
      all.push(await runDatabase(o, 'embedded', null));
    }
  } finally {
    await admin?.end();
  }
  summary(o, all);
  if (o.json) writeFileSync(o.json, JSON.stringify({ date: new Date().toISOString(), options: o, results: all }, null, 2));
  const failed = all.some((d) => d.runs.some((r) => !r.verification.ok));
  if (failed) {
    log('verification FAILED (see above)');
    process.exitCode = 1;
  }
}

if (process.argv.includes('--serve-bare')) {
  serveBare().catch((err) => {
    console.error('[bare] failed to start:', err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

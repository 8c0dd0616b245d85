// The floor of every list of bench/every-list.ts: a bare Node `http` server that, for each list request, looks the
// key's SHA-256 up (agent keys or people's API keys: one indexed query), runs the same list statement as the app
// (written out by the bench, with its parameters, keyed by the request path) on the same driver and database, and
// writes the rows as a JSON envelope. No framework, no validation, no DTO mapping, no rate limit.
//
// Started by bench/every-list.ts as a child process. Environment:
//   BARE_PORT           port to listen on (127.0.0.1)
//   BARE_DATABASE_URL   PostgreSQL connection string (pg.Pool, named prepared statements), or
//   BARE_DATA_DIR       PGlite data directory (a copy: PGlite is single-process), BARE_PG_CONF its postgresql.conf lines
//   BARE_ROUTES         JSON file: { "agent|member <path with query>": { "sql": "...", "params": [...], "extra": [{ "sql", "params" }] } }
//                       (`extra`: the further statements the app's list runs for the page, e.g. the unread count, the
//                       workspace access check, the attempts of the page's deliveries; a parameter "$ids" is the page's ids)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { openDriver, send, serve } from './bare-lib.mjs';

const USER_AUTH = `SELECT u.id AS user_id FROM api_keys k JOIN users u ON u.id = k.user_id
  WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND u.disabled_at IS NULL LIMIT 1`;
const AGENT_AUTH = `SELECT a.id AS agent_id, a.workspace_id FROM agent_keys k JOIN agents a ON a.id = k.agent_id
  WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND a.status = 'active' LIMIT 1`;

async function main() {
  const routes = JSON.parse(readFileSync(process.env.BARE_ROUTES, 'utf8'));
  const names = new Map(Object.keys(routes).map((p, i) => [p, `bare_list_${i}`]));
  const db = await openDriver();
  const server = http.createServer(async (req, res) => {
    try {
      if (req.url === '/health') return send(res, 200, { success: true, data: { status: 'ok' } });
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      if (!m) return send(res, 401, { success: false, error: { code: 'UNAUTHENTICATED' } });
      const agent = m[1].startsWith('mc_agt_');
      const key = `${agent ? 'agent' : 'member'} ${req.url}`;
      const route = routes[key];
      if (!route) return send(res, 404, { success: false, error: { code: 'NOT_FOUND', message: 'no such list' } });
      const hash = createHash('sha256').update(m[1]).digest('hex');
      const [who] = await db.query(agent ? 'bare_agent_auth' : 'bare_user_auth', agent ? AGENT_AUTH : USER_AUTH, [hash]);
      if (!who) return send(res, 401, { success: false, error: { code: 'UNAUTHENTICATED' } });
      const rows = await db.query(names.get(key), route.sql, route.params);
      const extra = {};
      const ids = rows.slice(0, 20).map((r) => r.id);
      for (const [i, e] of (route.extra ?? []).entries()) {
        // "$ids": the ids of the page's rows (the attempts of these deliveries, the mentions of these comments).
        const params = e.params.map((p) => (p === '$ids' ? ids : p));
        extra[`extra${i}`] = await db.query(`${names.get(key)}_x${i}`, e.sql, params);
      }
      const page = rows.slice(0, 20);
      send(res, 200, { success: true, data: page, meta: { limit: 20, nextCursor: rows.length > 20 ? 'more' : null, ...extra } });
    } catch (err) {
      console.error('[bare]', err);
      send(res, 500, { success: false, error: { code: 'INTERNAL', message: String(err) } });
    }
  });
  serve(server, db, Number(process.env.BARE_PORT ?? 3561), '[bare] listening');
}

main().catch((err) => {
  console.error('[bare] failed to start:', err);
  process.exit(1);
});

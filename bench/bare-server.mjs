// The floor of `GET /api/v1/workspaces`: a bare Node `http` server that does the same work by hand with the same
// driver and the same database as the app — look the key's SHA-256 up in api_keys joined to users (one indexed
// query), list the caller's workspaces (same join, filter, ordering and page size, with the role, the default
// marker and `count(*) over ()`), and write the same JSON envelope. No framework, no validation, no rate limit.
//
// Started by bench/api-read.ts as a child process. Environment:
//   BARE_PORT            port to listen on (127.0.0.1)
//   BARE_DATABASE_URL    PostgreSQL connection string (pg.Pool, named prepared statements), or
//   BARE_DATA_DIR        PGlite data directory (must not be open in another process)
//   BARE_PG_CONF         JSON array of postgresql.conf lines for PGlite (the app's EMBEDDED_POSTGRES_CONF)
//   BARE_POOL_SIZE       pg pool size (default 10, like the app)
//   BARE_DTO_EXTRAS      JSON {"<role>|<archived>": {...}}: the fields of a workspace that depend only on the caller's role
//                        and the archived flag (permissions, grantable roles), computed once by the bench from the
//                        app's own rules — a hand-written server would keep such a table too
import { createHash } from 'node:crypto';
import http from 'node:http';
import { openDriver, send, serve } from './bare-lib.mjs';

const AUTH_SQL = `SELECT k.id AS key_id, k.expires_at, u.id AS user_id, u.is_instance_admin
  FROM api_keys k JOIN users u ON u.id = k.user_id
  WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND u.disabled_at IS NULL
  LIMIT 1`;

const listSql = (admin) => `SELECT w.id, w.slug, w.name, w.mission, w.emoji, w.color, w.monthly_token_limit,
    w.monthly_cost_limit_usd, w.hard_stop, w.default_repository, w.archived_at, w.created_at, w.updated_at, w.version, m.role,
    (SELECT s.value #>> '{}' FROM settings s WHERE s.key = 'default_workspace_id') AS default_id,
    count(*) OVER () AS total
  FROM workspaces w ${admin ? 'LEFT' : 'INNER'} JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1
  WHERE w.archived_at IS NULL${admin ? '' : ' AND m.role IS NOT NULL'}
  ORDER BY w.created_at DESC, w.id DESC
  LIMIT 51 OFFSET 0`;

const LIMIT = 50;

const extras = JSON.parse(process.env.BARE_DTO_EXTRAS ?? '{}');
const iso = (d) => (d == null ? null : d instanceof Date ? d.toISOString() : new Date(d).toISOString());

function dto(r) {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    mission: r.mission,
    emoji: r.emoji,
    color: r.color,
    budget: {
      monthlyTokenLimit: r.monthly_token_limit === null ? null : Number(r.monthly_token_limit),
      monthlyCostLimitUsd: r.monthly_cost_limit_usd === null ? null : Number(r.monthly_cost_limit_usd),
      hardStop: r.hard_stop,
    },
    defaultRepository: r.default_repository,
    archived: r.archived_at !== null,
    archivedAt: iso(r.archived_at),
    isDefault: r.id === r.default_id,
    role: r.role,
    ...extras[`${r.role}|${r.archived_at !== null}`],
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    version: r.version,
  };
}

const unauthenticated = (res) => send(res, 401, { success: false, error: { code: 'UNAUTHENTICATED', message: 'invalid API key' } });

async function main() {
  const db = await openDriver();
  const server = http.createServer(async (req, res) => {
    try {
      if (req.url === '/health') return send(res, 200, { success: true, data: { status: 'ok' } });
      if (req.method !== 'GET' || req.url.split('?')[0] !== '/api/v1/workspaces') {
        return send(res, 404, { success: false, error: { code: 'NOT_FOUND', message: 'no such endpoint' } });
      }
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      if (!m) return unauthenticated(res);
      const hash = createHash('sha256').update(m[1]).digest('hex');
      const [who] = await db.query('bare_auth', AUTH_SQL, [hash]);
      if (!who || (who.expires_at && new Date(who.expires_at) <= new Date())) return unauthenticated(res);
      const admin = who.is_instance_admin === true;
      const rows = await db.query(admin ? 'bare_list_admin' : 'bare_list', listSql(admin), [who.user_id]);
      const page = rows.slice(0, LIMIT);
      const total = rows.length ? Number(rows[0].total) : 0;
      // The app's page has a cursor only when there are more rows than the limit (never here: 20 rows).
      send(res, 200, { success: true, data: page.map(dto), meta: { limit: LIMIT, offset: 0, nextCursor: rows.length > LIMIT ? 'more' : null, total } });
    } catch (err) {
      console.error('[bare]', err);
      send(res, 500, { success: false, error: { code: 'INTERNAL', message: String(err) } });
    }
  });
  const port = Number(process.env.BARE_PORT ?? 3402);
  serve(server, db, port, `[bare] listening on http://127.0.0.1:${port}`);
}

main().catch((err) => {
  console.error('[bare] failed to start:', err);
  process.exit(1);
});

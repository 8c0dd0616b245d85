// Child of bench/pglite-memory.ts (plain JavaScript, so that no TypeScript loader inflates the figures): opens one
// PGlite data dir with the given postgresql.conf lines, then runs the two statements of an authenticated list request.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const appRequire = createRequire(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../apps/web/package.json'));
const AUTH = `SELECT k.id AS key_id, k.expires_at, u.id AS user_id, u.is_instance_admin FROM api_keys k JOIN users u ON u.id = k.user_id
  WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND u.disabled_at IS NULL LIMIT 1`;
const LIST = `SELECT w.*, m.role, (SELECT s.value #>> '{}' FROM settings s WHERE s.key = 'default_workspace_id') AS default_id,
  count(*) OVER () AS total FROM workspaces w INNER JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1
  WHERE w.archived_at IS NULL AND m.role IS NOT NULL ORDER BY w.created_at DESC, w.id DESC LIMIT 51 OFFSET 0`;

function status() {
  const s = readFileSync('/proc/self/status', 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

const { PGlite } = await import(pathToFileURL(appRequire.resolve('@electric-sql/pglite')).href.replace(/index\.cjs$/, 'index.js'));
const conf = JSON.parse(process.env.PGM_CONF ?? 'null');
const base = status().rss;
const t0 = performance.now();
const { btree_gin } = await import(pathToFileURL(appRequire.resolve('@electric-sql/pglite/contrib/btree_gin')).href.replace(/\.cjs$/, '.js'));
const db = await PGlite.create({ dataDir: process.env.PGM_DIR, extensions: { btree_gin }, ...(conf ? { postgresqlconf: conf } : {}) });
const openMs = performance.now() - t0;
await new Promise((r) => setTimeout(r, 1000));
const idle = status().rss;
const n = Number(process.env.PGM_ITERATIONS ?? 3000);
const c0 = process.cpuUsage();
const w0 = performance.now();
for (let i = 0; i < n; i++) {
  const who = (await db.query(AUTH, [process.env.PGM_HASH])).rows[0];
  const rows = (await db.query(LIST, [who.user_id])).rows;
  if (rows.length !== 20) throw new Error(`expected 20 rows, got ${rows.length}`);
}
const c = process.cpuUsage(c0);
const wallMs = performance.now() - w0;
const loaded = status();
await db.close();
console.log(JSON.stringify({ base, openMs, idle, loaded: loaded.rss, hwm: loaded.hwm, cpuUs: (c.user + c.system) / n, perSec: (n * 1000) / wallMs }));

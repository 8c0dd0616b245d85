// What the bare servers of the benches (bench/bare-server.mjs, bench/bare-lists.mjs) share: the database driver
// the app uses (pg.Pool with named prepared statements, or PGlite on a data directory), the JSON envelope writer,
// and listening until SIGTERM. Plain JavaScript, no build: the benches start these files directly with node.
//   BARE_DATABASE_URL   PostgreSQL connection string, or BARE_DATA_DIR a PGlite data directory (not open elsewhere)
//   BARE_PG_CONF        JSON array of postgresql.conf lines for PGlite (the app's EMBEDDED_POSTGRES_CONF)
//   BARE_POOL_SIZE      pg pool size (default 10, like the app)
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repo root has no database drivers of its own: load the very copies the app uses (apps/web/node_modules). */
const appRequire = createRequire(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../apps/web/package.json'));

/** @returns {Promise<{ query(name: string, text: string, params: unknown[]): Promise<any[]>, close(): Promise<void> }>} */
export async function openDriver() {
  if (process.env.BARE_DATABASE_URL) {
    const pg = appRequire('pg');
    const pool = new pg.Pool({ connectionString: process.env.BARE_DATABASE_URL, max: Number(process.env.BARE_POOL_SIZE ?? 10) });
    // 57P01: the scratch database is dropped at the end of a run.
    pool.on('error', (err) => err.code !== '57P01' && console.error('[bare] idle client error:', err.message));
    return {
      async query(name, text, values) {
        return (await pool.query({ name, text, values })).rows;
      },
      close: () => pool.end(),
    };
  }
  const { PGlite } = await import(pathToFileURL(appRequire.resolve('@electric-sql/pglite')).href.replace(/index\.cjs$/, 'index.js'));
  const conf = process.env.BARE_PG_CONF ? JSON.parse(process.env.BARE_PG_CONF) : undefined;
  // The app's migrations create btree_gin: a PGlite opening its data directory must load it.
  const { btree_gin } = await import(pathToFileURL(appRequire.resolve('@electric-sql/pglite/contrib/btree_gin')).href.replace(/\.cjs$/, '.js'));
  const client = await PGlite.create({ dataDir: process.env.BARE_DATA_DIR, extensions: { btree_gin }, ...(conf ? { postgresqlconf: conf } : {}) });
  return {
    async query(_name, text, values) {
      return (await client.query(text, values)).rows;
    },
    close: () => client.close(),
  };
}

/** Write `body` as JSON with its length and a request id, as the app does. */
export function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    'x-request-id': randomUUID(),
  });
  res.end(json);
}

/** Listen on 127.0.0.1:`port` with the app's keep-alive, say `ready` once listening, and close everything on SIGTERM/SIGINT. */
export function serve(server, db, port, ready) {
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1', () => console.log(ready));
  const stop = async () => {
    server.close();
    server.closeAllConnections?.();
    await db.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

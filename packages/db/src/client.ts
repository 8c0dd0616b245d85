// Opens the one database of a process: embedded PGlite in a data directory (the default, so one command runs
// everything), or a PostgreSQL server when a connection string is given. Both speak the same SQL and run the
// same committed migrations.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema';

export type Schema = typeof schema;
/** A Drizzle handle; a transaction is one too, so use cases take `Db` and work inside or outside a transaction. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  kind: DatabaseKind;
  /** LISTEN on a channel; returns an unsubscribe function. Works across processes on PostgreSQL. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * PostgreSQL settings for the embedded database. PGlite's defaults size buffers for a server; these keep the
 * resident memory of a reopened data directory near 200 MB instead of ~365 MB (measured, see docs/ARCHITECTURE.md).
 */
export const EMBEDDED_POSTGRES_CONF = ['shared_buffers = 16MB', 'work_mem = 2MB', 'maintenance_work_mem = 16MB'];

/**
 * Extensions the migrations create, loaded into every embedded database (a PGlite extension must be named when the
 * database opens). btree_gin: the workspace and the words of `?q=` in one GIN index (migration 0011).
 */
export const EMBEDDED_EXTENSIONS = { btree_gin };

/** Folder of committed SQL migrations, found beside the sources or beside a bundled server. */
export function migrationsFolder(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../drizzle'), path.resolve(here, './drizzle')];
  const found = candidates.find((p) => existsSync(path.join(p, 'meta', '_journal.json')));
  if (!found) throw new Error(`migrations folder not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function isFreshDataDir(dataDir: string): boolean {
  return !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}

export interface OpenOptions {
  /** PostgreSQL connection string; when absent the embedded database in `dataDir` is used. */
  databaseUrl?: string;
  /** Folder of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  /** A dump made by `dumpDataDir()`, loaded instead of running initdb (test fixtures). */
  loadDataDir?: Blob;
  /** Connections in the PostgreSQL pool (default 10). */
  poolSize?: number;
  /** Apply pending migrations after opening (default true). */
  migrate?: boolean;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const database = opts.databaseUrl ? await openPostgres(opts.databaseUrl, opts.poolSize ?? 10) : await openEmbedded(opts);
  if (opts.migrate !== false) await runMigrations(database);
  return database;
}

async function openEmbedded(opts: OpenOptions): Promise<Database> {
  const dataDir = opts.dataDir ?? './data/db';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({
    dataDir: dataDir.startsWith('memory://') ? undefined : dataDir,
    loadDataDir: opts.loadDataDir,
    postgresqlconf: EMBEDDED_POSTGRES_CONF,
    extensions: EMBEDDED_EXTENSIONS,
  });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    async listen(channel, onPayload) {
      const unsub = await client.listen(channel, onPayload);
      return async () => unsub();
    },
    async close() {
      if (!client.closed) await client.close();
    },
    // Exposed for test fixtures that dump a migrated database as a template.
    ...({ pglite: client } as object),
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', (err) => console.error('[db] idle client error:', err.message));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const listeners = new Map<string, Set<(p: string) => void>>();
  let listenClient: pg.PoolClient | undefined;
  async function ensureListenClient() {
    if (listenClient) return listenClient;
    listenClient = await pool.connect();
    listenClient.on('notification', (msg) => {
      for (const fn of listeners.get(msg.channel) ?? []) fn(msg.payload ?? '');
    });
    return listenClient;
  }
  return {
    db,
    kind: 'postgres',
    async listen(channel, onPayload) {
      const c = await ensureListenClient();
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
      set.add(onPayload);
      return async () => {
        set!.delete(onPayload);
      };
    },
    async close() {
      listenClient?.release();
      listenClient = undefined;
      await pool.end();
    },
  };
}

/** Arbitrary constant that serialises concurrent migrators (several processes starting at once). */
const MIGRATION_LOCK_ID = 4_242_001;

export async function runMigrations(database: Database): Promise<void> {
  const migrationsFolderPath = migrationsFolder();
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder: migrationsFolderPath });
    return;
  }
  // Hold an advisory lock on one connection while migrating so that two processes never race.
  const pool = (database.db as unknown as { $client: pg.Pool }).$client;
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await migratePg(drizzlePg(client, { schema }), { migrationsFolder: migrationsFolderPath });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
    client.release();
  }
}

/** Rows of a raw statement, on either driver. */
export async function rows<T = Record<string, unknown>>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

/**
 * Rows of one hand-written statement with `$1…$n` parameters, for the few hot paths where Drizzle's query builder
 * costs more than the query (claim, move, poll: see bench/README.md). On PostgreSQL the statement is prepared under
 * `name` on each pooled connection, so it is parsed and planned once instead of on every call. PGlite has no API
 * for named statements (Drizzle's `.prepare()` does not make one either), so there it is `PREPARE`d once per
 * database and run with `EXECUTE` (see `pgliteExecute`). A transaction handle (no `$client`) goes through Drizzle's `execute`, so the statement joins that
 * transaction. Rows keep the SQL's column names (snake_case); timestamps may come back as a `Date` or, through
 * Drizzle, as PostgreSQL's text form, so read them with `driverDate()`.
 */
export async function queryRaw<T = Record<string, unknown>>(db: Db, name: string, text: string, values: unknown[]): Promise<T[]> {
  const client = (db as unknown as { $client?: unknown }).$client;
  // Duck-typed rather than instanceof: a bundle may carry its own copy of either driver's classes.
  if (isPgPool(client)) return (await client.query({ name, text, values })).rows as T[];
  if (isPglite(client)) return pgliteExecute<T>(client, name, text, values);
  // A transaction: rebuild the text as Drizzle chunks so that the values stay parameters.
  const parts = text.split(/\$(\d+)/);
  const chunks = parts.map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql`${values[Number(part) - 1]}`));
  return rows<T>(db, sql.join(chunks));
}

/** Per database: statement name → its PREPARE (a promise, so that concurrent first calls prepare it once). */
const pglitePrepared = new WeakMap<PGlite, Map<string, Promise<unknown>>>();

/**
 * PGlite parses and plans every `query()` again: for the claim's data-modifying CTE that is most of its cost (about
 * 2 ms of 2.5, measured). So the statement is `PREPARE`d once per database and run as `EXECUTE name(…)`. EXECUTE
 * takes no bind parameters, so the values go in as literals: strings quoted by doubling `'` (safe because
 * `standard_conforming_strings` is on, checked before the first PREPARE; NUL never reaches here, the API refuses
 * it), numbers and booleans as themselves, null as NULL. PostgreSQL coerces each to the parameter's type.
 */
async function pgliteExecute<T>(client: PGlite, name: string, text: string, values: unknown[]): Promise<T[]> {
  let prepared = pglitePrepared.get(client);
  if (!prepared) pglitePrepared.set(client, (prepared = new Map()));
  let ready = prepared.get(name);
  if (!ready) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`statement name ${name}: lower-case letters, digits and _ only`);
    ready = (async () => {
      const [{ standard_conforming_strings: scs }] = (await client.query<{ standard_conforming_strings: string }>('SHOW standard_conforming_strings')).rows;
      if (scs !== 'on') throw new Error('queryRaw needs standard_conforming_strings = on');
      await client.exec(`PREPARE ${name} AS ${text}`);
    })();
    prepared.set(name, ready);
    // A failed PREPARE is tried again by the next call rather than remembered.
    ready.catch(() => prepared!.delete(name));
  }
  await ready;
  const args = values.map(sqlLiteral).join(', ');
  return (await client.query<T>(values.length ? `EXECUTE ${name}(${args})` : `EXECUTE ${name}`)).rows;
}

function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  const s = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : null;
  if (s === null) throw new Error(`queryRaw: unsupported parameter type ${typeof v}`);
  return `'${s.replaceAll("'", "''")}'`;
}

function isPgPool(c: unknown): c is pg.Pool {
  return !!c && typeof c === 'object' && 'totalCount' in c && typeof (c as pg.Pool).query === 'function';
}
function isPglite(c: unknown): c is PGlite {
  return !!c && typeof c === 'object' && typeof (c as PGlite).dumpDataDir === 'function' && typeof (c as PGlite).query === 'function';
}

/** A timestamp column of a `queryRaw` row (a Date from the drivers, a string through Drizzle) as a Date. */
export function driverDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v));
}

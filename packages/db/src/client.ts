// Opens the one database of a process: embedded PGlite in a data directory (the default, so one command runs
// everything), or a PostgreSQL server when a connection string is given. Both speak the same SQL and run the
// same committed migrations.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { namingClient, StatementNames } from './named-statements';
import { OutageLog } from './outage-log';
import * as schema from './schema';

export type Schema = typeof schema;
/** A Drizzle handle; a transaction is one too, so use cases take `Db` and work inside or outside a transaction. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseKind = 'pglite' | 'postgres';

/**
 * The LISTEN connection: `up`, or `reconnecting` after it was lost (notifications are not arriving; see
 * `onListenReconnect`). The embedded database is in the process and always `up`.
 */
export type ListenState = 'idle' | 'connecting' | 'up' | 'reconnecting';

export interface Database {
  db: Db;
  kind: DatabaseKind;
  /**
   * LISTEN on a channel; returns an unsubscribe function. Works across processes on PostgreSQL, where a lost
   * connection is re-established (with backoff) and every channel listened to again.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Called each time the LISTEN connection is back after a loss. Notifications sent while it was away are lost, so
   * whoever waits for one must look again. Returns an unsubscribe function.
   */
  onListenReconnect(fn: () => void): () => void;
  listenState(): ListenState;
  /**
   * A lease on `key` (a signed 64-bit integer, e.g. from a gateway id) that this process holds until it releases it
   * or its connection is lost: on PostgreSQL a session advisory lock (pg_try_advisory_lock) held on one dedicated
   * connection per process (outside the pool, like LISTEN's), so whoever holds it keeps it while it lives and another
   * process gets it when it dies. null: another process holds it. `onLost` runs once if the lock connection is lost
   * (the lease is gone; stop what it guarded). The embedded database belongs to one process: always granted.
   */
  tryLease(key: bigint, onLost: () => void): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
}

/**
 * PostgreSQL settings for the embedded database. PGlite's defaults size buffers for a server; these keep the
 * resident memory of a reopened data directory near 200 MB instead of ~365 MB (measured, see docs/ARCHITECTURE.md).
 */
export const EMBEDDED_POSTGRES_CONF = ['shared_buffers = 16MB', 'work_mem = 2MB', 'maintenance_work_mem = 16MB'];

/**
 * V8 flags set before the embedded database's WebAssembly is compiled: keep it on V8's baseline compiler (Liftoff)
 * instead of recompiling hot functions with the optimising one (TurboFan). They change how WebAssembly is compiled
 * and nothing else (JavaScript is not touched). Measured on this app (bench/README.md, "Memory"): about 35–60 MB less
 * resident memory when idle and after load, no peak of several hundred MB while TurboFan compiles PostgreSQL's
 * largest functions, the database opens sooner, and a query costs no more CPU (the optimised code was rarely worth
 * its compilation here). `--liftoff-only` alone is enough on Node 20 and 22; Node 24's V8 does not derive the other
 * two from it when it is set at run time, so all three are named.
 */
export const EMBEDDED_WASM_FLAGS = ['--liftoff-only', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering'] as const;

let wasmFlagsSet = false;
/**
 * Apply `EMBEDDED_WASM_FLAGS` to this process (once; idempotent). Called by `openEmbedded` before PGlite compiles its
 * module; a PostgreSQL server needs no WebAssembly, so it is not called there. Compilations made before the call
 * keep their tiering, which is why it runs before the first `PGlite.create` of the process.
 */
export function useBaselineWasmCompiler(): void {
  if (wasmFlagsSet) return;
  wasmFlagsSet = true;
  v8.setFlagsFromString(EMBEDDED_WASM_FLAGS.join(' '));
}

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
  checkDataDir(dataDir);
  return !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}

/**
 * The embedded database's folder cannot be used (not a folder, unreadable, not writable, full, or the database in
 * it does not open). Its message says which folder and why, for a one-line start-up failure.
 */
export class DataDirError extends Error {
  constructor(
    readonly dataDir: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the embedded database folder ${dataDir} cannot be used: ${reason}`, options);
    this.name = 'DataDirError';
  }
}

const FS_REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full (no space left on device)',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a file is in the way of a folder on its path',
  EEXIST: 'a file is in the way of a folder on its path',
  EIO: 'an input/output error (a failing disk?)',
};

function fsReason(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && FS_REASONS[code] ? `${FS_REASONS[code]} (${code})` : String((err as Error)?.message ?? err);
}

/** PGlite's file system errors carry WASI errno numbers: the ones a data folder can cause, as Node names them. */
const WASI_ERRNO: Record<number, string> = { 2: 'EACCES', 19: 'EDQUOT', 29: 'EIO', 51: 'ENOSPC', 54: 'ENOTDIR', 63: 'EPERM', 69: 'EROFS' };

/** Name of the file `checkDataDir` writes and removes to prove the folder takes writes. */
const WRITE_PROBE = '.mc-write-check';

/**
 * Make sure the embedded database's folder exists (creating it), is a folder, can be listed and takes a write of a
 * few kilobytes; throws a `DataDirError` saying why not. PGlite itself reports these as bare errno numbers or as
 * "failed to initialize", which tells an operator nothing.
 */
export function checkDataDir(dataDir: string): void {
  if (dataDir.startsWith('memory://')) return;
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) throw new DataDirError(dataDir, 'it is a file, not a folder');
  try {
    mkdirSync(dataDir, { recursive: true });
    readdirSync(dataDir);
  } catch (err) {
    throw new DataDirError(dataDir, fsReason(err), { cause: err });
  }
  const probe = path.join(dataDir, WRITE_PROBE);
  try {
    writeFileSync(probe, Buffer.alloc(64 * 1024));
  } catch (err) {
    throw new DataDirError(dataDir, `it does not take writes: ${fsReason(err)}`, { cause: err });
  } finally {
    rmSync(probe, { force: true });
  }
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
  /**
   * PostgreSQL: how long a query waits for a connection before failing while the server is unreachable (default
   * 5 s), so that requests answer 503 quickly instead of hanging until the server is back.
   */
  connectTimeoutMs?: number;
  /** Apply pending migrations after opening (default true). */
  migrate?: boolean;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const database = opts.databaseUrl ? await openPostgres(opts.databaseUrl, opts) : await openEmbedded(opts);
  if (opts.migrate !== false) await runMigrations(database);
  return database;
}

async function openEmbedded(opts: OpenOptions): Promise<Database> {
  const dataDir = opts.dataDir ?? './data/db';
  checkDataDir(dataDir);
  useBaselineWasmCompiler();
  let client: PGlite;
  try {
    client = await PGlite.create({
      dataDir: dataDir.startsWith('memory://') ? undefined : dataDir,
      loadDataDir: opts.loadDataDir,
      postgresqlconf: EMBEDDED_POSTGRES_CONF,
      extensions: EMBEDDED_EXTENSIONS,
    });
  } catch (err) {
    if (dataDir.startsWith('memory://')) throw err;
    // PGlite's file system errors carry an Emscripten errno and no message; the probe above caught the common
    // causes, so what remains is a folder that fills up while the database opens or holds something else.
    const errno = (err as { errno?: unknown })?.errno;
    const code = typeof errno === 'number' ? WASI_ERRNO[errno] : undefined;
    const reason = code
      ? fsReason({ code })
      : `${(err as Error)?.message || `errno ${String(errno)}`}; is the disk full, or does the folder hold something other than a Mission Control database?`;
    throw new DataDirError(dataDir, `the database in it does not open: ${reason}`, { cause: err });
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    async listen(channel, onPayload) {
      const unsub = await client.listen(channel, onPayload);
      return async () => unsub();
    },
    // The embedded database lives in this process: its notifications cannot be lost in transit.
    onListenReconnect: () => () => {},
    listenState: () => 'up',
    // One process owns the embedded database, so it owns every lease.
    tryLease: async () => async () => {},
    async close() {
      if (!client.closed) await client.close();
    },
    // Exposed for test fixtures that dump a migrated database as a template.
    ...({ pglite: client } as object),
  };
}

async function openPostgres(url: string, opts: OpenOptions): Promise<Database> {
  const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    // While the server is down, a request waits at most this long for a connection and then fails (503), instead
    // of queueing until the server comes back.
    connectionTimeoutMillis: connectTimeoutMs,
    // A server that vanished without closing its sockets (a dead host, a cut network) is found by TCP keepalive.
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
    // Drizzle's statements run prepared under a name of their text: parsed once per connection (named-statements.ts).
    Client: namingClient(new StatementNames()),
  });
  // A pooled client whose socket fails emits 'error': while idle the pool listens (and replaces it), but while
  // checked out nobody does, and node-postgres emits it even when the failure also rejects the running query, so
  // a server restart under load would crash the process with uncaught exceptions. Every client gets a listener
  // for its whole life; the query's own rejection is what the request sees (503). One log line per outage.
  const connectionErrors = new OutageLog('[db] pooled connection');
  pool.on('error', (err) => connectionErrors.failed(err));
  pool.on('connect', (client) => {
    client.on('error', (err) => connectionErrors.failed(err));
    connectionErrors.ok();
  });
  releaseDeadClients(pool);
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const live = new ListenConnection(url, connectTimeoutMs);
  const leases = new LeaseConnection(url, connectTimeoutMs);
  return {
    db,
    kind: 'postgres',
    listen: (channel, onPayload) => live.listen(channel, onPayload),
    onListenReconnect: (fn) => live.onReconnect(fn),
    listenState: () => live.state,
    tryLease: (key, onLost) => leases.tryLease(key, onLost),
    async close() {
      await leases.close();
      await live.close();
      await pool.end();
    },
  };
}

/**
 * A client checked out with `pool.connect()` (Drizzle's transactions) whose connection dies is handed back to the pool
 * as broken at once, and a later `release()` of it is a no-op. Drizzle sends `begin` before its try/finally, so a
 * `begin` that fails on a dead connection never releases its client: without this, every outage that hits a
 * transaction start would leak a pooled connection for good, until the pool is empty and `pool.end()` hangs.
 * (`pool.query()` checks out with a callback and releases on error itself: left alone.)
 */
function releaseDeadClients(pool: pg.Pool) {
  const connect = pool.connect.bind(pool) as (cb?: unknown) => unknown;
  (pool as { connect: unknown }).connect = (cb?: unknown) => {
    if (cb) return connect(cb);
    return (connect() as Promise<pg.PoolClient>).then((client) => {
      const release = client.release;
      let released = false;
      const onError = (err: Error) => client.release(err);
      client.release = ((err?: Error | boolean) => {
        if (released) return;
        released = true;
        client.removeListener('error', onError);
        release(err);
      }) as typeof client.release;
      client.once('error', onError);
      return client;
    });
  };
}

/** Default of `OpenOptions.connectTimeoutMs`. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const KEEPALIVE_INITIAL_DELAY_MS = 10_000;
/** Reconnect delays of the LISTEN connection: doubling from the first to the cap, with jitter. */
const LISTEN_RETRY_FIRST_MS = 250;
const LISTEN_RETRY_MAX_MS = 5_000;
/**
 * A LISTEN connection only receives, so a half-open socket would go unnoticed until keepalive gives up (minutes):
 * it is asked a trivial query this often, and counts as lost when that fails or takes longer than the connect timeout.
 */
const LISTEN_HEARTBEAT_MS = 15_000;

/**
 * The one connection of a process that LISTENs (outside the pool, so it never takes a pooled slot). When it is lost
 * (server restart, network cut) it reconnects with backoff, LISTENs again on every channel and calls the
 * reconnect hooks: notifications sent while it was away are lost, so subscribers re-read what they wait for.
 */
class ListenConnection {
  private client: pg.Client | undefined;
  private readonly channels = new Map<string, Set<(payload: string) => void>>();
  private readonly reconnectHooks = new Set<() => void>();
  private connecting: Promise<pg.Client> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private attempts = 0;
  private closed = false;
  private readonly log = new OutageLog('[db] live connection (LISTEN)');
  state: ListenState = 'idle';

  constructor(
    private readonly url: string,
    private readonly connectTimeoutMs: number,
  ) {}

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.channels.get(channel);
    const isNew = !set;
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(onPayload);
    try {
      // The first subscription connects, and fails loudly when it cannot (the caller is starting up).
      const client = this.client ?? (await this.connect());
      if (isNew && client === this.client) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      set.delete(onPayload);
      if (set.size === 0) this.channels.delete(channel);
      throw err;
    }
    return async () => {
      set.delete(onPayload);
    };
  }

  onReconnect(fn: () => void): () => void {
    this.reconnectHooks.add(fn);
    return () => this.reconnectHooks.delete(fn);
  }

  /**
   * Open a connection and LISTEN on every channel known so far; concurrent callers share one attempt. Coming back
   * from a loss, the reconnect hooks run once the channels are listened to again.
   */
  private connect(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const comingBack = this.state === 'reconnecting';
      if (!comingBack) this.state = 'connecting';
      const client = new pg.Client({
        connectionString: this.url,
        connectionTimeoutMillis: this.connectTimeoutMs,
        keepAlive: true,
        keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
      });
      // Before connecting: an 'error' event without a listener would crash the process.
      client.on('error', (err) => this.lost(client, err));
      client.on('end', () => this.lost(client, new Error('Connection terminated')));
      client.on('notification', (msg) => {
        for (const fn of this.channels.get(msg.channel) ?? []) fn(msg.payload ?? '');
      });
      try {
        await client.connect();
        for (const channel of this.channels.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        if (this.closed) throw new Error('the database was closed');
      } catch (err) {
        client.removeAllListeners('end');
        await client.end().catch(() => {});
        throw err;
      }
      this.client = client;
      this.state = 'up';
      this.attempts = 0;
      this.startHeartbeat(client);
      if (comingBack) {
        this.log.ok('listening again; every waiter is woken once');
        for (const fn of this.reconnectHooks) {
          try {
            fn();
          } catch (err) {
            console.error('[db] reconnect hook failed:', (err as Error).message);
          }
        }
      }
      return client;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private startHeartbeat(client: pg.Client) {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (client !== this.client) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('Query read timeout')), this.connectTimeoutMs);
      });
      Promise.race([client.query('SELECT 1'), timeout])
        .catch((err) => this.lost(client, err))
        .finally(() => clearTimeout(timer));
    }, LISTEN_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private lost(client: pg.Client, err: Error) {
    if (client !== this.client || this.closed) return;
    this.client = undefined;
    this.state = 'reconnecting';
    clearInterval(this.heartbeat);
    // Keep an 'error' listener on the dead client: a late socket error must not become an uncaught exception.
    client.removeAllListeners('end');
    client.end().catch(() => {});
    this.log.failed(err, 'reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    if (this.closed || this.retryTimer) return;
    const base = Math.min(LISTEN_RETRY_MAX_MS, LISTEN_RETRY_FIRST_MS * 2 ** this.attempts);
    this.attempts++;
    const delay = base / 2 + Math.random() * (base / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch((err) => {
        if (this.closed) return;
        this.log.failed(err, 'reconnecting');
        this.scheduleReconnect();
      });
    }, delay);
    this.retryTimer.unref();
  }

  async close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    this.state = 'idle';
    await this.connecting?.catch(() => {});
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}

/**
 * The connection of a process that holds its leases (session advisory locks), outside the pool. Opened on the first
 * lease; checked like the LISTEN connection (a trivial query every LISTEN_HEARTBEAT_MS). When it is lost every lease
 * held on it is gone (the server releases session locks when the session ends): each holder's `onLost` runs, and the
 * next tryLease opens a new connection.
 */
class LeaseConnection {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly held = new Map<bigint, () => void>();
  /** lock calls on the connection run one at a time */
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly log = new OutageLog('[db] lease connection');

  constructor(
    private readonly url: string,
    private readonly connectTimeoutMs: number,
  ) {}

  async tryLease(key: bigint, onLost: () => void): Promise<(() => Promise<void>) | null> {
    if (this.closed) return null;
    if (this.held.has(key)) return null;
    const client = await this.connect();
    const got = await this.serial(async () => {
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key.toString()]);
      return r.rows[0]?.ok === true;
    });
    if (!got) return null;
    if (client !== this.client) {
      // lost while asking: the lock went with the session
      return null;
    }
    this.held.set(key, onLost);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      if (this.held.get(key) !== onLost || client !== this.client) return;
      this.held.delete(key);
      await this.serial(() => client.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()])).catch(() => {});
    };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => {});
    return next;
  }

  private connect(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.url,
        connectionTimeoutMillis: this.connectTimeoutMs,
        keepAlive: true,
        keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
        application_name: 'mission-control leases',
      });
      client.on('error', (err) => this.lost(client, err));
      client.on('end', () => this.lost(client, new Error('Connection terminated')));
      try {
        await client.connect();
        if (this.closed) throw new Error('the database was closed');
      } catch (err) {
        client.removeAllListeners('end');
        await client.end().catch(() => {});
        this.log.failed(err as Error);
        throw err;
      }
      this.client = client;
      this.log.ok();
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => {
        if (client !== this.client) return;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('Query read timeout')), this.connectTimeoutMs);
        });
        Promise.race([this.serial(() => client.query('SELECT 1')), timeout])
          .catch((err) => this.lost(client, err))
          .finally(() => clearTimeout(timer));
      }, LISTEN_HEARTBEAT_MS);
      this.heartbeat.unref();
      return client;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private lost(client: pg.Client, err: Error) {
    if (client !== this.client) return;
    this.client = undefined;
    clearInterval(this.heartbeat);
    client.removeAllListeners('end');
    client.end().catch(() => {});
    if (this.closed) return;
    this.log.failed(err, 'its leases are released');
    const holders = [...this.held.values()];
    this.held.clear();
    for (const fn of holders) {
      try {
        fn();
      } catch (e) {
        console.error('[db] lease-lost hook failed:', (e as Error).message);
      }
    }
  }

  async close() {
    this.closed = true;
    clearInterval(this.heartbeat);
    await this.connecting?.catch(() => {});
    const client = this.client;
    this.client = undefined;
    this.held.clear();
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
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
 * `name` on each pooled connection, so it is parsed and planned once instead of on every call (Drizzle's statements
 * are named by their text there too: named-statements.ts). PGlite has no API
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

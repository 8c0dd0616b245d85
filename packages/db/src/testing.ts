// One fixture for integration tests: each call gives a fresh, migrated database.
// - Default: an in-memory PGlite loaded from a migrated template dump (initdb + migrations run once per run).
// - With TEST_DATABASE_URL: a new database on that PostgreSQL server, copied from a migrated template database,
//   dropped again by `close()`.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrationsFolder, openDatabase, type Database } from './client';

export interface TestDatabase extends Database {
  /** Connection string of the test database (PostgreSQL only), for tests that start another process. */
  url?: string;
}

function migrationsHash(): string {
  const dir = migrationsFolder();
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) h.update(readFileSync(path.join(dir, f)));
  return h.digest('hex').slice(0, 12);
}

function templateName() {
  return `mc_tpl_${migrationsHash()}`;
}

function pgliteTemplatePath() {
  return path.join(os.tmpdir(), 'mc-test-templates', `pglite-${migrationsHash()}.tar.gz`);
}

function adminUrl(url: string, database = 'postgres') {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Called once per test run (vitest globalSetup): builds the migrated template for the selected database. */
export async function prepareTestTemplate(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) await preparePostgresTemplate(url);
  else await preparePgliteTemplate();
}

/** The migrated template database on the PostgreSQL server at `url` (built once; a no-op when it exists). */
async function preparePostgresTemplate(url: string): Promise<void> {
  const name = templateName();
  const admin = new pg.Client({ connectionString: adminUrl(url) });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return;
    const building = `${name}_build_${randomBytes(3).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${building}`);
    const database = await openDatabase({ databaseUrl: adminUrl(url, building), poolSize: 1 });
    await database.close();
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`).catch(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${building}`);
    });
  } finally {
    await admin.end();
  }
}

/** The migrated PGlite dump (built once per migrations hash). */
async function preparePgliteTemplate(): Promise<void> {
  const file = pgliteTemplatePath();
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const database = await openDatabase({ dataDir: 'memory://' });
  const client = (database as unknown as { pglite: PGlite }).pglite;
  const dump = await client.dumpDataDir('gzip');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  renameSync(tmp, file);
  await database.close();
}

export interface TestDatabaseOptions {
  /**
   * Which database: a PostgreSQL server URL, or null for the embedded one (PGlite). Default: TEST_DATABASE_URL when
   * set, else PGlite. The template for the one asked for is built on first use when the global setup built the other
   * (a real-gateway file opens both against its one gateway: `gatewayTestDatabases()`).
   */
  postgresUrl?: string | null;
}

/**
 * The databases a real-gateway test file (`*.gateway.test.ts`) runs against with its one gateway: always PGlite, and
 * PostgreSQL when MC_GATEWAY_TEST_DATABASE_URL (scripts/test-all.mjs sets it when the server is reachable) or
 * TEST_DATABASE_URL is set. Use as `describe.each(gatewayTestDatabases())`.
 */
export function gatewayTestDatabases(): { kind: 'pglite' | 'postgres'; postgresUrl: string | null }[] {
  const url = process.env.MC_GATEWAY_TEST_DATABASE_URL || process.env.TEST_DATABASE_URL;
  return [{ kind: 'pglite', postgresUrl: null }, ...(url ? [{ kind: 'postgres' as const, postgresUrl: url }] : [])];
}

/** A fresh migrated database for one test file. Call `close()` in afterAll. */
export async function createTestDatabase(opts: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const url = opts.postgresUrl === undefined ? process.env.TEST_DATABASE_URL : opts.postgresUrl;
  if (url) {
    if (opts.postgresUrl !== undefined) await preparePostgresTemplate(url);
    const name = `mc_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl(url) });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateName()}`);
    await admin.end();
    const dbUrl = adminUrl(url, name);
    const database = await openDatabase({ databaseUrl: dbUrl, migrate: false });
    return {
      ...database,
      url: dbUrl,
      async close() {
        await database.close();
        const a = new pg.Client({ connectionString: adminUrl(url) });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const file = pgliteTemplatePath();
  if (!existsSync(file)) await preparePgliteTemplate();
  const blob = new Blob([readFileSync(file)]);
  return openDatabase({ dataDir: 'memory://', loadDataDir: blob, migrate: false });
}

export { startTcpProxy, type TcpProxy } from './tcp-proxy';

/** Poll `check` every 50 ms until it returns a value, or fail after `ms` naming `what` (outage tests: no sleeps). */
export async function until<T>(what: string, ms: number, check: () => Promise<T | undefined | null | false>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

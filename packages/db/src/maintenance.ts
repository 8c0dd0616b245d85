// Autovacuum's work for the embedded database. A PostgreSQL server does it itself; PGlite runs no background workers,
// so an embedded database would keep the statistics of its first ANALYZE — or none — for good (the planner would
// pick its plans for a log of a few rows when it holds a million: a common word searched through the GIN index
// instead of a short walk of the time index, for one), never mark pages all-visible (so the metrics' covering
// indexes could not answer on their own) and never reclaim the space of updated rows.
import { sql } from 'drizzle-orm';
import { rows, type Database } from './client';

/**
 * A table is analyzed again once it has grown by this share of its pages since the last ANALYZE (autovacuum's
 * default `autovacuum_analyze_scale_factor` is 0.1 of the rows; pages are what PGlite can tell without the
 * cumulative statistics, which it does not flush).
 */
export const ANALYZE_GROWTH = 0.1;
/** …and by at least this many pages (8 kB each), so that small tables are not analyzed over and over. */
export const ANALYZE_MIN_PAGES = 16;

/**
 * Tables up to this many pages (64 MB) are vacuumed as well as analyzed. PGlite runs on the process's one thread, so
 * a VACUUM holds every request while it reads the pages changed since the last one — for a large log that was never
 * vacuumed, all of it. The large tables are the append-only logs (activity, events, executions), which have few dead
 * rows and whose reads do not depend on index-only scans; ANALYZE reads a bounded sample of them.
 */
export const VACUUM_MAX_PAGES = 8192;

/**
 * VACUUM (ANALYZE) the tables of the embedded database that were never analyzed or have grown since; a table larger
 * than VACUUM_MAX_PAGES is only analyzed. ANALYZE reads a sample of at most 30,000 rows per table; VACUUM reads the
 * pages changed since the last one (the visibility map skips the rest). Returns the tables done. Does nothing on a
 * PostgreSQL server, where autovacuum does it.
 */
export async function vacuumGrownTables(database: Database, opts: { vacuumMaxPages?: number } = {}): Promise<string[]> {
  const vacuumMaxPages = opts.vacuumMaxPages ?? VACUUM_MAX_PAGES;
  if (database.kind !== 'pglite') return [];
  const tables = await rows<{ name: string; analyzed_pages: number; never: boolean; pages: number }>(
    database.db,
    sql`SELECT c.relname AS name, c.relpages AS analyzed_pages, c.reltuples < 0 AS never,
               (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'r' AND n.nspname = current_schema()`,
  );
  const stale = tables.filter((t) => (t.never && t.pages > 0) || t.pages > t.analyzed_pages * (1 + ANALYZE_GROWTH) + ANALYZE_MIN_PAGES);
  for (const t of stale) {
    const table = sql.identifier(t.name);
    await database.db.execute(t.pages <= vacuumMaxPages ? sql`VACUUM (ANALYZE) ${table}` : sql`ANALYZE ${table}`);
  }
  return stale.map((t) => t.name);
}

/**
 * Claims between two VACUUMs of `tickets` where nothing else vacuums it (the embedded database; a server with
 * autovacuum off), at least. A claim moves its ticket out of the claimable set, but the entry of its old version stays
 * in `tickets_available_idx` until a VACUUM removes it, at the head of the index where claim-next's pick starts: every
 * pick steps over the entries of the tickets claimed since the last VACUUM (bench/README.md,
 * `bench/claim-next-pick.ts`: about 8 more buffers per pick for every 1,000 claims).
 */
export const CLAIMED_VACUUM_EVERY = 1000;
/** …and at least this share of the table's rows, so that a VACUUM (which reads every index of `tickets`) stays amortized on a large table. */
export const CLAIMED_VACUUM_SHARE = 0.02;

interface ClaimVacuumState {
  claims: number;
  running: Promise<void> | null;
  threshold: number | null;
  /** Whether something else vacuums `tickets` (a server's autovacuum): then this does nothing. Looked up once. */
  autovacuum: boolean | null;
}
const claimsSinceVacuum = new WeakMap<Database, ClaimVacuumState>();

/**
 * Count `n` claims on `database`; once CLAIMED_VACUUM_EVERY (or CLAIMED_VACUUM_SHARE of the rows) have been made
 * since the last time, VACUUM `tickets` (one at a time; claims meanwhile count toward the next). Returns the VACUUM
 * when this call started one (for callers that wait for it, such as a benchmark), else null. On a PostgreSQL server
 * whose autovacuum is on (the default; `tickets` has its own thresholds, migration 0021) it does nothing after the
 * first call, which looks that up (and returns null too).
 */
export function maintainClaimedTickets(database: Database, n = 1): Promise<void> | null {
  let s = claimsSinceVacuum.get(database);
  if (!s) claimsSinceVacuum.set(database, (s = { claims: 0, running: null, threshold: null, autovacuum: database.kind === 'pglite' ? false : null }));
  if (s.autovacuum) return null;
  s.claims += n;
  if (s.running || s.claims < (s.threshold ?? CLAIMED_VACUUM_EVERY)) return null;
  const state = s;
  state.claims = 0;
  state.running = (async () => {
    if (state.autovacuum === null) {
      const [a] = await rows<{ on: boolean }>(database.db, sql`SELECT current_setting('autovacuum') = 'on' AS on`);
      state.autovacuum = a.on;
      if (state.autovacuum) return;
    }
    // SKIP_LOCKED: another process's VACUUM of it is under way (a server); that one does the work.
    await database.db.execute(database.kind === 'pglite' ? sql`VACUUM tickets` : sql`VACUUM (SKIP_LOCKED) tickets`);
    const [t] = await rows<{ n: number }>(database.db, sql`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'tickets'::regclass`);
    state.threshold = Math.max(CLAIMED_VACUUM_EVERY, Math.round(Math.max(0, t?.n ?? 0) * CLAIMED_VACUUM_SHARE));
  })().finally(() => (state.running = null));
  return state.running;
}

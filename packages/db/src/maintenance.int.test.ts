// Embedded statistics: a table that grew is analyzed again (PGlite has no autovacuum); one that did not is left alone.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from './client';
import { CLAIMED_VACUUM_EVERY, maintainClaimedTickets, vacuumGrownTables } from './maintenance';
import { createTestDatabase, type TestDatabase } from './testing';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const estimate = async (table: string) =>
  (await rows<{ n: number }>(database.db, sql`SELECT reltuples::int AS n FROM pg_class WHERE relname = ${table}`))[0].n;

describe('vacuumGrownTables', () => {
  it('on PGlite: analyzes a table that grew, then leaves it until it grows again; on a server: nothing (autovacuum)', async () => {
    if (database.kind !== 'pglite') {
      expect(await vacuumGrownTables(database)).toEqual([]);
      return;
    }
    await vacuumGrownTables(database);
    expect(await vacuumGrownTables(database)).toEqual([]);
    await database.db.execute(sql`CREATE TABLE grown (id int PRIMARY KEY, body text)`);
    await database.db.execute(sql`INSERT INTO grown SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g`);
    expect(await vacuumGrownTables(database)).toEqual(['grown']);
    expect(await estimate('grown')).toBe(5000);
    expect(await vacuumGrownTables(database)).toEqual([]);
    // A few more rows: under the threshold, the statistics stay.
    await database.db.execute(sql`INSERT INTO grown SELECT g, 'y' FROM generate_series(5001, 5010) g`);
    expect(await vacuumGrownTables(database)).toEqual([]);
    // Twice the size: analyzed again, and the planner's estimate follows.
    await database.db.execute(sql`INSERT INTO grown SELECT g, repeat('z', 200) FROM generate_series(5011, 10000) g`);
    expect(await vacuumGrownTables(database)).toEqual(['grown']);
    expect(await estimate('grown')).toBe(10000);
    // Vacuumed too: every page is all-visible, so an index-only scan needs no table page.
    const [vm] = await rows<{ all_visible: number; pages: number }>(
      database.db,
      sql`SELECT relallvisible AS all_visible, relpages AS pages FROM pg_class WHERE relname = 'grown'`,
    );
    expect(vm.all_visible).toBe(vm.pages);
  });

  // PGlite only: on a server the function does nothing, which the test above checks.
  it.skipIf(Boolean(process.env.TEST_DATABASE_URL))('on PGlite: a table above the vacuum size is only analyzed (a VACUUM would hold every request)', async () => {
    await database.db.execute(sql`CREATE TABLE big (id int PRIMARY KEY, body text)`);
    await database.db.execute(sql`INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g`);
    await database.db.execute(sql`DELETE FROM big WHERE id <= 2500`);
    expect(await vacuumGrownTables(database, { vacuumMaxPages: 10 })).toEqual(['big']);
    expect(await estimate('big')).toBe(2500);
    const [vm] = await rows<{ all_visible: number; pages: number }>(
      database.db,
      sql`SELECT relallvisible AS all_visible, relpages AS pages FROM pg_class WHERE relname = 'big'`,
    );
    expect(vm.pages).toBeGreaterThan(10);
    expect(vm.all_visible).toBe(0);
  });
});

describe('maintainClaimedTickets', () => {
  /** Buffers read by claim-next's pick (the first claimable ticket of the workspace in `tickets_available_idx` order). */
  const pickBuffers = async () => {
    const [r] = await rows<{ 'QUERY PLAN': any }>(
      database.db,
      sql`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT c.id FROM tickets c
            WHERE c.workspace_id = 'wsp_vac' AND c.status = 'todo' AND c.claimed_by_agent_id IS NULL
            ORDER BY c.priority, c.created_at, c.id LIMIT 1 FOR UPDATE OF c SKIP LOCKED`,
    );
    const plan = (typeof r['QUERY PLAN'] === 'string' ? JSON.parse(r['QUERY PLAN']) : r['QUERY PLAN'])[0].Plan;
    return (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
  };
  const claimFirst = (n: number) =>
    database.db.execute(sql`UPDATE tickets SET status = 'in_progress', claimed_by_agent_id = 'agt_vac', claimed_at = now()
      WHERE id IN (SELECT id FROM tickets WHERE workspace_id = 'wsp_vac' AND status = 'todo' AND claimed_by_agent_id IS NULL
                   ORDER BY priority, created_at, id LIMIT ${n})`);

  it('where nothing vacuums (PGlite, a server with autovacuum off): after CLAIMED_VACUUM_EVERY claims, VACUUM tickets, so that the pick no longer steps over the claimed tickets; with autovacuum: nothing', async () => {
    const [{ on }] = await rows<{ on: boolean }>(database.db, sql`SELECT current_setting('autovacuum') = 'on' AS on`);
    if (database.kind !== 'pglite' && on) {
      await maintainClaimedTickets(database, CLAIMED_VACUUM_EVERY * 10); // the first call looks autovacuum up
      expect(maintainClaimedTickets(database, CLAIMED_VACUUM_EVERY * 10)).toBeNull();
      return;
    }
    await database.db.execute(sql`INSERT INTO users (id, email, name) VALUES ('usr_vac', 'vac@example.test', 'Vac')`);
    await database.db.execute(sql`INSERT INTO workspaces (id, slug, name, ticket_seq, created_by) VALUES ('wsp_vac', 'vac', 'Vac', 3000, 'usr_vac')`);
    await database.db.execute(sql`INSERT INTO agents (id, workspace_id, name, status, registration_secret_hash) VALUES ('agt_vac', 'wsp_vac', 'vac', 'active', 'x')`);
    await database.db.execute(sql`INSERT INTO tickets (id, workspace_id, number, title, created_by_kind, created_by_id, created_at)
      SELECT 'tkt_vac_' || lpad(i::text, 6, '0'), 'wsp_vac', i, 'ticket ' || i, 'user', 'usr_vac', now() - interval '1 hour' + i * interval '1 ms'
      FROM generate_series(1, 3000) i`);
    await database.db.execute(sql`VACUUM ANALYZE tickets`);
    const fresh = await pickBuffers();

    // Fewer claims than the threshold: no VACUUM yet, and the pick steps over the claimed tickets' index entries.
    await claimFirst(CLAIMED_VACUUM_EVERY - 1);
    expect(maintainClaimedTickets(database, CLAIMED_VACUUM_EVERY - 1)).toBeNull();
    expect(await pickBuffers()).toBeGreaterThan(fresh + 3);

    // The claim that reaches it: VACUUM tickets (returned, so it can be waited for); the pick reads what it did fresh.
    await claimFirst(1);
    const vacuum = maintainClaimedTickets(database, 1);
    expect(vacuum).toBeInstanceOf(Promise);
    await vacuum;
    expect(await pickBuffers()).toBeLessThanOrEqual(fresh);
    // Counting starts again.
    expect(maintainClaimedTickets(database, 1)).toBeNull();
  });
});


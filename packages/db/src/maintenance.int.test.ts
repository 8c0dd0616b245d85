// Embedded statistics: a table that grew is analyzed again (PGlite has no autovacuum); one that did not is left alone.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from './client';
import { vacuumGrownTables } from './maintenance';
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

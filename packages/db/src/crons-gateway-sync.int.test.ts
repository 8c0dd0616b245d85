// Migration 0020 (issue 15, ADR 0020): the columns the gateway sync and missed-run repair keep on `crons`, with their
// defaults for every cron no gateway is involved in — on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from './client';
import { crons } from './schema';
import { createTestDatabase, type TestDatabase } from './testing';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const base = { name: 'c', schedule: '@hourly', scheduleKind: 'cron', task: { title: 't' }, retry: {} };

describe('crons: gateway sync columns', () => {
  it('exist with their types and defaults', async () => {
    const cols = await rows<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
      database.db,
      sql`SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name = 'crons' AND column_name IN
          ('sync_state','sync_fingerprint','gateway_fingerprint','last_synced_at','sync_error','read_only','read_only_reason','missed_run_policy','missed_streak','missed_resume_at')
          ORDER BY column_name`,
    );
    expect(Object.fromEntries(cols.map((c) => [c.column_name, [c.data_type, c.is_nullable]]))).toEqual({
      gateway_fingerprint: ['text', 'YES'],
      last_synced_at: ['timestamp with time zone', 'YES'],
      missed_resume_at: ['timestamp with time zone', 'YES'],
      missed_run_policy: ['text', 'NO'],
      missed_streak: ['integer', 'NO'],
      read_only: ['boolean', 'NO'],
      read_only_reason: ['text', 'YES'],
      sync_error: ['text', 'YES'],
      sync_fingerprint: ['text', 'YES'],
      sync_state: ['text', 'YES'],
    });
  });

  it('a cron of Mission Control alone reads as not synced, not read-only, policy record, no streak', async () => {
    await database.db.insert(crons).values({ id: 'crn_plain', ...base });
    const [c] = await database.db.select().from(crons).where(eq(crons.id, 'crn_plain'));
    expect(c).toMatchObject({ syncState: null, syncFingerprint: null, gatewayFingerprint: null, lastSyncedAt: null, syncError: null, readOnly: false, readOnlyReason: null, missedRunPolicy: 'record', missedStreak: 0, missedResumeAt: null });
  });

  it('a gateway-owned cron keeps its link, fingerprints and missed-run state', async () => {
    const at = new Date('2027-01-10T12:00:00.000Z');
    await database.db.insert(crons).values({
      id: 'crn_gw',
      ...base,
      owner: 'gateway',
      gatewayId: 'gw_1',
      gatewayJobId: 'job-1',
      syncState: 'ok',
      syncFingerprint: 'v1:aa',
      gatewayFingerprint: 'v1:bb',
      lastSyncedAt: at,
      readOnly: true,
      readOnlyReason: 'builtin',
      missedRunPolicy: 'force_run',
      missedStreak: 3,
      missedResumeAt: at,
    });
    const [c] = await database.db.select().from(crons).where(eq(crons.gatewayJobId, 'job-1'));
    expect(c).toMatchObject({ id: 'crn_gw', syncState: 'ok', readOnly: true, readOnlyReason: 'builtin', missedRunPolicy: 'force_run', missedStreak: 3 });
    expect(c.lastSyncedAt?.toISOString()).toBe(at.toISOString());
    // One cron per gateway job: the link is unique (crons_gateway_job_key).
    await expect(database.db.insert(crons).values({ id: 'crn_dup', ...base, owner: 'gateway', gatewayId: 'gw_1', gatewayJobId: 'job-1' })).rejects.toThrow();
  });
});

// Exactly once with two schedulers on one database (issue 14): two scheduler instances race over the same due crons,
// slot after slot, on a manual clock — on PostgreSQL each with its own pool (two processes' worth of connections),
// on the embedded database two instances interleaving on one. Every slot of every target is fired exactly once:
// one run (the slot-derived id), one attempt, one ticket, one `cron_run.started` event; none is lost.
import { ManualClock, runSchedulerPass, type Ctx } from '@mc/core';
import { openDatabase, type Database } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { seedCron } from './crons.fixtures';

let h: Harness;
let second: Database | null = null;
const clock = new ManualClock(new Date('2026-05-01T09:58:00.000Z'));

beforeAll(async () => {
  h = await createHarness({ clock });
  // PostgreSQL: the second scheduler has its own pool, as another process would.
  if (h.database.url) second = await openDatabase({ databaseUrl: h.database.url, migrate: false, poolSize: 4 });
});
afterAll(async () => {
  await second?.close();
  await h?.close();
});

const CRONS = 12;
const SLOTS = 6;

describe('two schedulers on one database', () => {
  it('fire every slot of every target exactly once, however their passes interleave', { timeout: 600_000 }, async () => {
    const teamA = await createTeam(h);
    const teamB = await createTeam(h);
    const agentA = await activeAgent(h, teamA.admin.key, teamA.ws.slug);
    const agentB = await activeAgent(h, teamB.admin.key, teamB.ws.slug);
    const ids: string[] = [];
    for (let i = 0; i < CRONS; i++) {
      ids.push(
        await seedCron(h, {
          schedule: '*/5 * * * *',
          concurrency: 'allow',
          task: { title: `race ${i}`, timeoutSeconds: 86400 },
          targets: [
            { workspaceId: teamA.ws.id, agentId: agentA.id },
            { workspaceId: teamB.ws.id, agentId: agentB.id },
          ],
        }),
      );
    }
    const ctxA: Ctx = h.ctxFor({ kind: 'system', name: 'scheduler A' });
    const ctxB: Ctx = { ...ctxA, db: second?.db ?? h.database.db, principal: { kind: 'system', name: 'scheduler B' } };

    const slots: string[] = [];
    for (let s = 0; s < SLOTS; s++) {
      const slot = new Date(Date.UTC(2026, 4, 1, 10, 5 * s));
      slots.push(slot.toISOString());
      clock.set(new Date(slot.getTime() + 200));
      // Both instances at once, twice each (a wake-up and a timer in the same instant).
      await Promise.all([runSchedulerPass(ctxA), runSchedulerPass(ctxB), runSchedulerPass(ctxB), runSchedulerPass(ctxA)]);
    }

    const runs = await h.database.db.query.cronRuns.findMany({ where: (r, { inArray }) => inArray(r.cronId, ids) });
    expect(runs).toHaveLength(CRONS * 2 * SLOTS);
    const key = (r: { cronId: string; slot: Date; agentId: string }) => `${r.cronId}|${r.slot.toISOString()}|${r.agentId}`;
    expect(new Set(runs.map(key)).size).toBe(runs.length);
    for (const id of ids) {
      for (const agentId of [agentA.id, agentB.id]) {
        expect(runs.filter((r) => r.cronId === id && r.agentId === agentId).map((r) => r.slot.toISOString()).sort()).toEqual(slots);
      }
    }
    // Started once each: one attempt, one ticket, one started event.
    expect(runs.every((r) => r.status === 'running' && r.attempt === 1 && (r.attempts as unknown[]).length === 1 && r.ticketIds.length === 1)).toBe(true);
    const cronTickets = await h.database.db.query.tickets.findMany({ where: (t, { eq }) => eq(t.createdByKind, 'cron') });
    expect(cronTickets).toHaveLength(runs.length);
    expect(new Set(cronTickets.map((t) => t.createdById)).size).toBe(runs.length);
    const started = await h.database.db.query.events.findMany({ where: (e, { eq }) => eq(e.type, 'cron_run.started') });
    expect(started).toHaveLength(runs.length);
    // Each run is in its target's workspace.
    expect(runs.every((r) => r.workspaceId === (r.agentId === agentA.id ? teamA.ws.id : teamB.ws.id))).toBe(true);
  });
});

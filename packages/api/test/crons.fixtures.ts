// Seeding and reading helpers for the cron scheduler suites: a cron with its targets as the crons use case stores it
// (next_due_at computed from the schedule the same way), the scheduler driven pass by pass on a manual clock, and
// the outbox dispatched so that the run-outcome reactions run.
import { crons, cronTargets, queryRaw } from '@mc/db';
import { dispatchWebhookEvents, newId, nextSlotAfter, parseSchedule, runSchedulerPass, type Ctx } from '@mc/core';
import type { Harness } from './harness';

export interface CronSeed {
  name?: string;
  schedule: string;
  timezone?: string;
  targets: { workspaceId: string; agentId: string }[];
  task?: Record<string, unknown>;
  retry?: Record<string, unknown>;
  concurrency?: 'skip' | 'queue_one' | 'allow';
  catchUp?: 'once' | 'skip';
}

/** A cron as stored by its create use case: next_due_at is the first slot after now. */
export async function seedCron(h: Harness, s: CronSeed) {
  const now = h.deps.clock.now();
  const timezone = s.timezone ?? 'UTC';
  const parsed = parseSchedule(s.schedule);
  const id = newId('crn', now.getTime());
  await h.database.db.insert(crons).values({
    id,
    name: s.name ?? `cron ${id.slice(-6)}`,
    schedule: s.schedule,
    scheduleKind: parsed.kind,
    timezone,
    task: s.task ?? { title: 'Nightly report', instructions: 'Write the report', labels: ['cron'], priority: 'high', createTicket: true },
    retry: s.retry ?? { maxAttempts: 1, backoff: 'exponential' },
    concurrency: s.concurrency ?? 'skip',
    catchUp: s.catchUp ?? 'once',
    nextDueAt: nextSlotAfter(parsed, timezone, now),
    createdAt: now,
    updatedAt: now,
  });
  await h.database.db.insert(cronTargets).values(s.targets.map((t, i) => ({ cronId: id, workspaceId: t.workspaceId, agentId: t.agentId, position: i })));
  return id;
}

export const systemCtx = (h: Harness): Ctx => h.ctxFor({ kind: 'system', name: 'test' });

/** Dispatch the outbox until it is empty, so that every reaction to a committed event has run. */
export async function drainEvents(h: Harness) {
  for (let i = 0; i < 50; i++) {
    const r = await dispatchWebhookEvents(systemCtx(h));
    if (r.events === 0) return;
  }
}

export const pass = (h: Harness, ctx: Ctx = systemCtx(h)) => runSchedulerPass(ctx);

export async function runsOf(h: Harness, cronId: string) {
  return h.database.db.query.cronRuns.findMany({ where: (r, { eq }) => eq(r.cronId, cronId), orderBy: (r, { asc }) => [asc(r.slot), asc(r.agentId)] });
}

export async function cronRow(h: Harness, cronId: string) {
  return (await h.database.db.query.crons.findFirst({ where: (c, { eq }) => eq(c.id, cronId) }))!;
}

/**
 * Between tests on one shared database and clock: every cron seeded so far stops (paused, nothing due) and its
 * active runs end, so that a later test's jump of the clock does not fire or time out an earlier test's crons.
 */
export async function retireAllCrons(h: Harness) {
  await queryRaw(h.database.db, 'test_retire_crons', `UPDATE crons SET enabled = false, next_due_at = NULL`, []);
  await queryRaw(h.database.db, 'test_retire_runs', `UPDATE cron_runs SET status = 'skipped', reason = 'TEST_RETIRED', due_at = NULL, deadline_at = NULL WHERE status IN ('pending', 'running')`, []);
}

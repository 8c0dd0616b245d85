// The signal that wakes the cron scheduler early: a cron was created, changed (schedule, time zone, pause/resume),
// deleted, or asked to run now. Sent with pg_notify inside the writer's transaction, so it arrives only if the
// change commits; every process's scheduler LISTENs on CRONS_CHANNEL and re-reads the next due time (crons_due_idx,
// cron_runs_due_idx) instead of polling.
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';

export const CRONS_CHANNEL = 'mc_crons';

export interface CronsChangedSignal {
  cronId: string;
  /** created | updated | deleted | run */
  change: 'created' | 'updated' | 'deleted' | 'run';
  /** The cron's next due slot (ISO UTC) after the change, or null; `run` signals a pending manual run due now. */
  nextDueAt: string | null;
}

/** Publish the signal with the caller's transaction. */
export async function notifyCronsChanged(ctx: Ctx, signal: CronsChangedSignal): Promise<void> {
  await ctx.db.execute(sql`SELECT pg_notify(${CRONS_CHANNEL}, ${JSON.stringify(signal)})`);
}

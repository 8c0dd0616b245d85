import { executions } from '@mc/db';
import { and, eq, lte, sql } from 'drizzle-orm';
import { asSystem, inTransaction, type Ctx } from '../context';
import { failRunningExecution } from './fail-execution';

/** A running execution without a report for this long is taken for abandoned (its agent crashed or forgot it). */
export const EXECUTION_ABANDON_AFTER_MS_DEFAULT = 6 * 60 * 60 * 1000;
const ABANDON_BATCH = 100;

/**
 * Fail the executions nobody reports on any more: status `failed`, ended now, with a summary saying why, and the
 * same bookkeeping as an agent's final report (rollup, activity, event) — otherwise a crashed agent's run would stay
 * "running" forever and never count in metrics. Their usage was charged as it was reported, so nothing is charged
 * here. Several processes may run this: rows are taken with SKIP LOCKED, and an agent's report racing the sweeper
 * either finishes first (the sweeper skips the row) or gets 409 afterwards. Returns how many were failed.
 */
export async function abandonStaleExecutions(ctx: Ctx, staleAfterMs = EXECUTION_ABANDON_AFTER_MS_DEFAULT): Promise<number> {
  return inTransaction(asSystem(ctx, 'execution-sweeper'), async (tx) => {
    const now = tx.clock.now();
    const cutoff = new Date(now.getTime() - staleAfterMs);
    // The expression matches executions_running_idx.
    const stale = await tx.db
      .select({ id: executions.id, startedAt: executions.startedAt, summary: executions.summary })
      .from(executions)
      .where(and(eq(executions.status, 'running'), lte(sql`coalesce(${executions.lastReportAt}, ${executions.startedAt})`, cutoff)))
      .limit(ABANDON_BATCH)
      .for('update', { skipLocked: true });
    if (stale.length === 0) return 0;
    const hours = Math.round((staleAfterMs / 3_600_000) * 10) / 10;
    const why = `No report for ${hours} h: the server marked this run failed (abandoned).`;
    for (const e of stale) {
      await failRunningExecution(tx, e, why, `marked an abandoned execution failed (no report for ${hours} h)`, now);
    }
    return stale.length;
  });
}

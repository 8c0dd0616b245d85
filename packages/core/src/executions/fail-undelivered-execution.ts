import { executions } from '@mc/db';
import { and, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { executionColumns } from './execution-dto';
import { durationBetween } from './executions.rules';
import { recordFinish } from './report-execution';

/**
 * The work of a dispatched execution never reached its agent (the delivery to its endpoint failed for good, after
 * every retry): the execution is marked failed now, with `reason` in its summary, and finished like any other run
 * (rollup, activity, `execution.finished`), so whatever waits on it — a cron run, a workflow step, a person — sees
 * the failure. An execution that already finished (the agent reported although the delivery failed, or it was
 * swept) is left as it is. Runs in the caller's transaction (the delivery worker's). Returns whether it failed it.
 */
export async function failUndeliveredExecution(tx: Ctx, executionId: string, reason: string): Promise<boolean> {
  const now = tx.clock.now();
  const [e] = await tx.db
    .select({ startedAt: executions.startedAt, summary: executions.summary })
    .from(executions)
    .where(and(eq(executions.id, executionId), eq(executions.status, 'running')))
    .for('update');
  if (!e) return false;
  const why = `Not delivered to the agent: ${reason}`;
  const [row] = await tx.db
    .update(executions)
    .set({
      status: 'failed',
      endedAt: now,
      durationMs: durationBetween(e.startedAt, now),
      summary: e.summary ? `${e.summary}\n\n${why}` : why,
      updatedAt: now,
      version: sql`${executions.version} + 1`,
    })
    .where(and(eq(executions.id, executionId), eq(executions.status, 'running')))
    .returning(executionColumns);
  if (!row) return false;
  await recordFinish(tx, row, `marked a dispatched execution failed (${reason})`);
  return true;
}

import { executions } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../context';
import { failRunningExecution } from './fail-execution';

/**
 * The work of a dispatched execution never reached its agent (the delivery to its endpoint failed for good, after
 * every retry): the execution is marked failed now, with `reason` in its summary, and finished like any other run
 * (rollup, activity, `execution.finished`), so whatever waits on it — a cron run, a workflow step, a person — sees
 * the failure. An execution that already finished (the agent reported although the delivery failed, or it was
 * swept) is left as it is. Runs in the caller's transaction (the delivery worker's). Returns whether it failed it.
 */
export async function failUndeliveredExecution(tx: Ctx, executionId: string, reason: string): Promise<boolean> {
  const [e] = await tx.db
    .select({ id: executions.id, startedAt: executions.startedAt, summary: executions.summary })
    .from(executions)
    .where(and(eq(executions.id, executionId), eq(executions.status, 'running')))
    .for('update');
  if (!e) return false;
  return failRunningExecution(tx, e, `Not delivered to the agent: ${reason}`, `marked a dispatched execution failed (${reason})`);
}

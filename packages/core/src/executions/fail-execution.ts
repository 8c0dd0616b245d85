import { executions } from '@mc/db';
import { and, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { executionColumns } from './execution-dto';
import { durationBetween } from './executions.rules';
import { recordFinish } from './report-execution';

/**
 * Finish a running execution as failed on the server's word (not its agent's): status `failed`, ended now, `why`
 * appended to its summary, then the same bookkeeping as an agent's final report (rollup, activity `what`, event).
 * The caller has locked the row (FOR UPDATE) in `tx`. Returns false when it was no longer running.
 */
export async function failRunningExecution(
  tx: Ctx,
  e: { id: string; startedAt: Date; summary: string | null },
  why: string,
  what: string,
  now: Date = tx.clock.now(),
): Promise<boolean> {
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
    .where(and(eq(executions.id, e.id), eq(executions.status, 'running')))
    .returning(executionColumns);
  if (!row) return false;
  await recordFinish(tx, row, what);
  return true;
}

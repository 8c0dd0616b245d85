import { executions } from '@mc/db';
import { recordActivity } from '../activity/record-activity';
import type { Ctx } from '../context';
import { emitEvent } from '../events/emit-event';
import { newId } from '../shared/ids';
import { executionColumns, type ExecutionRow } from './execution-dto';
import { findPriceFor } from './model-prices';

export const EXECUTION_ID_PREFIX = 'exe';

export interface OpenExecutionInput {
  workspaceId: string;
  agentId: string;
  ticketId?: string | null;
  cronRunId?: string | null;
  workflowStepId?: string | null;
  /** Normalized model name (pricing.rules normalizeModel), when known at the start. */
  model?: string | null;
  /** The activity entry's summary (`started an execution on #12`, `dispatched #12 to reviewer`). */
  summary: string;
}

/**
 * Write a new running execution, its `execution.started` activity entry and event, in the caller's transaction.
 * The caller has done the checks of its door (the agent's own start: POST /executions; a dispatch: the dispatcher's
 * rights, the agent, the archive and the budget gate). With a model, the run is priced now with the version in
 * force at its start and keeps that version to the end.
 */
export async function openExecution(tx: Ctx, input: OpenExecutionInput): Promise<ExecutionRow> {
  const now = tx.clock.now();
  const model = input.model ?? null;
  const price = model ? await findPriceFor(tx, model, now) : null;
  const [row] = await tx.db
    .insert(executions)
    .values({
      id: newId(EXECUTION_ID_PREFIX, now.getTime()),
      workspaceId: input.workspaceId,
      agentId: input.agentId,
      ticketId: input.ticketId ?? null,
      cronRunId: input.cronRunId ?? null,
      workflowStepId: input.workflowStepId ?? null,
      status: 'running',
      startedAt: now,
      model,
      // No tokens yet: a priced run costs 0 so far; an unknown model stays unpriced.
      costUsd: model ? (price ? '0' : null) : null,
      costSource: model ? (price ? 'computed' : 'unpriced') : null,
      priceId: price?.id ?? null,
      lastReportAt: now,
      updatedAt: now,
    })
    .returning(executionColumns);
  await recordActivity(tx, {
    workspaceId: input.workspaceId,
    action: 'execution.started',
    target: { kind: 'execution', id: row.id },
    summary: input.summary,
    metadata: { agentId: row.agentId, ticketId: row.ticketId, cronRunId: row.cronRunId, workflowStepId: row.workflowStepId, model },
    status: 'running',
  });
  await emitEvent(
    tx,
    'execution.started',
    input.workspaceId,
    { execution: { id: row.id, agentId: row.agentId, ticketId: row.ticketId, status: row.status, model: row.model } },
    { agentId: row.agentId, ...(row.ticketId ? { ticketId: row.ticketId } : {}), status: row.status },
  );
  return row;
}

import { cronRuns, executions, tickets } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import { assertBudgetOpen } from '../budgets/usage';
import type { AgentPrincipal, Ctx } from '../context';
import { inTransaction } from '../context';
import { forbidden, notFound, unauthenticated } from '../errors';
import { requireOpenWorkspace } from '../shared/workspace-access';
import { toExecutionDto } from './execution-dto';
import { openExecution } from './open-execution';
import { normalizeModel } from './pricing.rules';

/** Executions are reported by the agent that runs them; people and the system only read them. */
export function requireReportingAgent(ctx: Ctx): AgentPrincipal {
  if (ctx.principal.kind === 'agent') return ctx.principal;
  if (ctx.principal.kind === 'user') throw forbidden('only agents report executions');
  throw unauthenticated();
}

export interface StartExecutionInput {
  ticketId?: string;
  cronRunId?: string;
  workflowStepId?: string;
  model?: string;
}

/**
 * POST /executions — an agent starts a run (the server records the start time). Refused with 409 CONFLICT while the
 * workspace is archived and with 402 BUDGET_EXCEEDED while its hard stop is in force. A ticket must be one of the agent's workspace, a cron run one that targets this agent (else 404). With a
 * model, the run is priced now with the version in force at its start and keeps that version to the end.
 */
export async function startExecution(ctx: Ctx, input: StartExecutionInput) {
  const me = requireReportingAgent(ctx);
  return inTransaction(ctx, async (tx) => {
    let ticketNumber: number | null = null;
    if (input.ticketId) {
      const [t] = await tx.db
        .select({ id: tickets.id, number: tickets.number })
        .from(tickets)
        .where(and(eq(tickets.id, input.ticketId), eq(tickets.workspaceId, me.workspaceId)))
        .limit(1);
      if (!t) throw notFound('ticket');
      ticketNumber = t.number;
    }
    // A cron run must be one of this agent's (its target and workspace), so nobody charges a run that is not theirs.
    if (input.cronRunId) {
      const [run] = await tx.db
        .select({ id: cronRuns.id })
        .from(cronRuns)
        .where(and(eq(cronRuns.id, input.cronRunId), eq(cronRuns.agentId, me.agentId), eq(cronRuns.workspaceId, me.workspaceId)))
        .limit(1);
      if (!run) throw notFound('cron run');
    }
    // An archived workspace starts nothing new (ADR 0003; runs already started still report and finish).
    await requireOpenWorkspace(tx, me.workspaceId);
    await assertBudgetOpen(tx, me.workspaceId);
    const model = input.model === undefined ? null : normalizeModel(input.model);
    const row = await openExecution(tx, {
      workspaceId: me.workspaceId,
      agentId: me.agentId,
      ticketId: input.ticketId,
      cronRunId: input.cronRunId,
      workflowStepId: input.workflowStepId,
      model,
      summary: `started an execution${ticketNumber !== null ? ` on #${ticketNumber}` : ''}${model ? ` with ${model}` : ''}`,
    });
    return toExecutionDto(row, me.name, { continue: true });
  });
}

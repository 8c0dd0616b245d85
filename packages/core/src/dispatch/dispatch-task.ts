import type { TicketPriorityName } from '@mc/contracts';
import { workspaces } from '@mc/db';
import { eq } from 'drizzle-orm';
import { assertBudgetOpen } from '../budgets/usage';
import { inTransaction, type Ctx } from '../context';
import { forbidden, notFound } from '../errors';
import { assertWorkspaceOpen } from '../shared/workspace-access';
import { DISPATCH_REFUSALS } from './dispatch.rules';
import { dispatchableAgent, handOver, type HandOverResult } from './hand-over';

export interface DispatchTaskInput {
  /** The workspace the agent works in, where the execution (and so its cost) is charged. */
  workspaceId: string;
  agentId: string;
  /** What the agent is asked to do; bounded where it comes in (the cron contract, later the workflow's). */
  task: { title: string; instructions?: string | null; labels?: string[]; priority?: TicketPriorityName | null };
  /** The cron run this dispatch is for (carried on the execution: its tokens and cost count for the run). */
  cronRunId?: string;
  /** The workflow step this dispatch executes (carried on the execution). */
  workflowStepId?: string;
}

export interface DispatchTaskResult extends HandOverResult {
  ticketId: null;
}

/**
 * The dispatch door for a task without a ticket (ADR 0018): a cron whose task creates no ticket, later a workflow
 * step. The same door as `dispatchTicket` past its own checks — the same execution, channel, signed and retried
 * delivery (its body a `DispatchDeliveryPayload` with `ticket: null`), the same report over REST and the same
 * failure when the delivery fails for good — recorded as `task.dispatched` (event and activity, on the execution).
 * In one transaction, a savepoint inside the caller's:
 *
 * 1. only Mission Control itself calls it (a system principal: the cron runner checked its rights when the cron was
 *    saved); people and agents dispatch tickets (403). There is no REST operation for it (ADR 0018);
 * 2. the workspace exists (404), is open (409 `workspace_archived`) and its budget is not hard-stopped (402
 *    BUDGET_EXCEEDED, `assertBudgetOpen`, ADR 0007), before anything is written;
 * 3. the agent is one of the workspace (404), active (409 `agent_inactive`) and reachable by a channel (409
 *    `agent_unreachable`: no endpoint — the cron runner skips such a run before it gets here, AGENT_UNREACHABLE);
 * 4. the hand-over (hand-over.ts).
 */
export async function dispatchTask(ctx: Ctx, input: DispatchTaskInput): Promise<DispatchTaskResult> {
  return inTransaction(ctx, async (tx) => {
    if (tx.principal.kind !== 'system') throw forbidden(DISPATCH_REFUSALS.systemOnly);
    const [workspace] = await tx.db.select().from(workspaces).where(eq(workspaces.id, input.workspaceId)).limit(1);
    if (!workspace) throw notFound('workspace');
    assertWorkspaceOpen(workspace);
    await assertBudgetOpen(tx, workspace.id);
    const { agent, channel } = await dispatchableAgent(tx, workspace.id, input.agentId);
    const task = {
      title: input.task.title,
      instructions: input.task.instructions ?? null,
      labels: input.task.labels ?? [],
      priority: input.task.priority ?? null,
    };
    const r = await handOver(tx, { workspace, agent, channel, ticket: null, task, cronRunId: input.cronRunId, workflowStepId: input.workflowStepId });
    return { ...r, ticketId: null };
  });
}

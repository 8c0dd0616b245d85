import type { TicketPriorityName } from '@mc/contracts';
import { tickets, workspaces } from '@mc/db';
import { eq } from 'drizzle-orm';
import { assertBudgetOpen } from '../budgets/usage';
import { inTransaction, type Ctx } from '../context';
import { conflict, forbidden, notFound, unauthenticated, validation } from '../errors';
import { assertWorkspaceOpen } from '../shared/workspace-access';
import { roleAllows } from '../shared/workspaces.rules';
import { requireTicketAccess } from '../tickets/ticket-access';
import type { TicketRow } from '../tickets/ticket-dto';
import { priorityName } from '../tickets/tickets.rules';
import { defaultDispatchAgent, DISPATCH_REFUSALS, isDispatchable } from './dispatch.rules';
import { dispatchableAgent, handOver, type HandOverResult } from './hand-over';

/** What the agent is asked to do; each field defaults to the ticket's own (title, description as instructions). */
export interface DispatchTask {
  title?: string;
  instructions?: string;
  labels?: string[];
  priority?: TicketPriorityName;
}

export interface DispatchTicketInput {
  ticketId: string;
  /** Default: the ticket's assigned agent, else the agent holding it (dispatch.rules.ts DEFAULT_DISPATCH_AGENT). */
  agentId?: string;
  /** The cron run this dispatch is for (carried on the execution: its tokens and cost count for the run). */
  cronRunId?: string;
  /** The workflow step this dispatch executes (carried on the execution). */
  workflowStepId?: string;
  task?: DispatchTask;
}

export interface DispatchResult extends HandOverResult {
  ticketId: string;
}

/**
 * The dispatch door (POST /tickets/{id}/dispatch, and what cron runs and workflow steps call): hand a ticket to an
 * agent. In one transaction — a savepoint when `ctx` is already in one (a cron runner's), so a refusal leaves the
 * caller's transaction usable:
 *
 * 1. the ticket, as the caller may see it (404 otherwise); a person needs `tickets.dispatch` in its workspace (403);
 *    an agent is refused (403); a system caller (the cron runner, the workflow engine) has checked its own rights;
 * 2. the workspace is open (409 `workspace_archived`) and its budget is not hard-stopped (402 BUDGET_EXCEEDED,
 *    `assertBudgetOpen`, ADR 0007), before anything is written;
 * 3. the ticket is unfinished (409 `ticket_finished`); the agent — `agentId`, or the ticket's assignee, then its
 *    holder (400 naming `agentId` when there is none) — is one of the ticket's workspace (404 otherwise), active
 *    (409 `agent_inactive`) and reachable (409 `agent_unreachable`: no endpoint);
 * 4. the hand-over (hand-over.ts, shared with a task without a ticket, dispatch-task.ts): an execution is started
 *    for the agent (status `running`, carrying `cronRunId` / `workflowStepId`), the `ticket.dispatched` event and
 *    activity entry are written, and the task is queued for the agent's channel: for `endpoint`, a signed `dispatch`
 *    delivery with the ticket, the task and the workspace context. The agent reports on the execution with
 *    PATCH /executions/{id}; if the delivery fails for good, the execution fails.
 */
export async function dispatchTicket(ctx: Ctx, input: DispatchTicketInput): Promise<DispatchResult> {
  return inTransaction(ctx, async (tx) => {
    const { ticket, workspace } = await dispatchableTicket(tx, input.ticketId);
    assertWorkspaceOpen(workspace);
    await assertBudgetOpen(tx, ticket.workspaceId);
    if (!isDispatchable(ticket.status)) {
      throw conflict(DISPATCH_REFUSALS.ticketFinished(ticket.number, ticket.status), { reason: 'ticket_finished', status: ticket.status });
    }

    const agentId = input.agentId ?? defaultDispatchAgent(ticket);
    if (!agentId) throw validation([{ field: 'agentId', in: 'body', message: DISPATCH_REFUSALS.agentRequired, code: 'required' }], DISPATCH_REFUSALS.agentRequired);
    const { agent, channel } = await dispatchableAgent(tx, ticket.workspaceId, agentId);
    const task = {
      title: input.task?.title ?? ticket.title,
      instructions: input.task?.instructions ?? null,
      labels: input.task?.labels ?? ticket.labels,
      priority: input.task?.priority ?? priorityName(ticket.priority),
    };
    const r = await handOver(tx, { workspace, agent, channel, ticket, task, cronRunId: input.cronRunId, workflowStepId: input.workflowStepId });
    return { ...r, ticketId: ticket.id };
  });
}

/** The ticket and its workspace, if the caller may dispatch it (see dispatchTicket, step 1). */
async function dispatchableTicket(tx: Ctx, ticketId: string): Promise<{ ticket: TicketRow; workspace: typeof workspaces.$inferSelect }> {
  const me = tx.principal;
  if (me.kind === 'system') {
    const [row] = await tx.db.select({ ticket: tickets, workspace: workspaces }).from(tickets).innerJoin(workspaces, eq(workspaces.id, tickets.workspaceId)).where(eq(tickets.id, ticketId)).limit(1);
    if (!row) throw notFound('ticket');
    return row;
  }
  if (me.kind !== 'user' && me.kind !== 'agent') throw unauthenticated();
  const a = await requireTicketAccess(tx, ticketId);
  if (me.kind === 'agent') throw forbidden(DISPATCH_REFUSALS.agentsCannot);
  if (!roleAllows(a.access.effectiveRole, 'tickets.dispatch')) throw forbidden(`your role (${a.access.effectiveRole}) cannot dispatch tickets here`);
  return { ticket: a.ticket, workspace: a.access.workspace };
}

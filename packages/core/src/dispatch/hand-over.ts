// The part of the dispatch door that a ticket and a task without one share (ADR 0017, 0018): which agent may take
// dispatched work, and the hand-over itself — the execution it starts, the event and activity entry that record it,
// and the task sent on the agent's channel (for `endpoint`: the signed, retried `dispatch` delivery, whose body is
// built here once). dispatch-ticket.ts and dispatch-task.ts only check what is their own (the ticket; the
// workspace) and call these.
import { ZDispatchDeliveryPayload, type DispatchedTask } from '@mc/contracts';
import { agents, type workspaces } from '@mc/db';
import { and, eq, isNull } from 'drizzle-orm';
import { actorOf, recordActivity } from '../activity/record-activity';
import type { Ctx } from '../context';
import { conflict, notFound } from '../errors';
import { emitEvent } from '../events/emit-event';
import { openExecution } from '../executions/open-execution';
import { toTicketDto, type TicketRow } from '../tickets/ticket-dto';
import { enqueueDispatchDelivery } from '../webhooks/enqueue-dispatch-delivery';
import { claimForGatewayRun, queueGatewayDispatch } from './gateway-queue';
import { DISPATCH_REFUSALS, dispatchChannelOf, DISPATCHABLE_AGENT_STATUSES, type DispatchChannel } from './dispatch.rules';

export type DispatchWorkspace = typeof workspaces.$inferSelect;
export interface DispatchAgent {
  id: string;
  name: string;
  status: string;
  endpoint: string | null;
  /** The gateway and the agent there this agent is linked to (the `gateway` channel), or null. */
  gatewayId: string | null;
  gatewayAgentId: string | null;
}

/** What a dispatch returns, with a ticket or without (`ticketId` null). */
export interface HandOverResult {
  executionId: string;
  ticketId: string | null;
  agentId: string;
  channel: DispatchChannel;
  /** The signed delivery (`endpoint`); null for `gateway` (queued on the execution). */
  deliveryId: string | null;
}

/** Where the agent reports on the execution it is handed (PATCH, with its own agent key). */
export const REPORT_PATH = (executionId: string) => `/api/v1/executions/${executionId}`;

/**
 * The agent a dispatch goes to, with the channel that reaches it: an agent of `workspaceId` (404 otherwise, as for
 * anything the caller cannot see there), active (409 `agent_inactive`) and reachable (409 `agent_unreachable`).
 */
export async function dispatchableAgent(tx: Ctx, workspaceId: string, agentId: string): Promise<{ agent: DispatchAgent; channel: DispatchChannel }> {
  const [agent] = await tx.db
    .select({ id: agents.id, name: agents.name, status: agents.status, endpoint: agents.endpoint, gatewayId: agents.gatewayId, gatewayAgentId: agents.gatewayAgentId })
    .from(agents)
    .where(and(eq(agents.id, agentId), eq(agents.workspaceId, workspaceId), isNull(agents.deletedAt)))
    .limit(1);
  if (!agent) throw notFound('agent');
  if (!(DISPATCHABLE_AGENT_STATUSES as readonly string[]).includes(agent.status)) {
    throw conflict(DISPATCH_REFUSALS.agentInactive(agent.name, agent.status), { reason: 'agent_inactive', agentId: agent.id, agentStatus: agent.status });
  }
  const channel = dispatchChannelOf(agent);
  if (!channel) throw conflict(DISPATCH_REFUSALS.agentUnreachable(agent.name), { reason: 'agent_unreachable', agentId: agent.id });
  return { agent, channel };
}

export interface HandOverInput {
  workspace: DispatchWorkspace;
  agent: DispatchAgent;
  channel: DispatchChannel;
  /** The ticket handed over; null for a task without one (a cron whose task creates no ticket, a workflow step). */
  ticket: TicketRow | null;
  task: DispatchedTask;
  cronRunId?: string | null;
  workflowStepId?: string | null;
}

/**
 * Hand the work to the agent, in the caller's transaction, once every check of the door has passed: start its
 * execution (`running`, carrying `cronRunId` / `workflowStepId`, so its tokens and cost count for them), record the
 * dispatch (`ticket.dispatched` on the ticket, or `task.dispatched` on the execution, with an activity entry), and
 * send the task on the agent's channel. The event is the one the delivery belongs to and, being in
 * DELIVERY_WRITING_EVENTS, what wakes the delivery worker.
 */
export async function handOver(tx: Ctx, input: HandOverInput): Promise<HandOverResult> {
  const { workspace, agent, channel, ticket, task } = input;
  const execution = await openExecution(tx, {
    workspaceId: workspace.id,
    agentId: agent.id,
    ticketId: ticket?.id ?? null,
    cronRunId: input.cronRunId,
    workflowStepId: input.workflowStepId,
    summary: ticket ? `dispatched #${ticket.number} to ${agent.name}: execution started` : `dispatched "${task.title}" to ${agent.name} (no ticket): execution started`,
  });
  const links = { executionId: execution.id, channel, cronRunId: execution.cronRunId, workflowStepId: execution.workflowStepId };
  const agentRef = { id: agent.id, name: agent.name };
  let eventId: string;
  let occurredAt: Date;
  if (ticket) {
    const event = await emitEvent(
      tx,
      'ticket.dispatched',
      workspace.id,
      { ticket: { id: ticket.id, number: ticket.number, title: ticket.title, status: ticket.status }, agent: agentRef, ...links },
      { ticketId: ticket.id, agentId: agent.id },
    );
    await recordActivity(tx, {
      workspaceId: workspace.id,
      action: 'ticket.dispatched',
      target: { kind: 'ticket', id: ticket.id },
      summary: `dispatched #${ticket.number} ${ticket.title} to ${agent.name}`,
      metadata: { agentId: agent.id, ...links },
    });
    ({ id: eventId, occurredAt } = event);
  } else {
    const event = await emitEvent(tx, 'task.dispatched', workspace.id, { task: { title: task.title }, agent: agentRef, ...links }, { agentId: agent.id });
    await recordActivity(tx, {
      workspaceId: workspace.id,
      action: 'task.dispatched',
      target: { kind: 'execution', id: execution.id },
      summary: `dispatched "${task.title}" to ${agent.name} without a ticket`,
      metadata: { agentId: agent.id, ...links },
    });
    ({ id: eventId, occurredAt } = event);
  }
  const deliveryId = await sendTask(tx, { ...input, executionId: execution.id, eventId, occurredAt, cronRunId: execution.cronRunId, workflowStepId: execution.workflowStepId });
  return { executionId: execution.id, ticketId: ticket?.id ?? null, agentId: agent.id, channel, deliveryId };
}

/** Send the task on the agent's channel; returns what tracks it (for `endpoint`, the delivery id). */
async function sendTask(
  tx: Ctx,
  s: HandOverInput & { executionId: string; eventId: string; occurredAt: Date; cronRunId: string | null; workflowStepId: string | null },
): Promise<string | null> {
  switch (s.channel) {
    case 'gateway':
      // Never the gateway itself in a request (ADR 0023): the ticket is claimed for the agent, the execution queued
      // for the gateway, and its owner process woken when this transaction commits.
      if (s.ticket) await claimForGatewayRun(tx, s.ticket, s.agent, s.executionId);
      await queueGatewayDispatch(tx, s.executionId, s.agent.gatewayId!, s.task);
      return null;
    case 'endpoint': {
      const ticket = s.ticket ? (({ allowedMoves: _none, ...dto }) => dto)(toTicketDto(s.ticket, [])) : null;
      const base = tx.config.publicUrl?.replace(/\/+$/, '') ?? null;
      return enqueueDispatchDelivery(tx, {
        workspaceId: s.workspace.id,
        agentId: s.agent.id,
        executionId: s.executionId,
        eventId: s.eventId,
        // The body is checked against the published schema (DispatchDeliveryPayload), as events are against the catalog.
        payload: (id) =>
          ZDispatchDeliveryPayload.parse({
            id,
            type: 'dispatch',
            version: 1,
            workspaceId: s.workspace.id,
            occurredAt: s.occurredAt.toISOString(),
            actor: actorOf(tx.principal),
            data: {
              execution: { id: s.executionId, reportPath: REPORT_PATH(s.executionId), reportUrl: base ? `${base}${REPORT_PATH(s.executionId)}` : null },
              agent: { id: s.agent.id, name: s.agent.name },
              ticket,
              task: s.task,
              workspace: { id: s.workspace.id, slug: s.workspace.slug, name: s.workspace.name, mission: s.workspace.mission, defaultRepository: s.workspace.defaultRepository },
              cronRunId: s.cronRunId,
              workflowStepId: s.workflowStepId,
            },
          }),
      });
    }
  }
}

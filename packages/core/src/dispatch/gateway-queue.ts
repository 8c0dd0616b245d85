// The request side of the `gateway` channel (ADR 0023): what the dispatch door writes for an agent linked to an
// OpenClaw gateway. Nothing here talks to the gateway; the process that owns the gateway's connection picks the
// queued execution up (gateway-dispatch.ts) once this transaction commits.
import type { DispatchedTask } from '@mc/contracts';
import { executions, tickets } from '@mc/db';
import { and, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import type { Ctx } from '../context';
import { conflict } from '../errors';
import { signalGatewayWork } from '../gateways/gateway-handlers';
import type { TicketRow } from '../tickets/ticket-dto';
import { CLAIM_LEASE_MS } from '../tickets/tickets.rules';
import { DISPATCH_REFUSALS } from './dispatch.rules';

/** Ticket statuses a gateway dispatch claims the ticket in (it moves to / stays in_progress); pr_review is left as it is. */
const CLAIMED_ON_DISPATCH = ['todo', 'in_progress'] as const;

/**
 * A gateway agent does not claim through the REST API before it works (it is handed the run), so the dispatch
 * claims the ticket for it: in_progress, held by the agent, with a lease the run's lifecycle events renew
 * (gateway-dispatch.ts) so that the sweeper does not take it back while the run is alive. A ticket held by another
 * agent whose lease still runs is refused (409 `ticket_held`); its own holder's claim is renewed.
 */
export async function claimForGatewayRun(tx: Ctx, ticket: TicketRow, agent: { id: string; name: string }, executionId: string): Promise<void> {
  if (!(CLAIMED_ON_DISPATCH as readonly string[]).includes(ticket.status)) return;
  const now = tx.clock.now();
  const lease = new Date(now.getTime() + CLAIM_LEASE_MS);
  const [row] = await tx.db
    .update(tickets)
    .set({
      status: 'in_progress',
      claimedByAgentId: agent.id,
      claimedAt: sql`CASE WHEN ${tickets.claimedByAgentId} = ${agent.id} THEN ${tickets.claimedAt} ELSE ${now.toISOString()}::timestamptz END`,
      leaseExpiresAt: lease,
      statusChangedAt: sql`CASE WHEN ${tickets.status} = 'in_progress' THEN ${tickets.statusChangedAt} ELSE ${now.toISOString()}::timestamptz END`,
      updatedAt: now,
      version: sql`${tickets.version} + 1`,
    })
    .where(
      and(
        eq(tickets.id, ticket.id),
        inArray(tickets.status, [...CLAIMED_ON_DISPATCH]),
        or(isNull(tickets.claimedByAgentId), eq(tickets.claimedByAgentId, agent.id), lte(tickets.leaseExpiresAt, now), isNull(tickets.leaseExpiresAt)),
      ),
    )
    .returning({ id: tickets.id });
  if (!row) {
    throw conflict(DISPATCH_REFUSALS.ticketHeld(ticket.number, ticket.claimedByAgentId ?? 'another agent'), { reason: 'ticket_held', holderAgentId: ticket.claimedByAgentId });
  }
  await recordActivity(tx, {
    workspaceId: ticket.workspaceId,
    action: 'ticket.claimed',
    target: { kind: 'ticket', id: ticket.id },
    summary: `claimed #${ticket.number} for ${agent.name} (dispatched to its gateway)`,
    metadata: { agentId: agent.id, executionId, leaseExpiresAt: lease.toISOString(), from: ticket.status, to: 'in_progress', via: 'gateway_dispatch' },
  });
}

/** Mark the execution queued for `gatewayId` and wake the gateway's owner when the transaction commits. */
export async function queueGatewayDispatch(tx: Ctx, executionId: string, gatewayId: string, task: DispatchedTask): Promise<void> {
  await tx.db.update(executions).set({ gatewayId, dispatchState: 'queued', gatewayTask: task }).where(eq(executions.id, executionId));
  await signalGatewayWork(tx, gatewayId);
}

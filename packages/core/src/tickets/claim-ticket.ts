import { agents, tickets } from '@mc/db';
import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { requireAgent } from '../auth/guards';
import { inTransaction, type Ctx } from '../context';
import { DomainError, notFound } from '../errors';
import { emitEvent } from '../events/emit-event';
import { toTicketDto } from './ticket-dto';
import { allowedNextStatuses, CLAIM_LEASE_MS, type TicketStatus } from './tickets.rules';

/** The poll's condition, shared with the claim so that what is offered is exactly what can be claimed. */
export function claimableBy(agent: { agentId: string; workspaceId: string; capabilities: string[] }) {
  return and(
    eq(tickets.workspaceId, agent.workspaceId),
    eq(tickets.status, 'todo'),
    isNull(tickets.claimedByAgentId),
    or(and(isNull(tickets.assigneeAgentId), isNull(tickets.assigneeUserId)), eq(tickets.assigneeAgentId, agent.agentId)),
    sql`${tickets.requiredCapabilities} <@ ${JSON.stringify(agent.capabilities)}::jsonb`,
  );
}

/**
 * PATCH /tickets/{id}/claim — one conditional UPDATE: of many racing agents exactly one wins; the others get
 * 409 CONFLICT naming the holder. The claim moves the ticket to in_progress and starts a lease that the
 * holder's writes and heartbeats renew. Claiming a ticket you already hold just renews the lease.
 */
export async function claimTicket(ctx: Ctx, ticketId: string) {
  const me = requireAgent(ctx);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const leaseExpiresAt = new Date(now.getTime() + CLAIM_LEASE_MS);
    const [won] = await tx.db
      .update(tickets)
      .set({
        claimedByAgentId: me.agentId,
        claimedAt: now,
        leaseExpiresAt,
        status: 'in_progress',
        statusChangedAt: now,
        updatedAt: now,
        version: sql`${tickets.version} + 1`,
      })
      .where(and(eq(tickets.id, ticketId), claimableBy(me)))
      .returning();
    if (won) {
      await recordActivity(tx, {
        workspaceId: won.workspaceId,
        action: 'ticket.claimed',
        target: { kind: 'ticket', id: won.id },
        summary: `claimed #${won.number} ${won.title}`,
        metadata: { leaseExpiresAt: leaseExpiresAt.toISOString(), from: 'todo', to: 'in_progress' },
      });
      await emitEvent(tx, 'ticket.claimed', won.workspaceId, { ticket: { id: won.id, number: won.number, title: won.title, status: won.status }, agentId: me.agentId, leaseExpiresAt: leaseExpiresAt.toISOString() }, { ticketId: won.id, agentId: me.agentId, status: won.status });
      return toTicketDto(won);
    }
    // Lost, or not claimable: say precisely why.
    const [t] = await tx.db
      .select()
      .from(tickets)
      .where(and(eq(tickets.id, ticketId), eq(tickets.workspaceId, me.workspaceId)))
      .limit(1);
    if (!t) throw notFound('ticket');
    if (t.claimedByAgentId === me.agentId && t.status === 'in_progress') {
      const [renewed] = await tx.db
        .update(tickets)
        .set({ leaseExpiresAt, updatedAt: now })
        .where(eq(tickets.id, t.id))
        .returning();
      return toTicketDto(renewed);
    }
    if (t.claimedByAgentId) {
      const [holder] = await tx.db.select({ name: agents.name }).from(agents).where(eq(agents.id, t.claimedByAgentId));
      throw new DomainError('CONFLICT', `ticket #${t.number} is already claimed by ${holder?.name ?? t.claimedByAgentId}`, {
        claimedBy: t.claimedByAgentId,
        claimedByName: holder?.name ?? null,
        leaseExpiresAt: t.leaseExpiresAt?.toISOString() ?? null,
      });
    }
    if (t.status !== 'todo') {
      throw new DomainError('INVALID_TRANSITION', `ticket #${t.number} is ${t.status}; only todo tickets can be claimed`, {
        from: t.status,
        allowed: allowedNextStatuses(t.status as TicketStatus),
      });
    }
    if (t.assigneeAgentId || t.assigneeUserId) {
      throw new DomainError('CONFLICT', `ticket #${t.number} is assigned to someone else`, {
        assignee: t.assigneeAgentId ?? t.assigneeUserId,
      });
    }
    const missing = t.requiredCapabilities.filter((c) => !me.capabilities.includes(c));
    throw new DomainError('CONFLICT', `this agent lacks the capabilities the ticket requires: ${missing.join(', ')}`, { missingCapabilities: missing });
  });
}

/** Renew every lease the agent holds (heartbeat, and any write of the holder). */
export async function renewLeases(ctx: Ctx, agentId: string): Promise<number> {
  const now = ctx.clock.now();
  const res = await ctx.db
    .update(tickets)
    .set({ leaseExpiresAt: new Date(now.getTime() + CLAIM_LEASE_MS) })
    .where(and(eq(tickets.claimedByAgentId, agentId), eq(tickets.status, 'in_progress')))
    .returning({ id: tickets.id });
  return res.length;
}

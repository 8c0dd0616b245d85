import { tickets } from '@mc/db';
import { and, eq, isNotNull, lt, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { asSystem, inTransaction, type Ctx } from '../context';
import { DomainError, forbidden } from '../errors';
import { emitEvent } from '../events/emit-event';
import { explainWithLease } from './lease';
import { assertCanWrite, requireTicketAccess, standingOf, ticketAnswer } from './ticket-access';
import { allowedNextStatuses, type TicketStatus } from './tickets.rules';

/**
 * POST /tickets/{id}/release — the holder gives the ticket back (in_progress → todo), or an admin forces it
 * (audited as a force-release). Only a ticket in progress is released: from pr_review on, the holder stays on
 * record as who did the work (ratings credit it), so releasing it then is INVALID_TRANSITION, not a quiet change of
 * credit. Each refusal says its reason, and an agent whose lease expired is told so (lease.ts).
 */
export async function releaseTicket(ctx: Ctx, ticketId: string, input: { reason?: string } = {}) {
  return inTransaction(ctx, async (tx) => {
    const a = await requireTicketAccess(tx, ticketId, { lock: true });
    assertCanWrite(a);
    const t = a.ticket;
    const isHolder = a.movers.includes('holder');
    const from = t.status as TicketStatus;
    if (from !== 'in_progress' && from !== 'todo') {
      throw new DomainError('INVALID_TRANSITION', `ticket #${t.number} is ${from}: only a ticket in progress can be released`, {
        from,
        to: 'todo',
        allowed: allowedNextStatuses(from),
      });
    }
    if (!t.claimedByAgentId) {
      throw await explainWithLease(tx, t, new DomainError('CONFLICT', `ticket #${t.number} is not claimed by anyone`, { reason: 'not_claimed' }));
    }
    if (!isHolder && !a.isAdmin) {
      throw await explainWithLease(tx, t, forbidden('only the agent holding this ticket or a workspace admin can release it'));
    }
    const now = tx.clock.now();
    const backToTodo = t.status === 'in_progress';
    const [row] = await tx.db
      .update(tickets)
      .set({
        claimedByAgentId: null,
        claimedAt: null,
        leaseExpiresAt: null,
        ...(backToTodo ? { status: 'todo', statusChangedAt: now } : {}),
        updatedAt: now,
        version: sql`${tickets.version} + 1`,
      })
      .where(eq(tickets.id, ticketId))
      .returning();
    await recordActivity(tx, {
      workspaceId: row.workspaceId,
      action: isHolder ? 'ticket.released' : 'ticket.force_released',
      target: { kind: 'ticket', id: row.id },
      summary: isHolder ? `released #${row.number}` : `force-released #${row.number} from its holder`,
      metadata: { previousHolder: a.ticket.claimedByAgentId, reason: input.reason ?? null, from: a.ticket.status, to: row.status },
      status: row.status,
    });
    await emitEvent(tx, 'ticket.released', row.workspaceId, { ticket: { id: row.id, number: row.number, title: row.title, status: row.status }, previousHolder: a.ticket.claimedByAgentId, reason: isHolder ? 'released' : 'force_released' }, { ticketId: row.id, status: row.status });
    return ticketAnswer(tx, row, standingOf(a.access));
  });
}

/**
 * Put tickets whose lease ran out back in To-do (the holder crashed or went silent) and log each one.
 * Runs every few seconds; safe to run in several processes at once (SKIP LOCKED).
 */
export async function releaseExpiredLeases(ctx: Ctx, batch = 100): Promise<number> {
  const sys = asSystem(ctx, 'lease-sweeper');
  return inTransaction(sys, async (tx) => {
    const now = tx.clock.now();
    const expired = await tx.db
      .select()
      .from(tickets)
      .where(and(eq(tickets.status, 'in_progress'), isNotNull(tickets.leaseExpiresAt), lt(tickets.leaseExpiresAt, now)))
      .limit(batch)
      .for('update', { skipLocked: true });
    for (const t of expired) {
      await tx.db
        .update(tickets)
        .set({
          status: 'todo',
          claimedByAgentId: null,
          claimedAt: null,
          leaseExpiresAt: null,
          statusChangedAt: now,
          updatedAt: now,
          version: sql`${tickets.version} + 1`,
        })
        .where(eq(tickets.id, t.id));
      await recordActivity(tx, {
        workspaceId: t.workspaceId,
        action: 'ticket.lease_expired',
        target: { kind: 'ticket', id: t.id },
        summary: `lease on #${t.number} expired; back to To-do`,
        metadata: { previousHolder: t.claimedByAgentId, leaseExpiresAt: t.leaseExpiresAt?.toISOString() },
        status: 'todo',
      });
      // The event notifies the agent that lost the lease (notify.ts: `lease_expired`, also pushed to its endpoint).
      await emitEvent(
        tx,
        'ticket.released',
        t.workspaceId,
        {
          ticket: { id: t.id, number: t.number, title: t.title, status: 'todo' },
          previousHolder: t.claimedByAgentId,
          reason: 'lease_expired',
          ...(t.leaseExpiresAt ? { leaseExpiredAt: t.leaseExpiresAt.toISOString() } : {}),
        },
        { ticketId: t.id, status: 'todo' },
      );
    }
    return expired.length;
  });
}

import { tickets } from '@mc/db';
import { and, eq, isNotNull, lt, sql } from 'drizzle-orm';
import { actorOf, recordActivity } from '../activity/record-activity';
import { asSystem, inTransaction, type Ctx } from '../context';
import { conflict, forbidden, invalidTransition } from '../errors';
import { emitEvent } from '../events/emit-event';
import { explainWithLease } from './lease';
import { assertCanWrite, requireTicketAccess, standingOf, ticketAnswer } from './ticket-access';
import { noticeDrafts } from './ticket-notices';
import { allowedNextStatuses, claimAfter, edgeOf, fill, RELEASE_REFUSALS, type TicketStatus } from './tickets.rules';

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
    // The two release edges of the lifecycle: by the holder, or forced by an admin; same from, to and claim effect.
    const release = edgeOf('release');
    const forced = edgeOf('force_release');
    const isHolder = a.movers.includes('holder');
    const from = t.status as TicketStatus;
    const vars = { number: t.number, from, to: release.to };
    // A ticket in `to` (To-do) that still names a holder is released in place; any other status is not in progress.
    if (from !== release.from && from !== release.to) {
      throw invalidTransition(fill(RELEASE_REFUSALS.notInProgress, vars), { from, to: release.to, allowed: allowedNextStatuses(from) });
    }
    if (!t.claimedByAgentId) {
      throw await explainWithLease(tx, t, conflict(fill(RELEASE_REFUSALS.notClaimed, vars), { reason: 'not_claimed' }));
    }
    const edge = isHolder ? release : a.movers.includes('admin') ? forced : null;
    if (!edge) throw await explainWithLease(tx, t, forbidden(fill(release.refused!, vars)));
    const now = tx.clock.now();
    const [row] = await tx.db
      .update(tickets)
      .set({
        ...claimAfter(edge.claim, t, now),
        ...(from === edge.from ? { status: edge.to, statusChangedAt: now } : {}),
        updatedAt: now,
        version: sql`${tickets.version} + 1`,
      })
      .where(eq(tickets.id, ticketId))
      .returning();
    await recordActivity(tx, {
      workspaceId: row.workspaceId,
      action: edge.activity,
      target: { kind: 'ticket', id: row.id },
      summary: isHolder ? `released #${row.number}` : `force-released #${row.number} from its holder`,
      metadata: { previousHolder: a.ticket.claimedByAgentId, reason: input.reason ?? null, from: a.ticket.status, to: row.status },
      status: row.status,
    });
    await emitEvent(
      tx,
      edge.event,
      row.workspaceId,
      { ticket: { id: row.id, number: row.number, title: row.title, status: row.status }, previousHolder: a.ticket.claimedByAgentId, reason: edge === release ? 'released' : 'force_released' },
      { ticketId: row.id, status: row.status },
      noticeDrafts(edge.notify, t, row, { actor: actorOf(tx.principal).name, from, to: row.status }),
    );
    return ticketAnswer(tx, row, standingOf(a.access));
  });
}

/**
 * Put tickets whose lease ran out back in To-do (the holder crashed or went silent) and log each one.
 * Runs every few seconds; safe to run in several processes at once (SKIP LOCKED).
 */
export async function releaseExpiredLeases(ctx: Ctx, batch = 100): Promise<number> {
  const sys = asSystem(ctx, 'lease-sweeper');
  const edge = edgeOf('lease_expiry');
  return inTransaction(sys, async (tx) => {
    const now = tx.clock.now();
    const expired = await tx.db
      .select()
      .from(tickets)
      .where(and(eq(tickets.status, edge.from), isNotNull(tickets.leaseExpiresAt), lt(tickets.leaseExpiresAt, now)))
      .limit(batch)
      .for('update', { skipLocked: true });
    for (const t of expired) {
      const [row] = await tx.db
        .update(tickets)
        .set({
          status: edge.to,
          ...claimAfter(edge.claim, t, now),
          statusChangedAt: now,
          updatedAt: now,
          version: sql`${tickets.version} + 1`,
        })
        .where(eq(tickets.id, t.id))
        .returning();
      await recordActivity(tx, {
        workspaceId: t.workspaceId,
        action: edge.activity,
        target: { kind: 'ticket', id: t.id },
        summary: `lease on #${t.number} expired; back to To-do`,
        metadata: { previousHolder: t.claimedByAgentId, leaseExpiresAt: t.leaseExpiresAt?.toISOString() },
        status: edge.to,
      });
      // The edge's notice tells the agent that lost the lease (`lease_expired`, also pushed to its endpoint).
      const leaseExpiredAt = t.leaseExpiresAt?.toISOString();
      await emitEvent(
        tx,
        edge.event,
        t.workspaceId,
        {
          ticket: { id: t.id, number: t.number, title: t.title, status: edge.to },
          previousHolder: t.claimedByAgentId,
          reason: 'lease_expired',
          ...(t.leaseExpiresAt ? { leaseExpiredAt: t.leaseExpiresAt.toISOString() } : {}),
        },
        { ticketId: t.id, status: edge.to },
        noticeDrafts(edge.notify, t, row, { actor: actorOf(tx.principal).name, leaseExpiredAt: leaseExpiredAt ?? now.toISOString() }),
      );
    }
    return expired.length;
  });
}

import { tickets } from '@mc/db';
import { eq, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { forbidden } from '../errors';
import { emitEvent } from '../events/emit-event';
import { resolveAssignee } from './create-ticket';
import { assertCanWrite, requireTicketAccess, standingOf, ticketAnswer } from './ticket-access';

/**
 * PUT /tickets/{id}/assignee {agentId | userId | neither} — a workspace admin assigns (or unassigns). An assigned
 * ticket is offered by the poll only to its assignee.
 */
export async function assignTicket(ctx: Ctx, ticketId: string, input: { agentId?: string | null; userId?: string | null }) {
  return inTransaction(ctx, async (tx) => {
    const a = await requireTicketAccess(tx, ticketId, { lock: true });
    assertCanWrite(a);
    if (!a.isAdmin) throw forbidden('only a workspace admin assigns tickets');
    const assignee = await resolveAssignee(tx, a.ticket.workspaceId, {
      agentId: input.agentId ?? undefined,
      userId: input.userId ?? undefined,
    });
    const now = tx.clock.now();
    const [row] = await tx.db
      .update(tickets)
      .set({ ...assignee, updatedAt: now, version: sql`${tickets.version} + 1` })
      .where(eq(tickets.id, ticketId))
      .returning();
    const who = assignee.assigneeAgentId ?? assignee.assigneeUserId;
    await recordActivity(tx, {
      workspaceId: row.workspaceId,
      action: who ? 'ticket.assigned' : 'ticket.unassigned',
      target: { kind: 'ticket', id: row.id },
      summary: who ? `assigned #${row.number}` : `unassigned #${row.number}`,
      metadata: { agentId: assignee.assigneeAgentId, userId: assignee.assigneeUserId, previous: a.ticket.assigneeAgentId ?? a.ticket.assigneeUserId },
    });
    const asRef = (agentId: string | null, userId: string | null) =>
      agentId ? { kind: 'agent' as const, id: agentId } : userId ? { kind: 'user' as const, id: userId } : null;
    await emitEvent(
      tx,
      'ticket.assigned',
      row.workspaceId,
      { ticket: { id: row.id, number: row.number, title: row.title, status: row.status }, assignee: asRef(assignee.assigneeAgentId, assignee.assigneeUserId), previous: asRef(a.ticket.assigneeAgentId, a.ticket.assigneeUserId) },
      { ticketId: row.id, agentId: assignee.assigneeAgentId ?? undefined },
    );
    return ticketAnswer(tx, row, standingOf(a.access));
  });
}

import { epics, tickets } from '@mc/db';
import { and, eq, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { DomainError, staleVersion } from '../errors';
import { emitEvent } from '../events/emit-event';
import { assertCanWrite, isHeld, requireTicketAccess } from './ticket-access';
import { toTicketDto, type TicketRow } from './ticket-dto';
import { recordPullRequestLinks } from './ticket-links';
import {
  allowedNextStatuses,
  CLAIM_LEASE_MS,
  moverMay,
  PRIORITY_RANK,
  transitionAllowed,
  type TicketPriority,
  type TicketStatus,
} from './tickets.rules';

export interface UpdateTicketInput {
  title?: string;
  description?: string;
  priority?: TicketPriority;
  labels?: string[];
  epicId?: string | null;
  requiredCapabilities?: string[];
  wikiRefs?: string[];
  status?: TicketStatus;
  /** Why a ticket is closed ("won't do", "duplicate of #12"). */
  closedReason?: string;
  version?: number;
}

/** What the claim and lease become when a ticket enters `to`. */
function claimAfterMove(t: TicketRow, to: TicketStatus, now: Date): Partial<TicketRow> {
  switch (to) {
    case 'todo':
      return { claimedByAgentId: null, claimedAt: null, leaseExpiresAt: null };
    case 'in_progress':
      return t.claimedByAgentId ? { leaseExpiresAt: new Date(now.getTime() + CLAIM_LEASE_MS) } : {};
    case 'pr_review':
    case 'done':
    case 'closed':
      // The holder stays on record as who did the work; only the lease ends.
      return { leaseExpiresAt: null };
  }
}

/**
 * PATCH /tickets/{id} — edit fields and/or move the status through the state machine (tickets.rules.ts).
 * A refused move is 409 INVALID_TRANSITION listing the allowed next states; a move the caller may not make
 * (a claimed ticket moved by someone other than its holder, assignee or an admin) is 403.
 */
export async function updateTicket(ctx: Ctx, ticketId: string, input: UpdateTicketInput) {
  return inTransaction(ctx, async (tx) => {
    const a = await requireTicketAccess(tx, ticketId, { lock: true });
    assertCanWrite(a);
    const t = a.ticket;
    if (input.version !== undefined && input.version !== t.version) {
      throw staleVersion('ticket', t.version, input.version);
    }
    const now = tx.clock.now();
    const changes: Partial<TicketRow> = {};
    if (input.title !== undefined) changes.title = input.title;
    if (input.description !== undefined) changes.description = input.description;
    if (input.priority !== undefined) changes.priority = PRIORITY_RANK[input.priority];
    if (input.labels !== undefined) changes.labels = [...new Set(input.labels)];
    if (input.requiredCapabilities !== undefined) changes.requiredCapabilities = [...new Set(input.requiredCapabilities)];
    if (input.wikiRefs !== undefined) changes.wikiRefs = [...new Set(input.wikiRefs)];
    if (input.epicId !== undefined) {
      if (input.epicId) {
        const [epic] = await tx.db.select({ id: epics.id }).from(epics).where(and(eq(epics.id, input.epicId), eq(epics.workspaceId, t.workspaceId)));
        if (!epic) throw new DomainError('VALIDATION_ERROR', 'epicId: no such epic in this workspace', { issues: [{ field: 'epicId', in: 'body', message: 'no such epic' }] });
      }
      changes.epicId = input.epicId;
    }

    const from = t.status as TicketStatus;
    const to = input.status;
    const moving = to !== undefined && to !== from;
    if (moving) {
      if (!transitionAllowed(from, to)) {
        throw new DomainError('INVALID_TRANSITION', `a ticket cannot go from ${from} to ${to}`, { from, to, allowed: allowedNextStatuses(from) });
      }
      if (ctx.principal.kind === 'agent' && from === 'todo' && to === 'in_progress' && !a.movers.includes('holder')) {
        throw new DomainError('CONFLICT', 'agents start work by claiming: PATCH /api/v1/tickets/{id}/claim');
      }
      if (!moverMay(from, to, a.movers)) {
        throw new DomainError('FORBIDDEN', isHeld(t)
          ? 'this ticket is claimed: only its holder, its assignee or a workspace admin can move it'
          : `you cannot move a ticket from ${from} to ${to}`, { from, to });
      }
      Object.assign(changes, { status: to, statusChangedAt: now }, claimAfterMove(t, to, now));
      if (to === 'closed') changes.closedReason = input.closedReason ?? null;
    } else if (input.closedReason !== undefined && from === 'closed') {
      changes.closedReason = input.closedReason;
    }
    // Any write of the holder renews its lease.
    if (a.movers.includes('holder') && (changes.status ?? from) === 'in_progress') {
      changes.leaseExpiresAt = new Date(now.getTime() + CLAIM_LEASE_MS);
    }
    // Nothing to write (an empty PATCH, or a move to the status it already has): answer without a new version.
    if (Object.keys(changes).length === 0) return toTicketDto(t);
    const [row] = await tx.db
      .update(tickets)
      .set({ ...changes, updatedAt: now, version: sql`${tickets.version} + 1` })
      .where(eq(tickets.id, t.id))
      .returning();
    if (input.description !== undefined) {
      await recordPullRequestLinks(tx, {
        workspaceId: t.workspaceId,
        ticketId: t.id,
        commentId: null,
        text: input.description,
        defaultRepository: a.access.workspace.defaultRepository,
      });
    }
    const edited = Object.keys(changes).filter((k) => !['status', 'statusChangedAt', 'leaseExpiresAt', 'claimedByAgentId', 'claimedAt', 'closedReason'].includes(k));
    if (moving) {
      await recordActivity(tx, {
        workspaceId: t.workspaceId,
        action: 'ticket.moved',
        target: { kind: 'ticket', id: t.id },
        summary: `moved #${t.number} from ${from} to ${to}`,
        metadata: { from, to, closedReason: changes.closedReason ?? null },
      });
    }
    if (edited.length) {
      await recordActivity(tx, {
        workspaceId: t.workspaceId,
        action: 'ticket.updated',
        target: { kind: 'ticket', id: t.id },
        summary: `edited ${edited.join(', ')} of #${t.number}`,
        metadata: { fields: edited },
      });
    }
    const live = { ticketId: t.id, status: row.status };
    if (moving) await emitEvent(tx, 'ticket.moved', t.workspaceId, { ticket: { id: row.id, number: row.number, title: row.title, status: row.status }, from, to: to! }, live);
    if (edited.length) await emitEvent(tx, 'ticket.updated', t.workspaceId, { ticket: { id: row.id, number: row.number, title: row.title, status: row.status }, fields: edited }, live);
    return toTicketDto(row);
  });
}

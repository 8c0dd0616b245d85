// A lost lease, as the agent that lost it is told: the sweeper's `ticket.lease_expired` entry names the previous
// holder and when its lease ran out. Read only when a request of that agent is refused (never on the hot paths), so
// that the refusal can say what really happened instead of "cannot go from todo to pr_review".
import { activity } from '@mc/db';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Ctx } from '../context';
import { retold, type DomainError } from '../errors';
import { LEASE_MINUTES } from './tickets.rules';

export interface LostLease {
  /** When the lease ran out (ISO-8601). */
  leaseExpiredAt: string;
}

/** How far back in a ticket's claim history to look: a few claims and expiries, never the whole log. */
const CLAIM_HISTORY_DEPTH = 20;

/**
 * Did `agentId` lose its claim on the ticket because its lease expired, without claiming it again since? The
 * ticket's claim history (`ticket.claimed`, `ticket.lease_expired`) is read newest first through the activity
 * log's target index, scoped by the ticket's workspace.
 */
export async function lostLease(ctx: Ctx, ticket: { id: string; workspaceId: string }, agentId: string): Promise<LostLease | null> {
  const rows = await ctx.db
    .select({ action: activity.action, actorId: activity.actorId, metadata: activity.metadata, createdAt: activity.createdAt })
    .from(activity)
    .where(and(eq(activity.targetId, ticket.id), eq(activity.workspaceId, ticket.workspaceId), inArray(activity.action, ['ticket.claimed', 'ticket.lease_expired'])))
    .orderBy(desc(activity.createdAt), desc(activity.id))
    .limit(CLAIM_HISTORY_DEPTH);
  for (const r of rows) {
    if (r.action === 'ticket.claimed' && r.actorId === agentId) return null;
    const meta = r.metadata as { previousHolder?: string; leaseExpiresAt?: string };
    if (r.action === 'ticket.lease_expired' && meta.previousHolder === agentId) {
      return { leaseExpiredAt: meta.leaseExpiresAt ?? r.createdAt.toISOString() };
    }
  }
  return null;
}

/** "your lease on ticket #12 expired at … (10 minutes without a heartbeat or write) and it went back to To-do" */
export const leaseExpiredSentence = (ticketNumber: number, lost: LostLease) =>
  `your lease on ticket #${ticketNumber} expired at ${lost.leaseExpiredAt} (${LEASE_MINUTES} minutes without a heartbeat or write) and it went back to To-do`;

/**
 * A refusal of an agent that lost its lease on the ticket, told as that: the same code (and details) as `refusal`,
 * the message naming the lease and what to do, `details.reason: "lease_expired"`. Other refusals pass unchanged.
 */
export async function explainWithLease(
  ctx: Ctx,
  ticket: { id: string; number: number; workspaceId: string; claimedByAgentId: string | null },
  refusal: DomainError,
): Promise<DomainError> {
  const me = ctx.principal;
  if (me.kind !== 'agent' || ticket.claimedByAgentId === me.agentId) return refusal;
  const lost = await lostLease(ctx, ticket, me.agentId);
  if (!lost) return refusal;
  const next = ticket.claimedByAgentId ? 'another agent has claimed it since' : `claim it again (PATCH /api/v1/tickets/${ticket.id}/claim) to go on`;
  return retold(refusal, `${leaseExpiredSentence(ticket.number, lost)}; ${next}`, { reason: 'lease_expired', yourLeaseExpiredAt: lost.leaseExpiredAt });
}

// A ticket's status changes, read from its activity log as the server recorded them: every entry carries the
// ticket's status after it (`status`), and moves, claims and releases also say `from` and `to` in their metadata.
// Nothing here knows which action leads where: a step is an entry after which the status differs from before.
import { isStatus } from '../../../ui/ticket-status';
import type { Activity } from '../../../ui/types';
import type { TicketStatus } from '../types';

export interface StatusStep {
  id: string;
  /** null for the creation. */
  from: TicketStatus | null;
  to: TicketStatus;
  who: string;
  at: string;
  note?: string;
}

/** How an action is said beside its step (wording only; `ticket.moved` says nothing more, or why it was closed). */
const ACTION_NOTE: Record<string, string> = {
  'ticket.claimed': 'claimed',
  'ticket.released': 'released',
  'ticket.force_released': 'force-released',
  'ticket.lease_expired': 'lease expired',
};

/** `activity` newest first (as the API lists it); the steps oldest first. */
export function statusSteps(activity: readonly Activity[], current: TicketStatus): StatusStep[] {
  const oldestFirst = [...activity].reverse();
  // The status a ticket was created in: where its first recorded change started from, else where it still is.
  const first = oldestFirst.find((a) => isStatus(a.status));
  const firstFrom = first ? (first.metadata as Record<string, unknown>).from : undefined;
  let status: TicketStatus = isStatus(firstFrom) ? firstFrom : current;
  const steps: StatusStep[] = [];
  for (const a of oldestFirst) {
    const m = a.metadata as Record<string, unknown>;
    if (a.action === 'ticket.created') {
      steps.push({ id: a.id, from: null, to: status, who: a.actor.name, at: a.createdAt });
      continue;
    }
    if (!isStatus(a.status)) continue;
    const from = isStatus(m.from) ? m.from : status;
    if (from !== a.status) {
      const reason = typeof m.closedReason === 'string' && m.closedReason ? m.closedReason : undefined;
      steps.push({ id: a.id, from, to: a.status, who: a.actor.name, at: a.createdAt, note: reason ?? ACTION_NOTE[a.action] });
    }
    status = a.status;
  }
  return steps;
}

// The statuses a ticket may be moved to now, by the caller. Interim: a copy of the state machine until ticket
// answers carry `allowedMoves` from the server.
import type { Ticket, TicketStatus } from './types';

const NEXT_STATUSES: Record<TicketStatus, readonly TicketStatus[]> = {
  todo: ['in_progress', 'closed'],
  in_progress: ['pr_review', 'todo', 'closed'],
  pr_review: ['done', 'in_progress', 'closed'],
  done: ['closed'],
  closed: [],
};

export function movesOf(t: Pick<Ticket, 'status'>, canWrite: boolean): readonly TicketStatus[] {
  return canWrite ? NEXT_STATUSES[t.status] : [];
}

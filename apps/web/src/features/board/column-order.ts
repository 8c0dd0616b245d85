// How each column is ordered: open work by priority then age (the server's `priority,createdAt`), finished work
// most recent first. The same order sorts the cards on screen after a live change or a move.
import { TICKET_PRIORITY_VALUES } from '@mc/contracts/constants';
import type { Ticket, TicketStatus } from '@/src/features/tickets/types';

const FINISHED: readonly TicketStatus[] = ['done', 'closed'];

/** The list endpoint's `sort` for a column. */
export function columnSort(status: TicketStatus): string {
  return FINISHED.includes(status) ? '-updatedAt' : 'priority,createdAt';
}

const rank = (p: Ticket['priority']) => TICKET_PRIORITY_VALUES.indexOf(p);

export function columnOrder(status: TicketStatus): (a: Ticket, b: Ticket) => number {
  return FINISHED.includes(status)
    ? (a, b) => b.statusChangedAt.localeCompare(a.statusChangedAt) || b.number - a.number
    : (a, b) => rank(a.priority) - rank(b.priority) || a.number - b.number;
}

// Ticket statuses as the dashboard says them: a module without React, so pure helpers (and their unit tests) can
// use the wording too. tickets.ts re-exports it.
import type { ZTicket } from '@mc/contracts';
import type { z } from 'zod';

export type TicketStatus = z.infer<typeof ZTicket>['status'];

/** Board order; kept in step with TICKET_STATUS_VALUES in @mc/contracts (a value import would pull zod in). */
export const STATUSES: readonly TicketStatus[] = ['todo', 'in_progress', 'pr_review', 'done', 'closed'];
export const STATUS_LABEL: Record<TicketStatus, string> = {
  todo: 'To-do',
  in_progress: 'In Progress',
  pr_review: 'PR Review',
  done: 'Done',
  closed: 'Closed',
};
export function isStatus(v: unknown): v is TicketStatus {
  return typeof v === 'string' && (STATUSES as readonly string[]).includes(v);
}

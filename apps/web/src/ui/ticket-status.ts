// Ticket statuses and priorities as the dashboard says and colours them. The names themselves (and their order)
// come from @mc/contracts/constants, a zod-free entry; this module only adds display wording, so pure helpers
// (and their unit tests) can use it without React.
import { TICKET_PRIORITY_VALUES, TICKET_STATUS_VALUES, type TicketPriorityName, type TicketStatusName } from '@mc/contracts/constants';

export type TicketStatus = TicketStatusName;
export type TicketPriority = TicketPriorityName;

export const STATUS_LABEL: Record<TicketStatus, string> = {
  todo: 'To-do',
  in_progress: 'In Progress',
  pr_review: 'PR Review',
  done: 'Done',
  closed: 'Closed',
};
export const STATUS_TONE: Record<TicketStatus, 'slate' | 'sky' | 'amber' | 'emerald' | 'indigo'> = {
  todo: 'slate',
  in_progress: 'sky',
  pr_review: 'amber',
  done: 'emerald',
  closed: 'indigo',
};

export const PRIORITY_LABEL: Record<TicketPriority, string> = { urgent: 'Urgent', high: 'High', medium: 'Medium', low: 'Low' };
export const PRIORITY_TONE: Record<TicketPriority, 'rose' | 'amber' | 'sky' | 'slate'> = { urgent: 'rose', high: 'amber', medium: 'sky', low: 'slate' };

export function isStatus(v: unknown): v is TicketStatus {
  return typeof v === 'string' && (TICKET_STATUS_VALUES as readonly string[]).includes(v);
}

export function isPriority(v: unknown): v is TicketPriority {
  return typeof v === 'string' && (TICKET_PRIORITY_VALUES as readonly string[]).includes(v);
}

// Why a move did not happen, in one sentence a person can act on: the server's refusal (its code, its message and
// the statuses it says are allowed), worded with the dashboard's status labels.
import type { ApiError } from '@/src/data/client';
import { isStatus, STATUS_LABEL } from '@/src/ui/ticket-status';
import type { Ticket, TicketStatus } from './types';

export function explainMoveError(err: ApiError, ticket: Pick<Ticket, 'number' | 'status'>, to: TicketStatus): string {
  const head = `Can't move #${ticket.number} from ${STATUS_LABEL[ticket.status]} to ${STATUS_LABEL[to]}`;
  if (err.code === 'INVALID_TRANSITION') {
    const allowed = Array.isArray(err.details?.allowed) ? (err.details.allowed as unknown[]).filter(isStatus) : [];
    return allowed.length ? `${head} — allowed: ${allowed.map((s) => STATUS_LABEL[s]).join(', ')}.` : `${head} — it cannot move anywhere from ${STATUS_LABEL[ticket.status]}.`;
  }
  if (err.code === 'CONFLICT' && err.details?.reason === 'stale_version') return `${head} — it changed meanwhile; the page now shows its latest state. Try again.`;
  if (err.code === 'NOT_FOUND') return `#${ticket.number} no longer exists or you can no longer see it.`;
  return `${head} — ${sentence(err.message)}`;
}

function sentence(message: string): string {
  const m = message.trim();
  return m.endsWith('.') ? m : `${m}.`;
}

// The ticket state machine and who may move a ticket, as data. A new status is a type error everywhere it
// matters (Record<TicketStatus, …>).

export const TICKET_STATUSES = ['todo', 'in_progress', 'pr_review', 'done', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_PRIORITIES = ['urgent', 'high', 'medium', 'low'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
/** Stored rank: lower is more urgent, so "best first" is ascending. */
export const PRIORITY_RANK: Record<TicketPriority, number> = { urgent: 0, high: 1, medium: 2, low: 3 };
export const priorityName = (rank: number): TicketPriority => TICKET_PRIORITIES[Math.min(3, Math.max(0, rank))];

/**
 * Who is moving the ticket, relative to it:
 * - `holder`: the agent holding the claim;
 * - `assignee`: the agent or member it is assigned to;
 * - `admin`: a workspace admin/owner (or instance admin);
 * - `member`: any other person who may write in the workspace (not a viewer), and only on tickets nobody holds
 *   (a claim binds while the ticket is in_progress; in pr_review the work waits for any reviewer).
 */
export type Mover = 'holder' | 'assignee' | 'admin' | 'member';

/** from → to → who may make that move. Anything not listed is 409 INVALID_TRANSITION with the allowed next states. */
export const TICKET_TRANSITIONS: Record<TicketStatus, Partial<Record<TicketStatus, readonly Mover[]>>> = {
  todo: { in_progress: ['holder', 'assignee', 'admin', 'member'], closed: ['admin'] },
  in_progress: { pr_review: ['holder', 'assignee', 'admin'], todo: ['holder', 'admin'], closed: ['admin'] },
  pr_review: { done: ['holder', 'assignee', 'admin', 'member'], in_progress: ['holder', 'assignee', 'admin', 'member'], closed: ['admin'] },
  done: { closed: ['holder', 'assignee', 'admin', 'member'] },
  closed: {},
};

export function allowedNextStatuses(from: TicketStatus): TicketStatus[] {
  return Object.keys(TICKET_TRANSITIONS[from]) as TicketStatus[];
}

export function transitionAllowed(from: TicketStatus, to: TicketStatus): boolean {
  return to in TICKET_TRANSITIONS[from];
}

export function moverMay(from: TicketStatus, to: TicketStatus, movers: readonly Mover[]): boolean {
  const who = TICKET_TRANSITIONS[from][to];
  return !!who && movers.some((m) => who.includes(m));
}

/** A claim lasts this long unless renewed by the holder's writes or heartbeat. */
export const CLAIM_LEASE_MS = 10 * 60 * 1000;
/** Long-poll upper bound for `GET /tickets/available?wait=`. */
export const AVAILABLE_WAIT_MAX_SECONDS = 60;
/** How often the server looks for expired leases. */
export const LEASE_SWEEP_INTERVAL_MS = 5_000;

export const MAX_LABELS = 20;
export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 50_000;
export const MAX_COMMENT = 20_000;

/** Who a mover is, in the words of a refusal. */
const MOVER_WORDS: Record<Mover, string> = {
  holder: 'the agent holding it',
  assignee: 'its assignee',
  admin: 'a workspace admin',
  member: 'a member (while no agent holds it)',
};

const wordsOf = (who: readonly Mover[]) => {
  const w = who.map((m) => MOVER_WORDS[m]);
  return w.length <= 1 ? (w[0] ?? 'nobody') : `${w.slice(0, -1).join(', ')} or ${w[w.length - 1]}`;
};

/** The moves the transition table lets `movers` make from `from` (what a refused caller may do instead). */
export function movesAllowedFor(from: TicketStatus, movers: readonly Mover[]): TicketStatus[] {
  return allowedNextStatuses(from).filter((to) => moverMay(from, to, movers));
}

/**
 * The moves a caller may make with PATCH status (a ticket's `allowedMoves`): the table's moves for its movers, less
 * To-do → In progress for an agent that does not hold the ticket, since agents start work by claiming (the claim
 * checks capabilities, assignment and budget, and starts the lease).
 */
export function callerMoves(from: TicketStatus, movers: readonly Mover[], caller: 'agent' | 'person'): TicketStatus[] {
  return movesAllowedFor(from, movers).filter((to) => !(caller === 'agent' && from === 'todo' && to === 'in_progress' && !movers.includes('holder')));
}

/**
 * Why `movers` may not make a move the state machine allows, read off the transition table: closing is for
 * workspace admins; a move that belongs to whoever holds the ticket names the holder; otherwise who may make it.
 * `holderName` is set when another agent holds the ticket now.
 */
export function refusedMoveReason(from: TicketStatus, to: TicketStatus, movers: readonly Mover[], opts: { number: number; holderName: string | null }): string {
  const who = TICKET_TRANSITIONS[from][to] ?? [];
  if (to === 'closed' && who.length === 1 && who[0] === 'admin') {
    return `closing a ticket in ${from} is for workspace admins (won't do); ${movesHint(from, movers)}`;
  }
  if (opts.holderName && who.includes('holder') && !movers.includes('holder')) {
    return `ticket #${opts.number} is claimed by ${opts.holderName}: only ${wordsOf(who)} can move it from ${from} to ${to}`;
  }
  return `only ${wordsOf(who)} can move a ticket from ${from} to ${to}; ${movesHint(from, movers)}`;
}

function movesHint(from: TicketStatus, movers: readonly Mover[]): string {
  const mine = movesAllowedFor(from, movers);
  return mine.length ? `you can move it to ${mine.join(' or ')}` : 'you cannot move it from here';
}

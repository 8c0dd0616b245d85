// The ticket lifecycle as data: TICKET_LIFECYCLE below lists every edge a ticket can take — the PATCH moves, the
// claim, the release and force-release, the lease sweeper's expiry — and for each: who may make it, what it does to
// the claim and its lease, who is notified, and what a refused caller is told. The use cases (update-ticket.ts,
// claim-ticket.ts, release-ticket.ts, lease.ts, ratings/rating-target.ts) and the one-statement SQL fast paths are
// derived from it (generated conditions, not restated ones); see docs/adr/0014-ticket-lifecycle-table.md.
// A new status is a type error everywhere it matters (Record<TicketStatus, …>).
//
// "Who may move a ticket out of PR Review, and what happens to its lease?" — read the three `pr_review` edges:
// done and in_progress by the holder, the assignee, an admin or any member (the ticket waits for a reviewer), closed
// by an admin; → done / closed end the lease and keep the holder on record as who did the work (ratings credit it),
// → in_progress renews the recorded holder's lease (changes requested: the holder has the ticket again).

import { TICKET_PRIORITY_VALUES, TICKET_STATUS_VALUES } from '@mc/contracts/constants';

// The names themselves are the contract's (the zod-free entry the dashboard reads too).
export const TICKET_STATUSES = TICKET_STATUS_VALUES;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_PRIORITIES = TICKET_PRIORITY_VALUES;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
/** Stored rank: lower is more urgent, so "best first" is ascending. */
export const PRIORITY_RANK: Record<TicketPriority, number> = { urgent: 0, high: 1, medium: 2, low: 3 };
export const priorityName = (rank: number): TicketPriority => TICKET_PRIORITIES[Math.min(3, Math.max(0, rank))];

/** A claim lasts this long unless renewed by the holder's writes or heartbeat. */
export const CLAIM_LEASE_MS = 10 * 60 * 1000;
export const LEASE_MINUTES = CLAIM_LEASE_MS / 60_000;
/** Long-poll upper bound for `GET /tickets/available?wait=`. */
export const AVAILABLE_WAIT_MAX_SECONDS = 60;
/** How often the server looks for expired leases. */
export const LEASE_SWEEP_INTERVAL_MS = 5_000;

export const MAX_LABELS = 20;
export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 50_000;
export const MAX_COMMENT = 20_000;

/**
 * Who is moving the ticket, relative to it (ticket-access.ts `moversOf` decides which apply to a caller):
 * - `holder`: the agent holding the claim (it stays on record after pr_review, as who did the work);
 * - `assignee`: the agent or member it is assigned to;
 * - `admin`: a workspace admin/owner (or instance admin);
 * - `member`: any other person who may write in the workspace (not a viewer), and only on tickets nobody holds
 *   (a claim binds while the ticket is in_progress; in pr_review the work waits for any reviewer).
 */
export type Mover = 'holder' | 'assignee' | 'admin' | 'member';
/** Who makes the edges that are not PATCH moves: any agent of the workspace that may claim (claim-ticket.ts), the sweeper. */
export type EdgeActor = Mover | 'claimant' | 'sweeper';

/** The door an edge is taken through. */
export type Via = 'move' | 'claim' | 'release' | 'force_release' | 'lease_expiry';

/**
 * What an edge does to the claim and its lease:
 * - `start`: the caller becomes the holder (claimedAt now) and the lease runs for CLAIM_LEASE_MS;
 * - `keep`: claim and lease unchanged;
 * - `renew`: the holder on record (if any) gets a fresh lease of CLAIM_LEASE_MS; no holder: nothing changes;
 * - `end`: the lease ends; the holder stays on record as who did the work;
 * - `clear`: holder, claimedAt and lease are cleared (the ticket is free to be claimed).
 */
export type ClaimEffect = 'start' | 'keep' | 'renew' | 'end' | 'clear';

/**
 * The people and agents a ticket names, as the notification rules use them: `creator`, `assignee` and `holder` are
 * read off the ticket as the edge left it; `previous_holder` is the holder before the edge (a lease that expired).
 */
export type Party = 'creator' | 'assignee' | 'holder' | 'previous_holder';

/** Where each party is on the tickets row: a recipient per slot whose id is set (and whose kind is a user or an agent). */
export const PARTY_FIELDS: Record<
  Party,
  readonly { kind: 'user' | 'agent' | 'createdByKind'; id: 'createdById' | 'assigneeAgentId' | 'assigneeUserId' | 'claimedByAgentId'; before?: true }[]
> = {
  creator: [{ kind: 'createdByKind', id: 'createdById' }],
  assignee: [
    { kind: 'agent', id: 'assigneeAgentId' },
    { kind: 'user', id: 'assigneeUserId' },
  ],
  holder: [{ kind: 'agent', id: 'claimedByAgentId' }],
  previous_holder: [{ kind: 'agent', id: 'claimedByAgentId', before: true }],
};

/**
 * Who is told of an edge, with what: one notification of `type` per recipient among `to` (never the actor, only
 * those still in the workspace: notify.ts). `says` is the text, with `{actor}`, `{number}`, `{title}`, `{from}`,
 * `{to}`, `{leaseExpiredAt}`, `{leaseMinutes}`. Both the general path (JS) and the one-statement fast path (SQL) are
 * generated from it (ticket-notices.ts).
 */
export interface Notice {
  type: 'status_change' | 'lease_expired';
  to: readonly Party[];
  says: string;
}

/** A move's notice: the creator, the assignee and the holder hear of every status change. */
const STATUS_CHANGE: Notice = { type: 'status_change', to: ['creator', 'assignee', 'holder'], says: '{actor} moved #{number} {title} from {from} to {to}' };
/** The agent that lost its lease is told, so that it stops working on a ticket it no longer holds. */
const LEASE_EXPIRED: Notice = {
  type: 'lease_expired',
  to: ['previous_holder'],
  says: 'Your lease on #{number} {title} expired at {leaseExpiredAt} ({leaseMinutes} minutes without a heartbeat or write) and it went back to To-do; claim it again to go on.',
};

export interface Edge {
  via: Via;
  from: TicketStatus;
  to: TicketStatus;
  /** Who may take it (any one is enough). */
  by: readonly EdgeActor[];
  claim: ClaimEffect;
  /** The outbox event it writes (and the live event it announces). */
  event: 'ticket.moved' | 'ticket.claimed' | 'ticket.released';
  /** The activity entry it writes. */
  activity: 'ticket.moved' | 'ticket.claimed' | 'ticket.released' | 'ticket.force_released' | 'ticket.lease_expired';
  notify: Notice | null;
  /**
   * What a caller that may not take the edge is told. Unset on moves: `only {who} can move a ticket from … to …`,
   * read off `by` (refusedMoveReason). `{from}`, `{to}`, `{number}`, `{id}` are filled in.
   */
  refused?: string;
  /** Agents may not take this move with PATCH (409 CONFLICT with `agentsRefused`): they use another door. */
  agentsRefused?: string;
}

const move = (from: TicketStatus, to: TicketStatus, by: readonly Mover[], claim: ClaimEffect, more: Partial<Edge> = {}): Edge => ({
  via: 'move',
  from,
  to,
  by,
  claim,
  event: 'ticket.moved',
  activity: 'ticket.moved',
  notify: STATUS_CHANGE,
  ...more,
});
const WONT_DO = "closing a ticket in {from} is for workspace admins (won't do)";

/** Every edge of the ticket lifecycle. Anything not listed is refused. */
export const TICKET_LIFECYCLE: readonly Edge[] = [
  // — PATCH /tickets/{id} {status} —
  move('todo', 'in_progress', ['holder', 'assignee', 'admin', 'member'], 'renew', { agentsRefused: 'agents start work by claiming: PATCH /api/v1/tickets/{id}/claim' }),
  move('todo', 'closed', ['admin'], 'end', { refused: WONT_DO }),
  move('in_progress', 'pr_review', ['holder', 'assignee', 'admin'], 'end'),
  move('in_progress', 'todo', ['holder', 'admin'], 'clear'),
  move('in_progress', 'closed', ['admin'], 'end', { refused: WONT_DO }),
  move('pr_review', 'done', ['holder', 'assignee', 'admin', 'member'], 'end'),
  move('pr_review', 'in_progress', ['holder', 'assignee', 'admin', 'member'], 'renew'),
  move('pr_review', 'closed', ['admin'], 'end', { refused: WONT_DO }),
  move('done', 'closed', ['holder', 'assignee', 'admin', 'member'], 'end'),
  // — PATCH /tickets/{id}/claim: any agent for which the ticket is claimable (claim-ticket.ts CLAIM_CONDITIONS) —
  { via: 'claim', from: 'todo', to: 'in_progress', by: ['claimant'], claim: 'start', event: 'ticket.claimed', activity: 'ticket.claimed', notify: null },
  // Claiming what it already holds renews the holder's lease (no event: nothing changed hands).
  { via: 'claim', from: 'in_progress', to: 'in_progress', by: ['holder'], claim: 'renew', event: 'ticket.claimed', activity: 'ticket.claimed', notify: null },
  // — POST /tickets/{id}/release —
  {
    via: 'release',
    from: 'in_progress',
    to: 'todo',
    by: ['holder'],
    claim: 'clear',
    event: 'ticket.released',
    activity: 'ticket.released',
    notify: null,
    refused: 'only the agent holding this ticket or a workspace admin can release it',
  },
  {
    via: 'force_release',
    from: 'in_progress',
    to: 'todo',
    by: ['admin'],
    claim: 'clear',
    event: 'ticket.released',
    activity: 'ticket.force_released',
    notify: null,
    refused: 'only the agent holding this ticket or a workspace admin can release it',
  },
  // — the lease sweeper (every LEASE_SWEEP_INTERVAL_MS): a lease not renewed for CLAIM_LEASE_MS ran out —
  { via: 'lease_expiry', from: 'in_progress', to: 'todo', by: ['sweeper'], claim: 'clear', event: 'ticket.released', activity: 'ticket.lease_expired', notify: LEASE_EXPIRED },
];

/** Refusals of the doors other than a PATCH move, when the ticket is not where the edge starts. */
export const RELEASE_REFUSALS = {
  /** INVALID_TRANSITION: from pr_review on, the holder is on record as who did the work. */
  notInProgress: 'ticket #{number} is {from}: only a ticket in progress can be released',
  /** CONFLICT (`reason: not_claimed`). */
  notClaimed: 'ticket #{number} is not claimed by anyone',
} as const;

/** Fill `{name}` placeholders. */
export const fill = (template: string, vars: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));

export const edgesVia = (via: Via) => TICKET_LIFECYCLE.filter((e) => e.via === via);
/** The PATCH move from → to, if the lifecycle has one. */
export const moveEdge = (from: TicketStatus, to: TicketStatus): Edge | undefined => TICKET_LIFECYCLE.find((e) => e.via === 'move' && e.from === from && e.to === to);
export const edgeOf = (via: Via, from: TicketStatus = 'in_progress', to?: TicketStatus): Edge => {
  const e = TICKET_LIFECYCLE.find((x) => x.via === via && x.from === from && (to === undefined || x.to === to));
  if (!e) throw new Error(`no ${via} edge from ${from}`);
  return e;
};

/** from → to → who may make that PATCH move: the `move` edges of the lifecycle, as a table. */
export const TICKET_TRANSITIONS: Record<TicketStatus, Partial<Record<TicketStatus, readonly Mover[]>>> = Object.fromEntries(
  TICKET_STATUSES.map((from) => [from, Object.fromEntries(edgesVia('move').filter((e) => e.from === from).map((e) => [e.to, e.by as readonly Mover[]]))]),
) as Record<TicketStatus, Partial<Record<TicketStatus, readonly Mover[]>>>;

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

/** Is this PATCH move refused to `caller` whatever its movers (agents claim instead of moving To-do → In progress)? */
export function agentRefusal(edge: Edge, caller: 'agent' | 'person', movers: readonly Mover[]): string | null {
  return caller === 'agent' && edge.agentsRefused && !movers.includes('holder') ? edge.agentsRefused : null;
}

/**
 * The moves a caller may make with PATCH status (a ticket's `allowedMoves`): the table's moves for its movers, less
 * those the table refuses to agents (To-do → In progress: agents start work by claiming, which checks capabilities,
 * assignment and budget, and starts the lease).
 */
export function callerMoves(from: TicketStatus, movers: readonly Mover[], caller: 'agent' | 'person'): TicketStatus[] {
  return movesAllowedFor(from, movers).filter((to) => !agentRefusal(moveEdge(from, to)!, caller, movers));
}

/**
 * Why `movers` may not make a move the state machine allows, read off the edge: its own `refused` wording when it
 * has one (closing unfinished work is for admins); a move that belongs to whoever holds the ticket names the holder;
 * otherwise who may make it. `holderName` is set when another agent holds the ticket now.
 */
export function refusedMoveReason(
  from: TicketStatus,
  to: TicketStatus,
  movers: readonly Mover[],
  opts: { number: number; holderName: string | null; caller?: 'agent' | 'person' },
): string {
  const edge = moveEdge(from, to);
  const who = (edge?.by ?? []) as readonly Mover[];
  const caller = opts.caller ?? 'person';
  if (edge?.refused) return `${fill(edge.refused, { from, to, number: opts.number })}; ${movesHint(from, movers, caller)}`;
  if (opts.holderName && who.includes('holder') && !movers.includes('holder')) {
    return `ticket #${opts.number} is claimed by ${opts.holderName}: only ${wordsOf(who)} can move it from ${from} to ${to}`;
  }
  return `only ${wordsOf(who)} can move a ticket from ${from} to ${to}; ${movesHint(from, movers, caller)}`;
}

/** What the refused caller may do instead: its `allowedMoves` (in a workspace it may write in). */
function movesHint(from: TicketStatus, movers: readonly Mover[], caller: 'agent' | 'person'): string {
  const mine = callerMoves(from, movers, caller);
  return mine.length ? `you can move it to ${mine.join(' or ')}` : 'you cannot move it from here';
}

/** Work is credited (ratings) to the holder on record — it stays after pr_review, see `end` — else the assigned agent. */
export const creditedAgent = (t: { claimedByAgentId: string | null; assigneeAgentId: string | null }) => t.claimedByAgentId ?? t.assigneeAgentId ?? null;

/**
 * The claim and lease fields after `effect`, for a ticket `t` moved at `now` by `agentId` (for `start`). Only the
 * fields that change; the SQL twin is `claimEffectSql` (ticket-notices.ts generates the fast paths with it).
 */
export function claimAfter(
  effect: ClaimEffect,
  t: { claimedByAgentId: string | null },
  now: Date,
  agentId?: string,
): { claimedByAgentId?: string | null; claimedAt?: Date | null; leaseExpiresAt?: Date | null } {
  const lease = new Date(now.getTime() + CLAIM_LEASE_MS);
  switch (effect) {
    case 'start':
      return { claimedByAgentId: agentId!, claimedAt: now, leaseExpiresAt: lease };
    case 'keep':
      return {};
    case 'renew':
      return t.claimedByAgentId ? { leaseExpiresAt: lease } : {};
    case 'end':
      return { leaseExpiresAt: null };
    case 'clear':
      return { claimedByAgentId: null, claimedAt: null, leaseExpiresAt: null };
  }
}

/** The same as SET assignments over the tickets row `t`; `:leaseUntil` is now + CLAIM_LEASE_MS, `:agentId` the claimant. */
export function claimEffectSql(effect: ClaimEffect, t: string): string[] {
  switch (effect) {
    case 'start':
      return ['claimed_by_agent_id = :agentId::text', 'claimed_at = :now::timestamptz', 'lease_expires_at = :leaseUntil::timestamptz'];
    case 'keep':
      return [];
    case 'renew':
      return [`lease_expires_at = CASE WHEN ${t}.claimed_by_agent_id IS NOT NULL THEN :leaseUntil::timestamptz ELSE ${t}.lease_expires_at END`];
    case 'end':
      return ['lease_expires_at = NULL'];
    case 'clear':
      return ['claimed_by_agent_id = NULL', 'claimed_at = NULL', 'lease_expires_at = NULL'];
  }
}

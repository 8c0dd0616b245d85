// The ticket state machine as data, checked pair by pair against the contract (shared API.md, "Tickets"):
//   todo → in_progress → pr_review → done → closed, plus in_progress → todo (release),
//   pr_review → in_progress (changes requested), todo|in_progress|pr_review|done → closed (won't do).
import { describe, expect, it } from 'vitest';
import {
  allowedNextStatuses,
  moverMay,
  movesAllowedFor,
  refusedMoveReason,
  TICKET_STATUSES,
  TICKET_TRANSITIONS,
  transitionAllowed,
  type Mover,
  type TicketStatus,
} from './tickets.rules';

/** The contract, written out independently of the table under test. */
const CONTRACT: Record<TicketStatus, TicketStatus[]> = {
  todo: ['in_progress', 'closed'],
  in_progress: ['pr_review', 'todo', 'closed'],
  pr_review: ['done', 'in_progress', 'closed'],
  done: ['closed'],
  closed: [],
};

const MOVERS: Mover[] = ['holder', 'assignee', 'admin', 'member'];
const pairs = TICKET_STATUSES.flatMap((from) => TICKET_STATUSES.map((to) => [from, to] as const));

describe('ticket state machine', () => {
  it('knows exactly the five statuses', () => {
    expect([...TICKET_STATUSES]).toEqual(['todo', 'in_progress', 'pr_review', 'done', 'closed']);
    expect(Object.keys(TICKET_TRANSITIONS).sort()).toEqual([...TICKET_STATUSES].sort());
  });

  it('has 25 (from, to) pairs, 9 of them allowed', () => {
    expect(pairs).toHaveLength(25);
    expect(pairs.filter(([f, t]) => transitionAllowed(f, t))).toHaveLength(9);
  });

  it.each(pairs)('%s → %s is allowed exactly when the contract says so', (from, to) => {
    const expected = CONTRACT[from].includes(to);
    expect(transitionAllowed(from, to)).toBe(expected);
    expect(allowedNextStatuses(from).includes(to)).toBe(expected);
    // Nobody at all may make a move the table does not list.
    if (!expected) expect(moverMay(from, to, MOVERS)).toBe(false);
    else expect(moverMay(from, to, MOVERS)).toBe(true);
  });

  it.each(TICKET_STATUSES)('allowedNextStatuses(%s) is exactly the contract set, without itself', (from) => {
    expect([...allowedNextStatuses(from)].sort()).toEqual([...CONTRACT[from]].sort());
    expect(allowedNextStatuses(from)).not.toContain(from);
  });

  it('closed is terminal', () => {
    expect(allowedNextStatuses('closed')).toEqual([]);
    for (const to of TICKET_STATUSES) expect(moverMay('closed', to, MOVERS)).toBe(false);
  });

  it('an admin may make every allowed move', () => {
    for (const [from, to] of pairs) expect(moverMay(from, to, ['admin'])).toBe(transitionAllowed(from, to));
  });

  it('nobody moves without a role towards the ticket', () => {
    for (const [from, to] of pairs) expect(moverMay(from, to, [])).toBe(false);
  });

  it('only an admin closes work that is not done ("won\'t do")', () => {
    for (const from of ['todo', 'in_progress', 'pr_review'] as const) {
      expect(moverMay(from, 'closed', ['admin'])).toBe(true);
      expect(moverMay(from, 'closed', ['holder', 'assignee', 'member'])).toBe(false);
    }
    // Closing a done ticket is ordinary housekeeping.
    for (const m of MOVERS) expect(moverMay('done', 'closed', [m])).toBe(true);
  });

  it('a claimed ticket in progress is moved on by its holder, its assignee or an admin — not a plain member', () => {
    expect(moverMay('in_progress', 'pr_review', ['holder'])).toBe(true);
    expect(moverMay('in_progress', 'pr_review', ['assignee'])).toBe(true);
    expect(moverMay('in_progress', 'pr_review', ['admin'])).toBe(true);
    expect(moverMay('in_progress', 'pr_review', ['member'])).toBe(false);
  });

  it('giving work back (in_progress → todo) is for the holder or an admin', () => {
    expect(moverMay('in_progress', 'todo', ['holder'])).toBe(true);
    expect(moverMay('in_progress', 'todo', ['admin'])).toBe(true);
    expect(moverMay('in_progress', 'todo', ['assignee'])).toBe(false);
    expect(moverMay('in_progress', 'todo', ['member'])).toBe(false);
  });

  it('review outcomes (pr_review → done | in_progress) are open to any writer', () => {
    for (const m of MOVERS) {
      expect(moverMay('pr_review', 'done', [m])).toBe(true);
      expect(moverMay('pr_review', 'in_progress', [m])).toBe(true);
    }
  });

  it('starting work (todo → in_progress) is open to any writer', () => {
    for (const m of MOVERS) expect(moverMay('todo', 'in_progress', [m])).toBe(true);
  });

  it('one qualifying role among several is enough', () => {
    expect(moverMay('in_progress', 'todo', ['member', 'holder'])).toBe(true);
    expect(moverMay('todo', 'closed', ['member', 'assignee', 'holder'])).toBe(false);
  });
});

describe('refusals read off the table', () => {
  it('every refused move of every mover names who may make it, and what the mover may do instead', () => {
    const everyone: Mover[] = ['holder', 'assignee', 'admin', 'member'];
    for (const from of TICKET_STATUSES) {
      for (const to of allowedNextStatuses(from)) {
        for (const mover of everyone) {
          if (moverMay(from, to, [mover])) continue;
          const why = refusedMoveReason(from, to, [mover], { number: 7, holderName: null });
          if (to === 'closed') expect(why).toMatch(new RegExp(`^closing a ticket in ${from} is for workspace admins`));
          else expect(why).toMatch(new RegExp(`^only .+ can move a ticket from ${from} to ${to}`));
          const mine = movesAllowedFor(from, [mover]);
          expect(why).toContain(mine.length ? `you can move it to ${mine.join(' or ')}` : 'you cannot move it from here');
        }
      }
    }
  });

  it("a move that belongs to the ticket's holder names the holder", () => {
    expect(refusedMoveReason('in_progress', 'pr_review', [], { number: 7, holderName: 'coder-1' })).toBe(
      'ticket #7 is claimed by coder-1: only the agent holding it, its assignee or a workspace admin can move it from in_progress to pr_review',
    );
  });
});

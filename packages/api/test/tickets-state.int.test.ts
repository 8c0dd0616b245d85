// The state machine over the API: for every (from, to) pair, a real ticket is driven into `from` and an admin
// tries `to` — 200 for the moves the contract allows, 409 INVALID_TRANSITION listing the allowed next states for
// the others. Then who may move: holder, assignee, admin, plain member, viewer, an agent that did not claim, an
// agent of another workspace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectError, expectOk } from './helpers';
import { activityOf, claim, createTicket, getTicket, move, type Agent, type Ticket } from './tickets.fixtures';

const STATUSES = ['todo', 'in_progress', 'pr_review', 'done', 'closed'] as const;
type Status = (typeof STATUSES)[number];

/** The contract (shared API.md, "Tickets"), written out independently of the implementation's table. */
const ALLOWED: Record<Status, Status[]> = {
  todo: ['in_progress', 'closed'],
  in_progress: ['pr_review', 'todo', 'closed'],
  pr_review: ['done', 'in_progress', 'closed'],
  done: ['closed'],
  closed: [],
};

let h: Harness;
let team: Team;
let agent: Agent;

beforeAll(async () => {
  h = await createHarness();
  team = await createTeam(h);
  agent = await activeAgent(h, team.admin.key, team.ws.slug);
});
afterAll(async () => {
  await h?.close();
});

/** A new ticket brought to `status` the way work gets there: claim, then the holder moves it on. */
async function ticketIn(status: Status, holder: Agent = agent): Promise<Ticket> {
  const t = await createTicket(h, team.member.key, team.ws.id, { title: `to be ${status}` });
  if (status === 'todo') return t;
  expectOk(await claim(h, holder.key, t.id));
  const paths: Record<Exclude<Status, 'todo'>, Status[]> = { in_progress: [], pr_review: ['pr_review'], done: ['pr_review', 'done'], closed: ['pr_review', 'done', 'closed'] };
  const path = paths[status];
  for (const s of path) expectOk(await move(h, holder.key, t.id, s));
  const now = await getTicket(h, team.member.key, t.id);
  expect(now.status).toBe(status);
  return now;
}

const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as const));

describe('every (from, to) pair, moved by an admin', () => {
  it.each(pairs.filter(([f, t]) => f !== t && ALLOWED[f].includes(t)))('%s → %s is allowed: 200', async (from, to) => {
    const t = await ticketIn(from);
    const moved = expectOk(await move(h, team.admin.key, t.id, to));
    expect(moved.status).toBe(to);
    expect(moved.version).toBe(t.version + 1);
    expect((await getTicket(h, team.member.key, t.id)).status).toBe(to);
    const log = await activityOf(h, { targetId: t.id, action: 'ticket.moved' });
    expect(log[0].metadata).toMatchObject({ from, to });
    expect(log[0].actor.id).toBe(team.admin.id);
    // What the move does to the claim.
    if (to === 'todo') {
      expect(moved.claimedBy).toBeNull();
      expect(moved.leaseExpiresAt).toBeNull();
    } else if (to === 'in_progress') {
      // From todo an admin starts it unclaimed; back from review the holder keeps it with a fresh lease.
      expect(moved.claimedBy).toBe(from === 'todo' ? null : agent.id);
      expect(moved.leaseExpiresAt === null).toBe(from === 'todo');
    } else {
      // Review, done, closed: the holder stays on record as who did the work; no lease runs.
      expect(moved.claimedBy).toBe(from === 'todo' ? null : agent.id);
      expect(moved.leaseExpiresAt).toBeNull();
    }
  });

  it.each(pairs.filter(([f, t]) => f !== t && !ALLOWED[f].includes(t)))(
    '%s → %s is refused: 409 INVALID_TRANSITION listing the allowed next states',
    async (from, to) => {
      const t = await ticketIn(from);
      const movesBefore = (await activityOf(h, { targetId: t.id, action: 'ticket.moved' })).length;
      const err = expectError(await move(h, team.admin.key, t.id, to), 409, 'INVALID_TRANSITION');
      expect(err.details.from).toBe(from);
      expect(err.details.to).toBe(to);
      expect([...err.details.allowed].sort()).toEqual([...ALLOWED[from]].sort());
      // Nothing changed, nothing was logged.
      const after = await getTicket(h, team.member.key, t.id);
      expect(after.status).toBe(from);
      expect(after.version).toBe(t.version);
      expect(after.claimedBy).toBe(t.claimedBy);
      expect(await activityOf(h, { targetId: t.id, action: 'ticket.moved' })).toHaveLength(movesBefore);
    },
  );

  it.each(STATUSES)('%s → %s (the same status) is not a move: 200, nothing moved or logged', async (s) => {
    const t = await ticketIn(s);
    const before = (await activityOf(h, { targetId: t.id, action: 'ticket.moved' })).length;
    const r = expectOk(await move(h, team.admin.key, t.id, s));
    expect(r.status).toBe(s);
    expect(r.claimedBy).toBe(t.claimedBy);
    expect(r.statusChangedAt).toBe(t.statusChangedAt);
    expect(await activityOf(h, { targetId: t.id, action: 'ticket.moved' })).toHaveLength(before);
  });

  it('covers all 25 pairs: 9 allowed, 11 refused, 5 the same', () => {
    expect(pairs.filter(([f, t]) => f !== t && ALLOWED[f].includes(t))).toHaveLength(9);
    expect(pairs.filter(([f, t]) => f !== t && !ALLOWED[f].includes(t))).toHaveLength(11);
  });
});

describe('who may move a ticket', () => {
  it('in progress and claimed: the holder, the assignee and an admin may move it on; a plain member may not (403)', async () => {
    const a = await ticketIn('in_progress');
    expectError(await move(h, team.member.key, a.id, 'pr_review'), 403, 'FORBIDDEN');
    expectError(await move(h, team.member.key, a.id, 'todo'), 403, 'FORBIDDEN');
    expect((await getTicket(h, team.member.key, a.id)).version).toBe(a.version);
    expect(expectOk(await move(h, agent.key, a.id, 'pr_review')).status).toBe('pr_review');

    const b = await ticketIn('in_progress');
    expect(expectOk(await move(h, team.admin.key, b.id, 'pr_review')).status).toBe('pr_review');

    // A member the ticket is assigned to may hand it to review, but not take it back from its holder.
    const c = await ticketIn('in_progress');
    expectOk(await h.call('PUT', `/api/v1/tickets/${c.id}/assignee`, { key: team.admin.key, body: { userId: team.member.id } }));
    expectError(await move(h, team.member.key, c.id, 'todo'), 403, 'FORBIDDEN');
    expect(expectOk(await move(h, team.member.key, c.id, 'pr_review')).status).toBe('pr_review');
  });

  it('the holder gives work back (in_progress → todo), and the claim goes with it', async () => {
    const t = await ticketIn('in_progress');
    const r = expectOk(await move(h, agent.key, t.id, 'todo'));
    expect(r.status).toBe('todo');
    expect(r.claimedBy).toBeNull();
  });

  it('another agent of the workspace cannot move a ticket it does not hold (403)', async () => {
    const other = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await ticketIn('in_progress');
    expectError(await move(h, other.key, t.id, 'pr_review'), 403, 'FORBIDDEN');
    const r = await ticketIn('pr_review');
    expectError(await move(h, other.key, r.id, 'done'), 403, 'FORBIDDEN');
  });

  it('a plain member moves tickets nobody is working on, but only an admin closes unfinished work', async () => {
    const r = await ticketIn('pr_review');
    expect(expectOk(await move(h, team.member.key, r.id, 'in_progress')).status).toBe('in_progress');
    const d = await ticketIn('pr_review');
    expect(expectOk(await move(h, team.member.key, d.id, 'done')).status).toBe('done');
    expect(expectOk(await move(h, team.member.key, d.id, 'closed')).status).toBe('closed');

    const t = await ticketIn('todo');
    expectError(await move(h, team.member.key, t.id, 'closed'), 403, 'FORBIDDEN');
    const closed = expectOk(await move(h, team.admin.key, t.id, 'closed', { closedReason: "won't do" }));
    expect(closed.closedReason).toBe("won't do");
    // A person may start an unclaimed ticket.
    const s = await ticketIn('todo');
    expect(expectOk(await move(h, team.member.key, s.id, 'in_progress')).status).toBe('in_progress');
  });

  it('a viewer moves nothing (403)', async () => {
    for (const [from, to] of [['todo', 'in_progress'], ['pr_review', 'done'], ['done', 'closed']] as const) {
      const t = await ticketIn(from);
      expectError(await move(h, team.viewer.key, t.id, to), 403, 'FORBIDDEN');
      expect((await getTicket(h, team.member.key, t.id)).status).toBe(from);
    }
  });

  it('an agent starts work by claiming: PATCH todo → in_progress is 409 with a hint to the claim', async () => {
    const t = await ticketIn('todo');
    const err = expectError(await move(h, agent.key, t.id, 'in_progress'), 409, 'CONFLICT');
    expect(err.message).toMatch(/\/claim/);
    const after = await getTicket(h, team.member.key, t.id);
    expect(after.status).toBe('todo');
    expect(after.claimedBy).toBeNull();
  });

  it("another workspace's agent and an outsider see no such ticket (404)", async () => {
    const other = await createTeam(h);
    const stranger = await activeAgent(h, other.admin.key, other.ws.slug);
    const t = await ticketIn('in_progress');
    expectError(await move(h, stranger.key, t.id, 'pr_review'), 404, 'NOT_FOUND');
    expectError(await claim(h, stranger.key, (await ticketIn('todo')).id), 404, 'NOT_FOUND');
    expectError(await h.call('GET', `/api/v1/tickets/${t.id}`, { key: stranger.key }), 404, 'NOT_FOUND');
    expectError(await move(h, other.owner.key, t.id, 'pr_review'), 404, 'NOT_FOUND');
    expect((await getTicket(h, team.member.key, t.id)).status).toBe('in_progress');
  });

  it('a stale version is 409 CONFLICT, body or If-Match', async () => {
    const t = await ticketIn('todo');
    expectOk(await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: team.member.key, body: { title: 'renamed', version: t.version } }));
    const err = expectError(await move(h, team.admin.key, t.id, 'closed', { version: t.version }), 409, 'CONFLICT');
    expect(err.details.currentVersion).toBe(t.version + 1);
    expectError(
      await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: team.admin.key, body: { status: 'closed' }, headers: { 'if-match': String(t.version) } }),
      409,
      'CONFLICT',
    );
    expect((await getTicket(h, team.member.key, t.id)).status).toBe('todo');
  });

  it('an unknown status is 400 naming the field', async () => {
    const t = await ticketIn('todo');
    const err = expectError(await move(h, team.admin.key, t.id, 'archived'), 400, 'VALIDATION_ERROR');
    expect(err.details.issues.map((i: { field: string }) => i.field)).toContain('status');
  });
});

describe('bad input on ticket routes', () => {
  it('a NUL character anywhere (path, query, body) is 400 naming the field, not a database error', async () => {
    const t = await ticketIn('todo');
    const cases: [string, string, string, unknown, string, string][] = [
      ['GET', '/api/v1/tickets/tkt%00x', team.member.key, undefined, 'path', 'id'],
      ['GET', '/api/v1/tickets?q=%00', team.member.key, undefined, 'query', 'q'],
      ['GET', '/api/v1/tickets?label=a%00', team.member.key, undefined, 'query', 'label'],
      ['POST', '/api/v1/tickets', team.member.key, { workspaceId: team.ws.id, title: 'a\u0000b' }, 'body', 'title'],
      ['POST', '/api/v1/tickets', team.member.key, { workspaceId: team.ws.id, title: 'ok', labels: ['x', 'y\u0000'] }, 'body', 'labels.1'],
      ['PATCH', `/api/v1/tickets/${t.id}`, team.member.key, { description: 'x\u0000y' }, 'body', 'description'],
      ['POST', `/api/v1/tickets/${t.id}/comments`, agent.key, { body: 'hi\u0000' }, 'body', 'body'],
      ['POST', `/api/v1/tickets/${t.id}/release`, team.admin.key, { reason: '\u0000' }, 'body', 'reason'],
    ];
    for (const [method, path, key, body, where, field] of cases) {
      const r = await h.call(method, path, { key, body });
      const err = expectError(r, 400, 'VALIDATION_ERROR');
      expect(err.details.issues, `${method} ${path}`).toEqual([{ field, in: where, message: expect.stringMatching(/NUL/) }]);
    }
    const after = await getTicket(h, team.member.key, t.id);
    expect(after.version).toBe(t.version);
  });
});

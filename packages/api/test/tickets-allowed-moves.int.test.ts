// `allowedMoves` on ticket answers (issue 12, point 2): the statuses the CALLER may move the ticket to now with
// PATCH status. The test holds it to what the server then does: for every caller (the agent holding the ticket, its
// assigned agent, another agent, an admin, a member, a viewer) and every state a ticket goes through, each status is
// tried on a fresh ticket in that state, and the move succeeds exactly when the answer listed it. Then: list items
// carry the same moves as the one-ticket answer (with and without a workspace filter), the answers of claim,
// release, assign and PATCH carry the caller's moves after the change, and an archived workspace offers none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectOk } from './helpers';
import { claim, createTicket, getTicket, move, type Agent, type Ticket } from './tickets.fixtures';

const STATUSES = ['todo', 'in_progress', 'pr_review', 'done', 'closed'] as const;
type Status = (typeof STATUSES)[number];

let h: Harness;
let team: Team;
let holder: Agent;
let assignee: Agent;
let other: Agent;

beforeAll(async () => {
  h = await createHarness();
  team = await createTeam(h);
  [holder, assignee, other] = await Promise.all([0, 1, 2].map(() => activeAgent(h, team.admin.key, team.ws.slug)));
});
afterAll(async () => {
  await h?.close();
});

const assign = (key: string, id: string, agentId: string | null) => h.call('PUT', `/api/v1/tickets/${id}/assignee`, { key, body: { agentId } });

/**
 * A fresh ticket in `state`: `todo` (unassigned), `todo-assigned` (assigned to `assignee`), `held` (claimed by
 * `holder`, then assigned to `assignee`), `pr_review` and `done` (moved on by the holder, who stays on record).
 */
type State = 'todo' | 'todo-assigned' | 'held' | 'pr_review' | 'done';
const STATES: State[] = ['todo', 'todo-assigned', 'held', 'pr_review', 'done'];
async function ticketIn(state: State): Promise<Ticket> {
  const t = await createTicket(h, team.member.key, team.ws.id, { title: `allowed moves: ${state}` });
  if (state === 'todo') return t;
  if (state === 'todo-assigned') {
    expectOk(await assign(team.admin.key, t.id, assignee.id));
    return getTicket(h, team.member.key, t.id);
  }
  expectOk(await claim(h, holder.key, t.id));
  expectOk(await assign(team.admin.key, t.id, assignee.id));
  if (state !== 'held') expectOk(await move(h, holder.key, t.id, 'pr_review'));
  if (state === 'done') expectOk(await move(h, holder.key, t.id, 'done'));
  return getTicket(h, team.member.key, t.id);
}

const callers = () => ({ holder: holder.key, assignee: assignee.key, other: other.key, admin: team.admin.key, member: team.member.key, viewer: team.viewer.key });
type Caller = keyof ReturnType<typeof callers>;
const CALLERS: Caller[] = ['holder', 'assignee', 'other', 'admin', 'member', 'viewer'];

/** Written out from the contract (shared API.md, "Tickets"), not read off the implementation's table. */
const EXPECTED: Record<State, Record<Caller, Status[]>> = {
  todo: { holder: [], assignee: [], other: [], admin: ['in_progress', 'closed'], member: ['in_progress'], viewer: [] },
  'todo-assigned': { holder: [], assignee: [], other: [], admin: ['in_progress', 'closed'], member: ['in_progress'], viewer: [] },
  held: { holder: ['pr_review', 'todo'], assignee: ['pr_review'], other: [], admin: ['pr_review', 'todo', 'closed'], member: [], viewer: [] },
  pr_review: {
    holder: ['done', 'in_progress'],
    assignee: ['done', 'in_progress'],
    other: [],
    admin: ['done', 'in_progress', 'closed'],
    member: ['done', 'in_progress'],
    viewer: [],
  },
  done: { holder: ['closed'], assignee: ['closed'], other: [], admin: ['closed'], member: ['closed'], viewer: [] },
};

describe('allowedMoves', () => {
  it.each(STATES)('in state %s: each caller is offered exactly the moves PATCH then accepts', async (state) => {
    const probe = await ticketIn(state);
    const keys = callers();
    for (const caller of CALLERS) {
      const offered = (await getTicket(h, keys[caller], probe.id)).allowedMoves as Status[];
      expect(offered.slice().sort(), `${caller} on ${state}`).toEqual(EXPECTED[state][caller].slice().sort());
      // Every status, tried for real on a fresh ticket in the same state: accepted exactly when offered.
      const tried = await Promise.all(
        STATUSES.filter((to) => to !== probe.status).map(async (to) => {
          const t = await ticketIn(state);
          const r = await move(h, keys[caller], t.id, to);
          return [to, r.status === 200] as const;
        }),
      );
      expect(tried.filter(([, ok]) => ok).map(([to]) => to).sort(), `${caller} on ${state}: the moves PATCH accepted`).toEqual(offered.slice().sort());
    }
  });

  it('list items carry the same moves as the one-ticket answer, with and without a workspace filter, and the poll offers agents none', async () => {
    const ts = await Promise.all((['todo', 'held', 'pr_review'] as const).map(ticketIn));
    const keys = callers();
    for (const caller of CALLERS) {
      const one = await Promise.all(ts.map((t) => getTicket(h, keys[caller], t.id)));
      for (const query of [`workspaceId=${team.ws.id}&`, '']) {
        const listed = expectOk(await h.call('GET', `/api/v1/tickets?${query}limit=200&sort=-createdAt`, { key: keys[caller] })) as Ticket[];
        for (const t of one) {
          const row = listed.find((x) => x.id === t.id);
          expect(row, `${caller} lists ${t.id} (${query || 'no filter'})`).toBeDefined();
          expect(row!.allowedMoves, `${caller}, ${query || 'no filter'}`).toEqual(t.allowedMoves);
        }
      }
    }
    const offered = expectOk(await h.call('GET', '/api/v1/tickets/available?limit=100', { key: other.key })) as Ticket[];
    expect(offered.length).toBeGreaterThan(0);
    for (const t of offered) expect(t.allowedMoves).toEqual([]);
  });

  it('the answers of claim, PATCH, release and assign carry the caller\'s moves after the change', async () => {
    const t = await createTicket(h, team.member.key, team.ws.id, { title: 'answers' });
    expect(t.allowedMoves.sort()).toEqual(['in_progress']);
    const claimed = expectOk(await claim(h, holder.key, t.id));
    expect(claimed.allowedMoves.sort()).toEqual(['pr_review', 'todo']);
    const reviewed = expectOk(await move(h, holder.key, t.id, 'pr_review'));
    expect(reviewed.allowedMoves.sort()).toEqual(['done', 'in_progress']);
    const back = expectOk(await move(h, team.member.key, t.id, 'in_progress'));
    expect(back.allowedMoves).toEqual([]); // held again by the agent: a member waits
    const released = expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/release`, { key: holder.key, body: {} }));
    expect(released.status).toBe('todo');
    expect(released.allowedMoves).toEqual([]); // agents start work by claiming
    const assigned = expectOk(await assign(team.admin.key, t.id, assignee.id));
    expect(assigned.allowedMoves.sort()).toEqual(['closed', 'in_progress']);
    expect((await getTicket(h, team.viewer.key, t.id)).allowedMoves).toEqual([]);
  });

  it('an archived workspace offers no moves to anyone, in one-ticket answers and lists', async () => {
    const archived = await createTeam(h);
    const agent = await activeAgent(h, archived.admin.key, archived.ws.slug);
    const t1 = await createTicket(h, archived.member.key, archived.ws.id);
    const t2 = await createTicket(h, archived.member.key, archived.ws.id);
    expectOk(await claim(h, agent.key, t2.id));
    expect(expectOk(await claim(h, agent.key, t2.id)).allowedMoves.sort()).toEqual(['pr_review', 'todo']);
    expectOk(await h.call('PATCH', `/api/v1/workspaces/${archived.ws.id}`, { key: archived.owner.key, body: { archived: true } }));
    for (const key of [archived.owner.key, archived.admin.key, archived.member.key, agent.key, h.admin.key]) {
      for (const t of [t1, t2]) expect((await getTicket(h, key, t.id)).allowedMoves).toEqual([]);
      for (const query of [`workspaceId=${archived.ws.id}&`, '']) {
        const listed = expectOk(await h.call('GET', `/api/v1/tickets?${query}limit=200`, { key })) as Ticket[];
        const ours = listed.filter((x) => x.workspaceId === archived.ws.id);
        expect(ours.length).toBe(2);
        for (const x of ours) expect(x.allowedMoves).toEqual([]);
      }
    }
  });
});

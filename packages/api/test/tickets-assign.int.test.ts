// Assignment and the poll: an assigned ticket is offered only to its assignee; who may assign; required
// capabilities filter the poll and the claim alike; best-first ordering; `limit` bounds; the `?wait=` long-poll
// (answers at once when work exists, wakes on work in its own workspace only).
import { availableWaiters, ManualClock } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectError, expectOk, issueFields } from './helpers';
import { activeAgentsDirect, activityOf, available, claim, createTicket, getTicket, type Ticket } from './tickets.fixtures';
import { until } from '@mc/db/testing';

let h: Harness;
// Creation times are set by hand so that "oldest first" is exact; the long-poll deadline runs on real time.
const clock = new ManualClock(new Date('2026-04-01T08:00:00.000Z'));

beforeAll(async () => {
  h = await createHarness({ clock });
});
afterAll(async () => {
  await h?.close();
});

const ids = (list: { id: string }[]) => list.map((t) => t.id);
const assign = (key: string, id: string, body: Record<string, unknown>) => h.call('PUT', `/api/v1/tickets/${id}/assignee`, { key, body });

async function newTicket(team: Team, body: Record<string, unknown> = {}): Promise<Ticket> {
  clock.advance(1000);
  return createTicket(h, team.member.key, team.ws.id, body);
}

describe('assignment', () => {
  let team: Team;
  beforeAll(async () => {
    team = await createTeam(h);
  });

  it('to an agent: offered only to that agent; another agent neither sees it nor can claim it', async () => {
    const chosen = await activeAgent(h, team.admin.key, team.ws.slug);
    const other = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await newTicket(team, { title: 'for the chosen one' });
    expect(ids(await available(h, other.key, '?limit=100'))).toContain(t.id);

    const r = expectOk(await assign(team.admin.key, t.id, { agentId: chosen.id }));
    expect(r.assignee).toEqual({ kind: 'agent', id: chosen.id });
    expect(r.version).toBe(t.version + 1);
    const log = await activityOf(h, { targetId: t.id, action: 'ticket.assigned' });
    expect(log).toHaveLength(1);
    expect(log[0].actor.id).toBe(team.admin.id);
    expect(log[0].metadata).toMatchObject({ agentId: chosen.id, userId: null });

    expect(ids(await available(h, other.key, '?limit=100'))).not.toContain(t.id);
    expect(ids(await available(h, chosen.key, '?limit=100'))).toContain(t.id);
    const err = expectError(await claim(h, other.key, t.id), 409, 'CONFLICT');
    expect(err.details.assignee).toBe(chosen.id);
    expect((await getTicket(h, team.member.key, t.id)).claimedBy).toBeNull();

    const won = expectOk(await claim(h, chosen.key, t.id));
    expect(won.claimedBy).toBe(chosen.id);
    expect(won.assignee).toEqual({ kind: 'agent', id: chosen.id });
  });

  it('to a member: no agent is offered it; unassigning (empty body) offers it to all again', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await newTicket(team);
    const r = expectOk(await assign(team.owner.key, t.id, { userId: team.member.id }));
    expect(r.assignee).toEqual({ kind: 'user', id: team.member.id });
    expect(ids(await available(h, a.key, '?limit=100'))).not.toContain(t.id);
    expectError(await claim(h, a.key, t.id), 409, 'CONFLICT');

    const un = expectOk(await assign(team.admin.key, t.id, {}));
    expect(un.assignee).toBeNull();
    expect((await activityOf(h, { targetId: t.id, action: 'ticket.unassigned' })).length).toBe(1);
    expect(ids(await available(h, a.key, '?limit=100'))).toContain(t.id);
  });

  it('to a viewer, an unknown user, a pending agent or another workspace\'s agent is 400 naming the field', async () => {
    const t = await newTicket(team);
    const outsider = await h.newUser('Outsider');
    const other = await createTeam(h);
    const foreign = await activeAgent(h, other.admin.key, other.ws.slug);
    const pending = expectOk(
      await h.call('POST', '/api/v1/agents', { body: { workspace: team.ws.slug, name: `pending-${Date.now().toString(36)}`, capabilities: [] } }),
      202,
    );
    const cases: [Record<string, unknown>, string][] = [
      [{ userId: team.viewer.id }, 'assignee.userId'],
      [{ userId: outsider.id }, 'assignee.userId'],
      [{ userId: 'usr_nope' }, 'assignee.userId'],
      [{ agentId: foreign.id }, 'assignee.agentId'],
      [{ agentId: pending.agentId }, 'assignee.agentId'],
      [{ agentId: foreign.id, userId: team.member.id }, 'assignee'],
    ];
    for (const [body, field] of cases) {
      const r = await assign(team.admin.key, t.id, body);
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r), JSON.stringify(body)).toEqual([field]);
    }
    expectError(await assign(team.admin.key, t.id, { agent: 'x' }), 400, 'VALIDATION_ERROR');
    const after = await getTicket(h, team.member.key, t.id);
    expect(after.assignee).toBeNull();
    expect(after.version).toBe(t.version);
  });

  it('is for workspace admins: a member (403), a viewer (403), an agent (403), an outsider (404)', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const outsider = await h.newUser('Outsider');
    const t = await newTicket(team);
    expectError(await assign(team.member.key, t.id, { userId: team.member.id }), 403, 'FORBIDDEN');
    expectError(await assign(team.viewer.key, t.id, { userId: team.member.id }), 403, 'FORBIDDEN');
    expectError(await assign(a.key, t.id, { agentId: a.id }), 403, 'FORBIDDEN');
    expectError(await assign(outsider.key, t.id, { userId: outsider.id }), 404, 'NOT_FOUND');
    // Nor at creation: assigning while creating needs an admin too.
    expectError(
      await h.call('POST', '/api/v1/tickets', { key: team.member.key, body: { workspaceId: team.ws.id, title: 'x', assignee: { agentId: a.id } } }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await h.call('POST', '/api/v1/tickets', { key: a.key, body: { workspaceId: team.ws.id, title: 'x', assignee: { agentId: a.id } } }),
      403,
      'FORBIDDEN',
    );
    expect((await getTicket(h, team.member.key, t.id)).assignee).toBeNull();
    expect(await activityOf(h, { targetId: t.id, action: 'ticket.assigned' })).toEqual([]);
  });

  it('an admin may assign at creation', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const other = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = expectOk(
      await h.call('POST', '/api/v1/tickets', { key: team.admin.key, body: { workspaceId: team.ws.id, title: 'pre-assigned', assignee: { agentId: a.id } } }),
      201,
    );
    expect(t.assignee).toEqual({ kind: 'agent', id: a.id });
    expect(ids(await available(h, a.key, '?limit=100'))).toContain(t.id);
    expect(ids(await available(h, other.key, '?limit=100'))).not.toContain(t.id);
  });
});

describe('the poll', () => {
  it('offers only tickets whose required capabilities the agent has; the claim agrees, naming what is missing', async () => {
    const team = await createTeam(h);
    const coder = await activeAgent(h, team.admin.key, team.ws.slug, { capabilities: ['code', 'review'] });
    const writer = await activeAgent(h, team.admin.key, team.ws.slug, { capabilities: ['docs'] });
    const needsCode = await newTicket(team, { requiredCapabilities: ['code'] });
    const needsBoth = await newTicket(team, { requiredCapabilities: ['code', 'review'] });
    const needsDeploy = await newTicket(team, { requiredCapabilities: ['code', 'deploy'] });
    const anyone = await newTicket(team);

    expect(ids(await available(h, coder.key, '?limit=100'))).toEqual([needsCode.id, needsBoth.id, anyone.id]);
    expect(ids(await available(h, writer.key, '?limit=100'))).toEqual([anyone.id]);

    const err = expectError(await claim(h, writer.key, needsBoth.id), 409, 'CONFLICT');
    expect(err.details.missingCapabilities).toEqual(['code', 'review']);
    const err2 = expectError(await claim(h, coder.key, needsDeploy.id), 409, 'CONFLICT');
    expect(err2.details.missingCapabilities).toEqual(['deploy']);
    expect((await getTicket(h, team.member.key, needsDeploy.id)).status).toBe('todo');
    expect(expectOk(await claim(h, coder.key, needsBoth.id)).claimedBy).toBe(coder.id);
  });

  it('is best first: urgent, high, medium, low, and the oldest first within a priority', async () => {
    const team = await createTeam(h);
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const order = ['low', 'urgent', 'medium', 'high', 'urgent', 'low', 'high', 'medium'] as const;
    const made: Ticket[] = [];
    for (const [i, priority] of order.entries()) made.push(await newTicket(team, { title: `${priority} ${i}`, priority }));
    const rank = { urgent: 0, high: 1, medium: 2, low: 3 };
    const expected = [...made].sort((x, y) => rank[x.priority as keyof typeof rank] - rank[y.priority as keyof typeof rank] || x.createdAt.localeCompare(y.createdAt));
    expect(expected.map((t) => t.title)).toEqual(['urgent 1', 'urgent 4', 'high 3', 'high 6', 'medium 2', 'medium 7', 'low 0', 'low 5']);
    expect(ids(await available(h, a.key, '?limit=100'))).toEqual(ids(expected));
    // The limit takes the best ones.
    expect(ids(await available(h, a.key, '?limit=3'))).toEqual(ids(expected.slice(0, 3)));
    // Only open To-do tickets nobody holds: claimed, moved on or closed ones drop out.
    expectOk(await claim(h, a.key, expected[0].id));
    expectOk(await h.call('PATCH', `/api/v1/tickets/${expected[1].id}`, { key: team.admin.key, body: { status: 'closed' } }));
    expectOk(await h.call('PATCH', `/api/v1/tickets/${expected[2].id}`, { key: team.member.key, body: { status: 'in_progress' } }));
    expect(ids(await available(h, a.key, '?limit=100'))).toEqual(ids(expected.slice(3)));
    // Raising a ticket's priority moves it up.
    expectOk(await h.call('PATCH', `/api/v1/tickets/${expected[7].id}`, { key: team.member.key, body: { priority: 'urgent' } }));
    expect(ids(await available(h, a.key, '?limit=1'))).toEqual([expected[7].id]);
  });

  it('defaults to 10, answers with meta.limit, and bounds limit and wait', async () => {
    const team = await createTeam(h);
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    for (let i = 0; i < 12; i++) await newTicket(team);
    const r = await h.call('GET', '/api/v1/tickets/available', { key: a.key });
    expect(expectOk(r)).toHaveLength(10);
    expect(r.body.meta.limit).toBe(10);
    expect(expectOk(await h.call('GET', '/api/v1/tickets/available?limit=100', { key: a.key }))).toHaveLength(12);
    expect(expectOk(await h.call('GET', '/api/v1/tickets/available?limit=1', { key: a.key }))).toHaveLength(1);
    for (const q of ['limit=0', 'limit=101', 'limit=-1', 'limit=abc', 'limit=1.5']) {
      const bad = await h.call('GET', `/api/v1/tickets/available?${q}`, { key: a.key });
      expectError(bad, 400, 'VALIDATION_ERROR');
      expect(issueFields(bad), q).toEqual(['limit']);
    }
    for (const q of ['wait=61', 'wait=-1', 'wait=x']) {
      const bad = await h.call('GET', `/api/v1/tickets/available?${q}`, { key: a.key });
      expectError(bad, 400, 'VALIDATION_ERROR');
      expect(issueFields(bad), q).toEqual(['wait']);
    }
  });

  it('is for agents: a person gets 403, no key 401', async () => {
    const team = await createTeam(h);
    expectError(await h.call('GET', '/api/v1/tickets/available', { key: team.admin.key }), 403, 'FORBIDDEN');
    expectError(await h.call('GET', '/api/v1/tickets/available'), 401, 'UNAUTHENTICATED');
  });
});

describe('the long-poll (?wait=)', () => {
  it('answers at once when work is already there', async () => {
    const team = await createTeam(h);
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await newTicket(team);
    const started = Date.now();
    expect(ids(expectOk(await h.call('GET', '/api/v1/tickets/available?wait=30', { key: a.key })))).toEqual([t.id]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('wakes on a ticket created in its workspace', async () => {
    const team = await createTeam(h);
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const started = Date.now();
    const pending = h.call('GET', '/api/v1/tickets/available?wait=30', { key: a.key });
    await sleep(300);
    const t = await newTicket(team, { title: 'wake up' });
    expect(ids(expectOk(await pending))).toEqual([t.id]);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(15_000);
  });

  it('does not wake for a ticket created in another workspace: empty after the wait', async () => {
    const team = await createTeam(h);
    const elsewhere = await createTeam(h);
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const wakes = watchWakeUps();
    const started = Date.now();
    const pending = h.call('GET', '/api/v1/tickets/available?wait=2', { key: a.key });
    await sleep(300);
    const there = await newTicket(elsewhere, { title: 'not yours' });
    const r = expectOk(await pending);
    wakes.stop();
    expect(r).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    // Not even woken to look: the poll waited out its time without a single wake-up.
    expect(wakes.polls()).toBe(0);
    expect((await getTicket(h, elsewhere.member.key, there.id)).status).toBe('todo');
  });

  it('keeps waiting past a ticket in its workspace that it cannot take (capability, assignee): empty after the wait', async () => {
    const team = await createTeam(h);
    const a = await activeAgent(h, team.admin.key, team.ws.slug, { capabilities: ['code'] });
    const b = await activeAgent(h, team.admin.key, team.ws.slug, { capabilities: ['code'] });
    const wakes = watchWakeUps();
    const started = Date.now();
    const pending = h.call('GET', '/api/v1/tickets/available?wait=2', { key: a.key });
    await sleep(300);
    await newTicket(team, { requiredCapabilities: ['deploy'] });
    expectOk(
      await h.call('POST', '/api/v1/tickets', { key: team.admin.key, body: { workspaceId: team.ws.id, title: "b's", assignee: { agentId: b.id } } }),
      201,
    );
    expect(expectOk(await pending)).toEqual([]);
    wakes.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    // It was looked for after each (same workspace), had nothing it may take, and went on waiting.
    expect(wakes.polls()).toBe(2);
  });

  it('one new ticket and 12 waiters of the workspace: one shared poll answers them all, once; a ticket for one of them answers that one alone', async () => {
    const team = await createTeam(h);
    const agents = await activeAgentsDirect(h, team.admin, team.ws.id, 12);
    const registry = availableWaiters(h.deps.live);
    const before = registry.sleeping;
    const pending = agents.map((a) => h.call('GET', '/api/v1/tickets/available?wait=30', { key: a.key }));
    await until('all 12 sleep', 10_000, async () => registry.sleeping === before + 12);
    const [polls, answered] = [registry.polls, registry.answered];

    const t = await newTicket(team, { title: 'for everyone' });
    for (const r of await Promise.all(pending)) expect(ids(expectOk(r))).toEqual([t.id]);
    expect(registry.polls - polls).toBe(1);
    expect(registry.answered - answered).toBe(12);
    expect(registry.sleeping).toBe(before);

    // They wait again (the ticket is still there for all: taken first, so that they have nothing); a ticket assigned
    // to one of them wakes that one: one poll, one answer, the other 11 sleep on.
    expectOk(await claim(h, agents[0].key, t.id));
    const again = agents.map((a) => h.call('GET', '/api/v1/tickets/available?wait=5', { key: a.key }));
    await until('all 12 sleep again', 10_000, async () => registry.sleeping === before + 12);
    const [polls2, answered2] = [registry.polls, registry.answered];
    clock.advance(1000);
    const mine = await createTicket(h, team.admin.key, team.ws.id, { title: 'for the last', assignee: { agentId: agents[11].id } });
    expect(ids(expectOk(await again[11]))).toEqual([mine.id]);
    expect(registry.polls - polls2).toBe(1);
    expect(registry.answered - answered2).toBe(1);
    expect(registry.sleeping).toBe(before + 11);
    // The others' waits run out empty.
    for (const r of await Promise.all(again.slice(0, 11))) expect(expectOk(r)).toEqual([]);
  });

  it('the shared poll answers each waiter what its own poll would: tickets assigned to it, its capabilities, its limit', async () => {
    const team = await createTeam(h);
    const [a, c] = await activeAgentsDirect(h, team.admin, team.ws.id, 2);
    const [b] = await activeAgentsDirect(h, team.admin, team.ws.id, 1, ['code']);
    await newTicket(team, { title: 'nobody here', requiredCapabilities: ['deploy'] });
    const registry = availableWaiters(h.deps.live);
    const before = registry.sleeping;
    const poll = (x: { key: string }, q: string) => h.call('GET', `/api/v1/tickets/available?${q}`, { key: x.key });
    const [waitA, waitB, waitC] = [poll(a, 'wait=30&limit=2'), poll(b, 'wait=30&limit=1'), poll(c, 'wait=30&limit=5')];
    await until('all 3 sleep', 10_000, async () => registry.sleeping === before + 3);
    // Assigned to c: c alone is answered.
    clock.advance(1000);
    const forC = await createTicket(h, team.admin.key, team.ws.id, { title: 'for c', assignee: { agentId: c.id } });
    expect(ids(expectOk(await waitC))).toEqual([forC.id]);
    // Needs code: b alone (a and c may not take it).
    const forB = await newTicket(team, { title: 'for b', requiredCapabilities: ['code'] });
    expect(ids(expectOk(await waitB))).toEqual([forB.id]);
    // Open to all: a (b and c are no longer waiting).
    const open = await newTicket(team, { title: 'open' });
    expect(ids(expectOk(await waitA))).toEqual([open.id]);
    // Each answer is what the agent's own poll says now, at its limit.
    expect(ids(expectOk(await poll(a, 'limit=2')))).toEqual([open.id]);
    expect(ids(expectOk(await poll(b, 'limit=1')))).toEqual([forB.id]);
    expect(ids(expectOk(await poll(c, 'limit=5')))).toEqual([forC.id, open.id]);
    expect(registry.sleeping).toBe(before);
  });

  it('wakes when work is handed to it: an assignment or a release', async () => {
    const team = await createTeam(h);
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const b = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await newTicket(team);
    expectOk(await assign(team.admin.key, t.id, { agentId: b.id }));

    let pending = h.call('GET', '/api/v1/tickets/available?wait=30', { key: a.key });
    await sleep(300);
    expectOk(await assign(team.admin.key, t.id, { agentId: a.id }));
    expect(ids(expectOk(await pending))).toEqual([t.id]);

    expectOk(await claim(h, a.key, t.id));
    expectOk(await assign(team.admin.key, t.id, {}));
    pending = h.call('GET', '/api/v1/tickets/available?wait=30', { key: b.key });
    await sleep(300);
    expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/release`, { key: a.key }));
    expect(ids(expectOk(await pending))).toEqual([t.id]);
  });
});

/** Count the shared polls that events ran for the process's `available?wait` waiters (the app's own, observed). */
function watchWakeUps() {
  const waiters = availableWaiters(h.deps.live);
  const start = waiters.wakePolls;
  let end: number | undefined;
  return {
    polls: () => (end ?? waiters.wakePolls) - start,
    stop: () => void (end = waiters.wakePolls),
  };
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

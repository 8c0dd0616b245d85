// POST /tickets/claim-next: the agent gets the best ticket it may take, claimed, in one call. Racing agents each get
// a different ticket (FOR UPDATE SKIP LOCKED: no 409s), in priority then age order, never one it may not claim;
// blocked (budget, archived) is told apart from empty (204); and `wait` long-polls, one waiter woken per new ticket.
import { EVENT_CATALOG } from '@mc/contracts';
import { createApiApp } from '@mc/api';
import { CLAIM_NEXT_SQL, claimGatesSql, claimNextWaiters, claimParams, LIVE_CHANNEL, LiveBus, type AgentPrincipal, type LiveEvent } from '@mc/core';
import { until } from '@mc/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type CallResult, type Harness } from './harness';
import { expectError, expectOk } from './helpers';
import { activeAgentsDirect, activityOf, claim, createTicket, getTicket, inBatches, type Ticket } from './tickets.fixtures';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const waiters = () => claimNextWaiters(h.deps.live);

/** Raw statements on one connection of the database under test (a pool client on PostgreSQL; PGlite has one). */
async function oneConnection<T>(fn: (run: (text: string) => Promise<Record<string, any>[]>) => Promise<T>): Promise<T> {
  const client = (h.database.db as unknown as { $client: any }).$client;
  if (h.database.kind === 'postgres') {
    const c = await client.connect();
    try {
      return await fn(async (text) => (await c.query(text)).rows);
    } finally {
      c.release();
    }
  }
  return fn(async (text) => (await client.query(text)).rows);
}

/** POST /tickets/claim-next as the agent `key`; `signal` aborts the request as a client disconnecting would. */
async function claimNext(key: string, body?: Record<string, unknown>, signal?: AbortSignal, app = h.app.app): Promise<CallResult> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await app.request('http://mc.test/api/v1/tickets/claim-next', {
    method: 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const claimedId = (r: CallResult) => (expectOk(r) as Ticket).id;

function expectEmpty(r: CallResult) {
  expect(r.status, JSON.stringify(r.body)).toBe(204);
  expect(r.body).toBeUndefined();
}

/** The live events of the process while `fn` runs. */
async function liveDuring<T>(fn: () => Promise<T>): Promise<{ result: T; events: LiveEvent[] }> {
  const events: LiveEvent[] = [];
  const off = h.deps.live.subscribe((e) => events.push(e));
  try {
    const result = await fn();
    // pg_notify is delivered after the commit, asynchronously: let it arrive.
    await new Promise((r) => setTimeout(r, 100));
    return { result, events };
  } finally {
    off();
  }
}

async function freshTeam(): Promise<Team> {
  return createTeam(h);
}

describe('claim-next', () => {
  it('50 agents racing over 50 tickets: 50 claims, 0 conflicts, every ticket claimed once, with the claim\'s activity, event and live announcement', async () => {
    const team = await freshTeam();
    const [agents, tickets] = await Promise.all([
      activeAgentsDirect(h, team.admin, team.ws.id, 50),
      inBatches(50, 25, (i) => createTicket(h, team.member.key, team.ws.id, { title: `race ${i}` })),
    ]);

    const { result: results, events } = await liveDuring(() => Promise.all(agents.map((a) => claimNext(a.key))));

    expect(results.map((r) => r.status)).toEqual(agents.map(() => 200));
    const won = results.map((r) => expectOk(r) as Ticket);
    expect(new Set(won.map((t) => t.id)).size).toBe(50);
    expect(won.map((t) => t.id).sort()).toEqual(tickets.map((t) => t.id).sort());
    won.forEach((t, i) => {
      expect(t.claimedBy).toBe(agents[i].id);
      expect(t.status).toBe('in_progress');
      expect(t.version).toBe(2);
      expect(t.leaseExpiresAt).not.toBeNull();
    });

    // The rows agree; one activity entry, one outbox event and one live announcement per ticket, by its winner.
    for (const t of won) expect(await getTicket(h, team.member.key, t.id)).toMatchObject({ claimedBy: t.claimedBy, status: 'in_progress', version: 2 });
    const log = await activityOf(h, { workspaceId: team.ws.id, action: 'ticket.claimed' });
    expect(log.map((e) => `${e.target.id} ${e.actor.id}`).sort()).toEqual(won.map((t) => `${t.id} ${t.claimedBy}`).sort());
    const outbox = await h.database.db.query.events.findMany({ where: (x, { and, eq }) => and(eq(x.workspaceId, team.ws.id), eq(x.type, 'ticket.claimed')) });
    expect(outbox.map((e) => `${(e.data as any).ticket.id} ${e.actorId}`).sort()).toEqual(won.map((t) => `${t.id} ${t.claimedBy}`).sort());
    for (const e of outbox) EVENT_CATALOG['ticket.claimed'].data.parse(e.data);
    const announced = events.filter((e) => e.type === 'ticket.claimed' && e.workspaceId === team.ws.id);
    expect(announced.map((e) => `${e.ticketId} ${e.agentId}`).sort()).toEqual(won.map((t) => `${t.id} ${t.claimedBy}`).sort());

    // Nothing left: 204, no body.
    expectEmpty(await claimNext(agents[0].key));
  });

  it('writes exactly what a claim of the same ticket writes (activity, event, live announcement)', async () => {
    const team = await freshTeam();
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    const viaClaim = await createTicket(h, team.member.key, team.ws.id, { title: 'claimed by id', priority: 'low' });
    const viaNext = await createTicket(h, team.member.key, team.ws.id, { title: 'claimed next', priority: 'urgent' });

    const a = await liveDuring(() => claim(h, agent.key, viaClaim.id));
    const b = await liveDuring(() => claimNext(agent.key));
    expect(claimedId(b.result)).toBe(viaNext.id);

    const shape = (t: Ticket, ticket: Ticket) => JSON.parse(JSON.stringify(t).replaceAll(ticket.id, 'TICKET').replaceAll(ticket.title, 'TITLE'));
    const strip = ({ id, createdAt, occurredAt, dispatchedAt, at, eventId, number, version, requestId, ...rest }: any) => ({ ...rest, ...(dispatchedAt !== undefined ? { dispatched: dispatchedAt !== null } : {}) });
    const activityOfTicket = async (t: Ticket) => strip((await activityOf(h, { workspaceId: team.ws.id, targetId: t.id, action: 'ticket.claimed' }))[0]);
    const eventOf = async (t: Ticket) => {
      const rows = await h.database.db.query.events.findMany({ where: (x, { and, eq }) => and(eq(x.workspaceId, team.ws.id), eq(x.type, 'ticket.claimed')) });
      const e = rows.find((r) => (r.data as any).ticket.id === t.id)!;
      const { leaseExpiresAt, ...data } = e.data as any;
      expect(leaseExpiresAt).toEqual(expect.any(String));
      return { ...strip(e), data: { ...data, ticket: strip(data.ticket) } };
    };
    const liveOf = (events: LiveEvent[]) => events.filter((e) => e.type === 'ticket.claimed').map(strip);

    const [claimedTicket, nextTicket] = [await getTicket(h, agent.key, viaClaim.id), await getTicket(h, agent.key, viaNext.id)];
    const act = (x: any, t: Ticket) => shape({ ...x, metadata: { ...x.metadata, leaseExpiresAt: 'L' }, summary: x.summary.replace(/#\d+/, '#N') }, t);
    expect(act(await activityOfTicket(viaNext), nextTicket)).toEqual(act(await activityOfTicket(viaClaim), claimedTicket));
    expect(shape(await eventOf(viaNext), nextTicket)).toEqual(shape(await eventOf(viaClaim), claimedTicket));
    expect(liveOf(b.events).map((e) => shape(e, nextTicket))).toEqual(liveOf(a.events).map((e) => shape(e, claimedTicket)));
    expect(liveOf(b.events)).toHaveLength(1);
  });

  it('takes the most urgent ticket first, the oldest among equals', async () => {
    const team = await freshTeam();
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    const made: Record<string, Ticket> = {};
    for (const [name, priority] of [
      ['low', 'low'],
      ['urgent-old', 'urgent'],
      ['medium', 'medium'],
      ['urgent-new', 'urgent'],
      ['high', 'high'],
    ] as const) {
      made[name] = await createTicket(h, team.member.key, team.ws.id, { title: name, priority });
    }
    const order: string[] = [];
    for (let i = 0; i < 5; i++) order.push((expectOk(await claimNext(agent.key)) as Ticket).title);
    expect(order).toEqual(['urgent-old', 'urgent-new', 'high', 'medium', 'low']);
    expectEmpty(await claimNext(agent.key));
  });

  it('capabilities narrow the choice to some of the agent\'s own, and never let it take a ticket it may not claim', async () => {
    const team = await freshTeam();
    const agent = await activeAgent(h, team.admin.key, team.ws.slug, { capabilities: ['code', 'gpu'] });
    const plain = await activeAgent(h, team.admin.key, team.ws.slug, { capabilities: [] });
    const other = await activeAgent(h, team.admin.key, team.ws.slug, { capabilities: ['code', 'gpu'] });
    const gpu = await createTicket(h, team.member.key, team.ws.id, { title: 'gpu', priority: 'urgent', requiredCapabilities: ['gpu'] });
    const forOther = await createTicket(h, team.member.key, team.ws.id, { title: 'assigned to other', priority: 'urgent' });
    expectOk(await h.call('PUT', `/api/v1/tickets/${forOther.id}/assignee`, { key: team.admin.key, body: { agentId: other.id } }));
    const forPerson = await createTicket(h, team.member.key, team.ws.id, { title: 'assigned to a person', priority: 'urgent' });
    expectOk(await h.call('PUT', `/api/v1/tickets/${forPerson.id}/assignee`, { key: team.admin.key, body: { userId: team.member.id } }));
    const code = await createTicket(h, team.member.key, team.ws.id, { title: 'code', priority: 'high', requiredCapabilities: ['code'] });
    const any = await createTicket(h, team.member.key, team.ws.id, { title: 'anyone', priority: 'low' });

    // A capability the agent does not have: 400 naming it, nothing claimed.
    const refused = expectError(await claimNext(agent.key, { capabilities: ['code', 'rust'] }), 400, 'VALIDATION_ERROR');
    expect(refused.message).toContain('rust');
    expect(refused.details.issues).toEqual([expect.objectContaining({ field: 'capabilities.1', in: 'body' })]);
    expectError(await claimNext(plain.key, { capabilities: ['gpu'] }), 400, 'VALIDATION_ERROR');

    // The agent without capabilities skips what requires some, and what is assigned to another agent or a person.
    expect(claimedId(await claimNext(plain.key))).toBe(any.id);
    expectEmpty(await claimNext(plain.key));
    // Narrowed to `code`: not the urgent gpu ticket.
    expect(claimedId(await claimNext(agent.key, { capabilities: ['code'] }))).toBe(code.id);
    // Narrowed to nothing: only tickets that require nothing (none left for this agent).
    expectEmpty(await claimNext(agent.key, { capabilities: [] }));
    // All of its own (no body): the gpu ticket; the one assigned to `other` is never offered to it.
    expect(claimedId(await claimNext(agent.key))).toBe(gpu.id);
    expectEmpty(await claimNext(agent.key));
    // Its assignee gets it.
    expect(claimedId(await claimNext(other.key, { capabilities: [] }))).toBe(forOther.id);
    expect((await getTicket(h, team.member.key, forPerson.id)).status).toBe('todo');
  });

  it('is for agents: a person gets 403, as on the other agent-only endpoints', async () => {
    const team = await freshTeam();
    expectError(await claimNext(team.member.key), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/tickets/claim-next', { key: team.owner.key, body: { wait: 0 } }), 403, 'FORBIDDEN');
  });

  it('budget hard stop: 402 BUDGET_EXCEEDED (blocked, not empty), at once even with wait; work again once lifted', async () => {
    const team = await freshTeam();
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await createTicket(h, team.member.key, team.ws.id);
    expectOk(await h.call('PUT', `/api/v1/workspaces/${team.ws.id}/budget`, { key: team.owner.key, body: { monthlyTokenLimit: 0, hardStop: true } }));

    const started = Date.now();
    const err = expectError(await claimNext(agent.key, { wait: 20 }), 402, 'BUDGET_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err.details).toMatchObject({ limit: 'tokens', limitValue: 0, resetsAt: expect.any(String), month: expect.any(String) });
    expect((await getTicket(h, team.member.key, t.id)).status).toBe('todo');

    expectOk(await h.call('PUT', `/api/v1/workspaces/${team.ws.id}/budget`, { key: team.owner.key, body: { monthlyTokenLimit: 0, hardStop: false } }));
    expect(claimedId(await claimNext(agent.key))).toBe(t.id);
  });

  it('budget hard stop during a wait: the waiter is told 402, not 204', async () => {
    const team = await freshTeam();
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    const before = waiters().sleeping;
    const pending = claimNext(agent.key, { wait: 30 });
    await until('the waiter sleeps', 10_000, async () => waiters().sleeping === before + 1);
    expectOk(await h.call('PUT', `/api/v1/workspaces/${team.ws.id}/budget`, { key: team.owner.key, body: { monthlyTokenLimit: 0, hardStop: true } }));
    // A ticket wakes the waiter; its claim is refused by the hard stop.
    await createTicket(h, team.member.key, team.ws.id);
    expectError(await pending, 402, 'BUDGET_EXCEEDED');
  });

  it('archived workspace: 409 workspace_archived, nothing claimed', async () => {
    const team = await freshTeam();
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await createTicket(h, team.member.key, team.ws.id);
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key }));
    const err = expectError(await claimNext(agent.key, { wait: 20 }), 409, 'CONFLICT');
    expect(err.details).toEqual({ reason: 'workspace_archived' });
    expect((await getTicket(h, team.owner.key, t.id)).status).toBe('todo');
  });

  it('wait: a waiter gets a ticket created after it started waiting; an empty wait answers 204 after about `wait` seconds', async () => {
    const team = await freshTeam();
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);

    const started = Date.now();
    expectEmpty(await claimNext(agent.key, { wait: 1 }));
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(5_000);

    const before = waiters().sleeping;
    const pending = claimNext(agent.key, { wait: 30 });
    await until('the waiter sleeps', 10_000, async () => waiters().sleeping === before + 1);
    const t = await createTicket(h, team.member.key, team.ws.id, { title: 'late work' });
    const got = expectOk(await pending) as Ticket;
    expect(got).toMatchObject({ id: t.id, status: 'in_progress', claimedBy: agent.id });
    expect(waiters().sleeping).toBe(before);
  });

  it('no stampede: with 5 waiters and 1 new ticket, one waiter is woken and claims it; the others sleep on', async () => {
    const team = await freshTeam();
    const agents = await activeAgentsDirect(h, team.admin, team.ws.id, 5);
    const before = waiters().sleeping;
    const abort = new AbortController();
    // One after the other, so that the queue's order is known (concurrent requests may join in any order).
    const pending: Promise<CallResult>[] = [];
    for (const a of agents) {
      pending.push(claimNext(a.key, { wait: 30 }, abort.signal));
      await until(`waiter ${pending.length} sleeps`, 10_000, async () => waiters().sleeping === before + pending.length);
    }
    const wakeups = waiters().wakeups;

    const t = await createTicket(h, team.member.key, team.ws.id, { title: 'one for five' });
    const first = await Promise.race(pending.map((p, i) => p.then((r) => ({ r, i }))));
    expect(first.r.status).toBe(200);
    expect(claimedId(first.r)).toBe(t.id);
    // The longest waiter got it, and it alone was woken.
    expect(first.i).toBe(0);
    expect(waiters().wakeups - wakeups).toBe(1);
    expect(waiters().sleeping).toBe(before + 4);

    // A second ticket: the next one in line, alone again.
    const t2 = await createTicket(h, team.member.key, team.ws.id, { title: 'second' });
    expect(claimedId(await pending[1])).toBe(t2.id);
    expect(waiters().wakeups - wakeups).toBe(2);

    // The client goes away: the waits end at once, empty, and leave the queue.
    abort.abort();
    for (const p of pending.slice(2)) expectEmpty(await p);
    expect(waiters().sleeping).toBe(before);
  });

  it('12 waiters and a ticket only the last may take: two wake-ups and one question, not a walk through the queue', async () => {
    const team = await freshTeam();
    const plain = await activeAgentsDirect(h, team.admin, team.ws.id, 11);
    const [gpu] = await activeAgentsDirect(h, team.admin, team.ws.id, 1, ['gpu']);
    const before = waiters().sleeping;
    const abort = new AbortController();
    const pending: Promise<CallResult>[] = [];
    for (const a of [...plain, gpu]) {
      pending.push(claimNext(a.key, { wait: 30 }, abort.signal));
      await until(`waiter ${pending.length} sleeps`, 10_000, async () => waiters().sleeping === before + pending.length);
    }
    const [wakeups, narrowings] = [waiters().wakeups, waiters().narrowings];

    const t = await createTicket(h, team.member.key, team.ws.id, { title: 'gpu only', requiredCapabilities: ['gpu'] });
    expect(claimedId(await pending[11])).toBe(t.id);
    // The longest waiter looked and could not take it; one statement named the gpu agent among the other 11.
    expect(waiters().wakeups - wakeups).toBe(2);
    expect(waiters().narrowings - narrowings).toBe(1);

    // A ticket none of them may take (a capability nobody has): one look, one question, and it dies.
    await createTicket(h, team.member.key, team.ws.id, { title: 'nobody', requiredCapabilities: ['quantum'] });
    await until('the question was asked', 10_000, async () => waiters().narrowings - narrowings === 2 && waiters().sleeping === before + 11);
    expect(waiters().wakeups - wakeups).toBe(3);

    abort.abort();
    for (const p of pending.slice(0, 11)) expectEmpty(await p);
    expect(waiters().sleeping).toBe(before);
  });

  it('a waiter that cannot take the ticket passes the signal on; the agent a ticket is assigned to is woken first', async () => {
    const team = await freshTeam();
    const plain = await activeAgent(h, team.admin.key, team.ws.slug, { capabilities: [] });
    const gpu = await activeAgent(h, team.admin.key, team.ws.slug, { capabilities: ['gpu'] });
    const before = waiters().sleeping;
    const abort = new AbortController();
    const plainWait = claimNext(plain.key, { wait: 30 }, abort.signal);
    await until('the first waiter sleeps', 10_000, async () => waiters().sleeping === before + 1);
    const gpuWait = claimNext(gpu.key, { wait: 30 });
    await until('the second waiter sleeps', 10_000, async () => waiters().sleeping === before + 2);
    let wakeups = waiters().wakeups;

    // Needs gpu: the first waiter is woken, finds nothing it may take, and hands the signal to the second.
    const t = await createTicket(h, team.member.key, team.ws.id, { requiredCapabilities: ['gpu'] });
    expect(claimedId(await gpuWait)).toBe(t.id);
    expect(waiters().wakeups - wakeups).toBe(2);
    await until('the first waiter sleeps again', 10_000, async () => waiters().sleeping === before + 1);

    // A ticket assigned to a person: the first waiter looks and may not take it; one question finds that no other
    // waiter may either, and the signal dies there (the second waiter is not woken to look).
    const gpuWait2 = claimNext(gpu.key, { wait: 30 });
    await until('the second waiter sleeps', 10_000, async () => waiters().sleeping === before + 2);
    wakeups = waiters().wakeups;
    const narrowings = waiters().narrowings;
    const held = await createTicket(h, team.admin.key, team.ws.id, { title: 'for someone', assignee: { userId: team.member.id } });
    await until('the first waiter looked, and nobody else was found', 10_000, async () => waiters().narrowings - narrowings === 1 && waiters().sleeping === before + 2);
    expect(waiters().wakeups - wakeups).toBe(1);
    // Assigned to the agent that waits second: it is woken first, and alone.
    wakeups = waiters().wakeups;
    expectOk(await h.call('PUT', `/api/v1/tickets/${held.id}/assignee`, { key: team.admin.key, body: { agentId: gpu.id } }));
    expect(claimedId(await gpuWait2)).toBe(held.id);
    expect(waiters().wakeups - wakeups).toBe(1);

    abort.abort();
    expectEmpty(await plainWait);
    expect(waiters().sleeping).toBe(before);
  });

  it('a woken waiter whose client has gone does not swallow the signal: the next waiter gets the ticket', async () => {
    const team = await freshTeam();
    const [first, second] = await activeAgentsDirect(h, team.admin, team.ws.id, 2);
    const before = waiters().sleeping;
    const gone = new AbortController();
    const firstWait = claimNext(first.key, { wait: 30 }, gone.signal);
    await until('the first waiter sleeps', 10_000, async () => waiters().sleeping === before + 1);
    const secondWait = claimNext(second.key, { wait: 30 });
    await until('the second waiter sleeps', 10_000, async () => waiters().sleeping === before + 2);
    // The first waiter's client disconnects right as the ticket's announcement wakes it (this listener runs after
    // the waiters' own, in the same dispatch: the waiter is woken, and its client is gone before it looks).
    const wakeups = waiters().wakeups;
    const off = h.deps.live.subscribe((e) => e.type === 'ticket.created' && e.workspaceId === team.ws.id && gone.abort());
    try {
      const t = await createTicket(h, team.member.key, team.ws.id);
      expect(claimedId(await secondWait)).toBe(t.id);
      expectEmpty(await firstWait);
      expect(waiters().wakeups - wakeups).toBe(2);
      expect((await getTicket(h, team.member.key, t.id)).claimedBy).toBe(second.id);
    } finally {
      off();
    }
    expect(waiters().sleeping).toBe(before);
  });

  it('picks through the partial index tickets_available_idx in its order (no sort), under a prepared statement\'s generic plan', async () => {
    const team = await freshTeam();
    const agent = await activeAgent(h, team.admin.key, team.ws.slug, { capabilities: ['code'] });
    // Enough rows that a scan of the table would cost more than the index: most of them not available.
    await oneConnection(async (run) => {
      await run(`INSERT INTO tickets (id, workspace_id, number, title, status, priority, created_by_kind, claimed_by_agent_id)
        SELECT 'tkt_plan_' || g, '${team.ws.id}', 1000 + g, 'plan ' || g, CASE WHEN g % 10 = 0 THEN 'todo' ELSE 'done' END, g % 4, 'user',
          CASE WHEN g % 10 = 0 THEN NULL ELSE '${agent.id}' END
        FROM generate_series(1, 5000) g`);
      await run('ANALYZE tickets');
    });
    const me: AgentPrincipal = { kind: 'agent', agentId: agent.id, workspaceId: team.ws.id, name: agent.name, capabilities: ['code'], credentialId: 'plan' };
    const params: Record<string, unknown> = { ...claimParams(h.ctxFor(me), me), chosen: JSON.stringify(['code']) };
    // Compiled as the statement helper compiles it: each :name (outside '…' literals and :: casts) becomes $n.
    type Node = { 'Node Type': string; 'Index Name'?: string; 'Relation Name'?: string; Plans?: Node[]; 'Subplan Name'?: string };
    const genericPlan = async (sqlText: string): Promise<Node> => {
      const order: string[] = [];
      const text = sqlText
        .split("'")
        .map((piece, i) => (i % 2 ? piece : piece.replace(/(?<!:):([a-zA-Z][a-zA-Z0-9]*)/g, (_, p: string) => `$${(order.indexOf(p) + 1 || order.push(p))}`)))
        .join("'");
      const literal = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
      const plan = await oneConnection(async (run) => {
        await run(`PREPARE mc_plan_generic AS ${text}`);
        await run('SET plan_cache_mode = force_generic_plan');
        try {
          const [r] = await run(`EXPLAIN (FORMAT JSON) EXECUTE mc_plan_generic(${order.map((p) => literal(params[p])).join(', ')})`);
          return r['QUERY PLAN'];
        } finally {
          await run('RESET plan_cache_mode');
          await run('DEALLOCATE mc_plan_generic');
        }
      });
      return (typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan;
    };
    const root = await genericPlan(CLAIM_NEXT_SQL);
    const all = (n: Node): Node[] => [n, ...(n.Plans ?? []).flatMap(all)];
    // The pick: Limit → LockRows → Index Scan of tickets_available_idx, read in index order.
    const lock = all(root).find((n) => n['Node Type'] === 'LockRows');
    expect(lock, JSON.stringify(root)).toBeDefined();
    const under = all(lock!);
    expect(under.filter((n) => n['Relation Name'] === 'tickets').map((n) => [n['Node Type'], n['Index Name']]), JSON.stringify(lock)).toEqual([['Index Scan', 'tickets_available_idx']]);
    expect(under.some((n) => n['Node Type'] === 'Sort'), JSON.stringify(lock)).toBe(false);
    // And no table scan of tickets anywhere in the statement.
    expect(all(root).filter((n) => n['Relation Name'] === 'tickets' && n['Node Type'] === 'Seq Scan')).toEqual([]);
    // The workspace's gates are looked up once (in `gate`), not again by the claim's UPDATE: the statement reads
    // workspaces and workspace_usage exactly as often as the gate row alone does.
    const gates = all(await genericPlan(`SELECT ${claimGatesSql(':workspaceId')}`));
    for (const table of ['workspaces', 'workspace_usage']) {
      const reads = (nodes: Node[]) => nodes.filter((n) => n['Relation Name'] === table).length;
      expect(reads(gates), table).toBeGreaterThan(0);
      expect(reads(all(root)), `${table} in ${JSON.stringify(root)}`).toBe(reads(gates));
    }
  });

  it('keeps its generic plan when one workspace holds most To-do tickets, none requiring a capability: not planned again on every run', async () => {
    const team = await freshTeam();
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    const me: AgentPrincipal = { kind: 'agent', agentId: agent.id, workspaceId: team.ws.id, name: agent.name, capabilities: [], credentialId: 'plan' };
    const params: Record<string, unknown> = { ...claimParams(h.ctxFor(me), me), chosen: '[]' };
    const order: string[] = [];
    const text = CLAIM_NEXT_SQL.split("'")
      .map((piece, i) => (i % 2 ? piece : piece.replace(/(?<!:):([a-zA-Z][a-zA-Z0-9]*)/g, (_, p: string) => `$${order.indexOf(p) + 1 || order.push(p)}`)))
      .join("'");
    const literal = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
    const plans = await oneConnection(async (run) => {
      // The shape of an instance with one busy workspace (the claim benchmarks'): its To-do tickets are most of the table.
      await run(`INSERT INTO tickets (id, workspace_id, number, title, status, priority, created_by_kind)
        SELECT 'tkt_generic_' || g, '${team.ws.id}', 1000 + g, 'generic ' || g, 'todo', 0, 'user' FROM generate_series(1, 20000) g`);
      await run('ANALYZE tickets');
      await run(`PREPARE mc_plan_auto AS ${text}`);
      try {
        // plan_cache_mode = auto: five custom plans, then the generic one if it is not priced above them.
        for (let i = 0; i < 8; i++) {
          await run('BEGIN');
          await run(`EXECUTE mc_plan_auto(${order.map((p) => literal(params[p])).join(', ')})`);
          await run('ROLLBACK');
        }
        const [row] = await run(`SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name = 'mc_plan_auto'`);
        return row;
      } finally {
        await run('DEALLOCATE mc_plan_auto');
        await run(`DELETE FROM tickets WHERE id LIKE 'tkt_generic_%'`);
      }
    });
    expect(plans).toEqual({ generic: 3, custom: 5 });
  });

  it('several processes on one database: each wakes one waiter of its own for a new ticket', async () => {
    // A second server process: its own app and live bus on the same database, fed by its own LISTEN.
    const bus = new LiveBus();
    const other = createApiApp({ ...h.deps, live: bus });
    const unlisten = await h.database.listen(LIVE_CHANNEL, (payload) => bus.receive(payload));
    const here = waiters();
    const there = claimNextWaiters(bus);
    try {
      const team = await freshTeam();
      const agents = await activeAgentsDirect(h, team.admin, team.ws.id, 4);
      const abort = new AbortController();
      const before = here.sleeping;
      const pending: Promise<CallResult>[] = [];
      for (const [i, a] of agents.entries()) {
        pending.push(claimNext(a.key, { wait: 30 }, abort.signal, i % 2 ? other.app : h.app.app));
        await until(`waiter ${i + 1} sleeps`, 10_000, async () => here.sleeping + there.sleeping === before + i + 1);
      }
      const [wakeHere, wakeThere] = [here.wakeups, there.wakeups];
      const asked = [here.narrowings, there.narrowings];

      const t = await createTicket(h, team.member.key, team.ws.id, { title: 'one for two processes' });
      const first = await Promise.race(pending.map((p, i) => p.then((r) => ({ r, i }))));
      expect(claimedId(first.r)).toBe(t.id);
      // Each process heard the ticket and woke the longest waiting of its own waiters: one of the two claimed it. The
      // other found nothing and asked who of its waiters could take the ticket: nobody once the winner's claim has
      // committed, and the signal died there. (Asked while that claim is still in flight, the ticket looks free: the
      // next waiter is woken, looks and asks again — at most one per question, never a stampede.)
      expect(first.i).toBeLessThan(2);
      await until('every signal used or dead', 10_000, async () => here.signals + there.signals === 0 && here.sleeping + there.sleeping === before + 3);
      const [winner, loser] = first.i % 2 ? [there, here] : [here, there];
      const woke = (x: typeof here) => x.wakeups - (x === here ? wakeHere : wakeThere);
      const questions = (x: typeof here) => x.narrowings - (x === here ? asked[0] : asked[1]);
      expect(woke(winner)).toBe(1);
      expect(questions(winner)).toBe(0);
      // Every wake-up in the losing process but the first followed a question that named that waiter.
      expect(questions(loser)).toBeGreaterThanOrEqual(1);
      expect(woke(loser)).toBeGreaterThanOrEqual(1);
      expect(woke(loser)).toBeLessThanOrEqual(questions(loser) + 1);
      abort.abort();
      const answers = await Promise.all(pending);
      expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
      expect(answers.filter((r) => r.status === 204)).toHaveLength(3);
    } finally {
      await unlisten();
    }
  });
});

// Ratings over the API: one per person and item (rating again replaces it, the same verdict changes nothing),
// retracting, the credit (execution → its agent; ticket → holder, else assigned agent, else nobody), the audit
// trail and outbox event, who may rate and read, and ratings showing in the agent's and workspace's metrics in the
// bucket of their last change.
import { ManualClock, newId } from '@mc/core';
import { executions } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team, type User } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { createWorkspace, expectError, expectOk, issueFields } from './helpers';
import { activityOf, claim, createTicket, move, type Agent, type Ticket } from './tickets.fixtures';

const clock = new ManualClock(new Date('2024-02-28T10:00:00.000Z'));
let h: Harness;
let team: Team;
let outsider: User;
let other: { id: string; slug: string };
let holder: Agent, assignee: Agent, otherAgent: Agent;
/** Done, claimed by `holder` (and assigned to `assignee`: the holder wins). */
let doneTicket: Ticket;
/** Assigned to `assignee`, never claimed. */
let assignedTicket: Ticket;
/** Nobody on it. */
let loneTicket: Ticket;
let executionId: string;
let otherExecutionId: string;

async function insertExecution(workspaceId: string, agentId: string) {
  const id = newId('exe');
  const now = clock.now();
  await h.database.db.insert(executions).values({
    id,
    workspaceId,
    agentId,
    status: 'success',
    startedAt: new Date(now.getTime() - 60_000),
    endedAt: now,
    durationMs: 60_000,
    tokensIn: 100,
    tokensOut: 50,
    model: 'gpt-4o',
  });
  return id;
}

const rate = (path: string, key: string, rating: unknown) => h.call('POST', `/api/v1/${path}/rating`, { key, body: { rating } });
const summary = async (path: string, key: string) => expectOk(await h.call('GET', `/api/v1/${path}/rating`, { key }));

beforeAll(async () => {
  h = await createHarness({ clock });
  team = await createTeam(h);
  outsider = await h.newUser('Outsider');
  other = await createWorkspace(h, outsider.key);
  holder = await activeAgent(h, team.admin.key, team.ws.id);
  assignee = await activeAgent(h, team.admin.key, team.ws.id);
  otherAgent = await activeAgent(h, outsider.key, other.id);

  doneTicket = await createTicket(h, team.member.key, team.ws.id, { title: 'Ship the report' });
  expectOk(await claim(h, holder.key, doneTicket.id));
  expectOk(await move(h, holder.key, doneTicket.id, 'pr_review'));
  expectOk(await move(h, holder.key, doneTicket.id, 'done'));
  // Assigned afterwards to another agent: the work stays the holder's.
  const done = expectOk(await h.call('PUT', `/api/v1/tickets/${doneTicket.id}/assignee`, { key: team.admin.key, body: { agentId: assignee.id } }));
  expect(done).toMatchObject({ status: 'done', claimedBy: holder.id, assignee: { kind: 'agent', id: assignee.id } });
  assignedTicket = await createTicket(h, team.admin.key, team.ws.id, { title: 'Assigned', assignee: { agentId: assignee.id } });
  loneTicket = await createTicket(h, team.member.key, team.ws.id, { title: 'Nobody' });
  executionId = await insertExecution(team.ws.id, assignee.id);
  otherExecutionId = await insertExecution(other.id, otherAgent.id);
});

afterAll(async () => {
  await h?.close();
});

describe('rating a ticket', () => {
  it('201 when new, 200 when replaced (same rating id), the same verdict again writes nothing; DELETE retracts (204), then 404', async () => {
    const path = `tickets/${doneTicket.id}`;
    clock.set(new Date('2024-02-28T10:00:00.000Z'));
    const created = expectOk(await rate(path, team.member.key, 'good'), 201);
    expect(created).toEqual({
      id: expect.stringMatching(/^rtg_[0-9A-Z]{26}$/),
      workspaceId: team.ws.id,
      target: { kind: 'ticket', id: doneTicket.id },
      agentId: holder.id,
      userId: team.member.id,
      rating: 'good',
      createdAt: '2024-02-28T10:00:00.000Z',
      updatedAt: '2024-02-28T10:00:00.000Z',
    });
    expect(await summary(path, team.member.key)).toEqual({ good: 1, bad: 0, mine: 'good' });
    expect(await summary(path, team.owner.key)).toEqual({ good: 1, bad: 0, mine: null });

    clock.set(new Date('2024-03-01T09:00:00.000Z'));
    const replaced = expectOk(await rate(path, team.member.key, 'bad'), 200);
    expect(replaced).toMatchObject({ id: created.id, rating: 'bad', createdAt: created.createdAt, updatedAt: '2024-03-01T09:00:00.000Z' });
    expect(await summary(path, team.member.key)).toEqual({ good: 0, bad: 1, mine: 'bad' });

    clock.set(new Date('2024-03-02T09:00:00.000Z'));
    const same = expectOk(await rate(path, team.member.key, 'bad'), 200);
    expect(same).toEqual(replaced);

    // Another person's rating is their own.
    clock.advance(1000); // the log is read back in time order: one step per change
    expectOk(await rate(path, team.owner.key, 'good'), 201);
    expect(await summary(path, team.viewer.key)).toEqual({ good: 1, bad: 1, mine: null });

    clock.advance(1000);
    const del = await h.call('DELETE', `/api/v1/${path}/rating`, { key: team.member.key });
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    expect(await summary(path, team.member.key)).toEqual({ good: 1, bad: 0, mine: null });
    expectError(await h.call('DELETE', `/api/v1/${path}/rating`, { key: team.member.key }), 404, 'NOT_FOUND');

    // The audit trail: created, changed, removed by the member (the unchanged repeat left no entry), and the events.
    const log = (await activityOf(h, { workspaceId: team.ws.id, action: 'rating.*' })).filter((e) => e.target.id === doneTicket.id && e.actor.id === team.member.id);
    expect(log.map((e) => [e.action, e.metadata.rating, e.metadata.previous, e.metadata.agentId]).reverse()).toEqual([
      ['rating.created', 'good', null, holder.id],
      ['rating.changed', 'bad', 'good', holder.id],
      ['rating.removed', null, 'bad', holder.id],
    ]);
    expect(log.every((e) => e.target.kind === 'ticket' && e.summary.includes(`#${doneTicket.number}`))).toBe(true);
    const events = await h.database.db.query.events.findMany({
      where: (e, { and, eq, sql }) => and(eq(e.type, 'rating.recorded'), sql`${e.data}->'target'->>'id' = ${doneTicket.id}`),
      orderBy: (e, { asc }) => asc(e.occurredAt),
    });
    expect(events.map((e) => [(e.data as any).change, (e.data as any).rating, e.actorId])).toEqual([
      ['created', 'good', team.member.id],
      ['changed', 'bad', team.member.id],
      ['created', 'good', team.owner.id],
      ['removed', null, team.member.id],
    ]);
    expect(events[0].data).toEqual({ target: { kind: 'ticket', id: doneTicket.id }, agentId: holder.id, change: 'created', rating: 'good', previous: null });
  });

  it('is credited to the holder, else the assigned agent, else nobody', async () => {
    expect(expectOk(await rate(`tickets/${assignedTicket.id}`, team.admin.key, 'good'), 201).agentId).toBe(assignee.id);
    expect(expectOk(await rate(`tickets/${loneTicket.id}`, team.admin.key, 'bad'), 201).agentId).toBeNull();
  });
});

describe('rating an execution', () => {
  it("is credited to the execution's agent, and works like a ticket's", async () => {
    const path = `executions/${executionId}`;
    clock.set(new Date('2024-03-05T09:00:00.000Z'));
    const r = expectOk(await rate(path, team.admin.key, 'good'), 201);
    expect(r).toMatchObject({ target: { kind: 'execution', id: executionId }, agentId: assignee.id, rating: 'good' });
    clock.advance(1000);
    expect(expectOk(await rate(path, team.admin.key, 'bad'), 200).id).toBe(r.id);
    expect(await summary(path, team.admin.key)).toEqual({ good: 0, bad: 1, mine: 'bad' });
    // An agent reads the counts (it has no rating of its own).
    expect(await summary(path, assignee.key)).toEqual({ good: 0, bad: 1, mine: null });
    clock.advance(1000);
    expect((await h.call('DELETE', `/api/v1/${path}/rating`, { key: team.admin.key })).status).toBe(204);
    const log = await activityOf(h, { workspaceId: team.ws.id, action: 'rating.*' });
    expect(log.filter((e) => e.target.id === executionId).map((e) => e.action).reverse()).toEqual(['rating.created', 'rating.changed', 'rating.removed']);
  });
});

describe('who may rate and read', () => {
  it('viewers read but cannot rate (403); agents read but cannot rate (403), even their own work', async () => {
    for (const path of [`tickets/${doneTicket.id}`, `executions/${executionId}`]) {
      expectError(await rate(path, team.viewer.key, 'good'), 403, 'FORBIDDEN');
      expectError(await h.call('DELETE', `/api/v1/${path}/rating`, { key: team.viewer.key }), 403, 'FORBIDDEN');
      expectOk(await h.call('GET', `/api/v1/${path}/rating`, { key: team.viewer.key }));
      for (const agent of [holder, assignee]) {
        expectError(await rate(path, agent.key, 'good'), 403, 'FORBIDDEN');
        expectError(await h.call('DELETE', `/api/v1/${path}/rating`, { key: agent.key }), 403, 'FORBIDDEN');
      }
    }
  });

  it("another workspace's people and agents get 404, as for an id that does not exist", async () => {
    for (const path of [`tickets/${doneTicket.id}`, `executions/${executionId}`, 'tickets/tkt_00000000000000000000000000', 'executions/exe_00000000000000000000000000']) {
      expectError(await rate(path, outsider.key, 'good'), 404, 'NOT_FOUND');
      expectError(await h.call('DELETE', `/api/v1/${path}/rating`, { key: outsider.key }), 404, 'NOT_FOUND');
      expectError(await h.call('GET', `/api/v1/${path}/rating`, { key: outsider.key }), 404, 'NOT_FOUND');
      expectError(await h.call('GET', `/api/v1/${path}/rating`, { key: otherAgent.key }), 404, 'NOT_FOUND');
    }
    // And the other way round: the team cannot reach the other workspace's execution.
    expectError(await rate(`executions/${otherExecutionId}`, team.owner.key, 'good'), 404, 'NOT_FOUND');
  });

  it('a bad body is 400 naming the field', async () => {
    const res = await rate(`tickets/${doneTicket.id}`, team.member.key, 'meh');
    expectError(res, 400, 'VALIDATION_ERROR');
    expect(issueFields(res)).toEqual(['rating']);
    const extra = await h.call('POST', `/api/v1/tickets/${doneTicket.id}/rating`, { key: team.member.key, body: { rating: 'good', agentId: holder.id } });
    expectError(extra, 400, 'VALIDATION_ERROR');
    expect(issueFields(extra)).toEqual(['agentId']);
    expectError(await h.call('POST', `/api/v1/tickets/${doneTicket.id}/rating`, { key: team.member.key }), 400, 'VALIDATION_ERROR');
  });
});

describe('ratings in metrics', () => {
  it("count for the credited agent and the workspace in the day of their last change; a change moves the rating", async () => {
    const ws = await createWorkspace(h, team.owner.key);
    const bot = await activeAgent(h, team.owner.key, ws.id);
    const [t1, t2] = [await createTicket(h, team.owner.key, ws.id), await createTicket(h, team.owner.key, ws.id, { assignee: { agentId: bot.id } })];
    expectOk(await claim(h, bot.key, t1.id));
    const exec = await insertExecution(ws.id, bot.id);
    const q = '?period=day&from=2024-02-28&to=2024-03-01';
    const ratingsPerDay = async (path: string) => expectOk(await h.call('GET', `${path}${q}`, { key: team.owner.key })).series.map((s: any) => [s.periodStart, s.ratings.good, s.ratings.bad]);

    clock.set(new Date('2024-02-28T23:59:59.999Z'));
    expectOk(await rate(`tickets/${t1.id}`, team.owner.key, 'good'), 201);
    expectOk(await rate(`executions/${exec}`, team.owner.key, 'good'), 201);
    clock.set(new Date('2024-02-29T00:00:00.000Z'));
    expectOk(await rate(`tickets/${t2.id}`, team.owner.key, 'bad'), 201);
    expect(await ratingsPerDay(`/api/v1/agents/${bot.id}/metrics`)).toEqual([
      ['2024-02-28', 2, 0],
      ['2024-02-29', 0, 1],
      ['2024-03-01', 0, 0],
    ]);

    // Changing a rating on 1 March moves it out of the 28th.
    clock.set(new Date('2024-03-01T12:00:00.000Z'));
    expectOk(await rate(`executions/${exec}`, team.owner.key, 'bad'), 200);
    // A rating of a ticket nobody worked on counts for the workspace only.
    const lone = await createTicket(h, team.owner.key, ws.id);
    expectOk(await rate(`tickets/${lone.id}`, team.owner.key, 'good'), 201);
    expect(await ratingsPerDay(`/api/v1/agents/${bot.id}/metrics`)).toEqual([
      ['2024-02-28', 1, 0],
      ['2024-02-29', 0, 1],
      ['2024-03-01', 0, 1],
    ]);
    expect(await ratingsPerDay(`/api/v1/workspaces/${ws.id}/metrics`)).toEqual([
      ['2024-02-28', 1, 0],
      ['2024-02-29', 0, 1],
      ['2024-03-01', 1, 1],
    ]);
    // Retracted ratings no longer count.
    expect((await h.call('DELETE', `/api/v1/tickets/${t1.id}/rating`, { key: team.owner.key })).status).toBe(204);
    const totals = expectOk(await h.call('GET', `/api/v1/agents/${bot.id}/metrics${q}`, { key: team.owner.key })).totals;
    expect(totals.ratings).toEqual({ good: 0, bad: 2 });
  });

  it('an archived workspace takes no new ratings (409) but still shows them', async () => {
    const ws = await createWorkspace(h, team.owner.key);
    const t = await createTicket(h, team.owner.key, ws.id);
    expectOk(await rate(`tickets/${t.id}`, team.owner.key, 'good'), 201);
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${ws.id}`, { key: team.owner.key }));
    expectError(await rate(`tickets/${t.id}`, team.owner.key, 'bad'), 409, 'CONFLICT');
    expect(await summary(`tickets/${t.id}`, team.owner.key)).toEqual({ good: 1, bad: 0, mine: 'good' });
  });
});

describe('the OpenAPI document', () => {
  it('lists both answers of a rating (201 new, 200 replaced) and the bodiless 204 of a retraction', async () => {
    const doc = (await h.call('GET', '/api/openapi')).body;
    for (const collection of ['tickets', 'executions']) {
      const ops = doc.paths[`/api/v1/${collection}/{id}/rating`];
      for (const status of ['200', '201']) {
        expect(ops.post.responses[status].content['application/json'].schema.properties.data.$ref, `${collection} ${status}`).toBe('#/components/schemas/Rating');
      }
      expect(ops.delete.responses['204'].content).toBeUndefined();
      expect(ops.get.responses['200'].content['application/json'].schema.properties.data.$ref).toBe('#/components/schemas/RatingSummary');
    }
    // The rating value stays a plain enum: the summary's nullable `mine` must not make it nullable for requests.
    expect(doc.components.schemas.RatingValue).toEqual({ type: 'string', enum: ['good', 'bad'] });
  });
});

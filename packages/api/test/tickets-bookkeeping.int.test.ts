// What the one-statement claim and move write besides the ticket, and the budget hard stop on claims (on a manual
// clock): activity rows carry the ticket's new status, outbox events match the catalog, status changes notify the
// people involved, and a workspace whose month is blocked gets 402 BUDGET_EXCEEDED until the month rolls over.
import { EVENT_CATALOG, type EventType } from '@mc/contracts';
import { CLAIM_LEASE_MS, ManualClock, releaseExpiredLeases } from '@mc/core';
import { workspaceUsage } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectError, expectOk } from './helpers';
import { available, claim, createTicket, move, type Ticket } from './tickets.fixtures';

let h: Harness;
let team: Team;
const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
/** A second passes between steps, so that the log's order is the order of the steps. */
const tick = () => clock.advance(1000);

beforeAll(async () => {
  h = await createHarness({ clock });
  team = await createTeam(h);
});
afterAll(async () => {
  await h?.close();
});

const activityOf = (ticketId: string) =>
  h.database.db.query.activity.findMany({ where: (a, { eq }) => eq(a.targetId, ticketId), orderBy: (a, { asc }) => [asc(a.createdAt), asc(a.id)] });
const eventsOf = (ticketId: string) =>
  h.database.db.query.events.findMany({ where: (e, { sql }) => sql`${e.data}->'ticket'->>'id' = ${ticketId}`, orderBy: (e, { asc }) => [asc(e.id)] });

describe('claim and move bookkeeping', () => {
  it('activity rows carry the new status; events match the catalog; the creator is told of each move', async () => {
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await createTicket(h, team.member.key, team.ws.id, { title: 'Bookkeeping' });
    tick();
    const claimed = expectOk(await claim(h, agent.key, t.id)) as Ticket;
    tick();
    expectOk(await move(h, agent.key, t.id, 'pr_review'));
    tick();
    expectOk(await move(h, agent.key, t.id, 'done'));
    tick();
    expectOk(await move(h, agent.key, t.id, 'closed', { closedReason: 'shipped' }));

    const acts = await activityOf(t.id);
    expect(acts.map((a) => [a.action, a.status, a.actorId])).toEqual([
      ['ticket.created', null, team.member.id],
      ['ticket.claimed', 'in_progress', agent.id],
      ['ticket.moved', 'pr_review', agent.id],
      ['ticket.moved', 'done', agent.id],
      ['ticket.moved', 'closed', agent.id],
    ]);
    expect(acts[1].summary).toBe(`claimed #${t.number} Bookkeeping`);
    expect(acts[1].metadata).toEqual({ leaseExpiresAt: claimed.leaseExpiresAt, from: 'todo', to: 'in_progress' });
    expect(acts[2].summary).toBe(`moved #${t.number} from in_progress to pr_review`);
    expect(acts[4].metadata).toEqual({ from: 'done', to: 'closed', closedReason: 'shipped' });

    const evs = await eventsOf(t.id);
    expect(evs.map((e) => e.type)).toEqual(['ticket.created', 'ticket.claimed', 'ticket.moved', 'ticket.moved', 'ticket.moved']);
    for (const e of evs) {
      // What webhook receivers get must be what the catalog promises (the SQL builds part of it).
      expect(EVENT_CATALOG[e.type as EventType].data.safeParse(e.data).success, `${e.type}: ${JSON.stringify(e.data)}`).toBe(true);
      expect((e.data as { ticket: object }).ticket).toMatchObject({ id: t.id, number: t.number, title: 'Bookkeeping' });
    }
    expect(evs[1]).toMatchObject({ actorKind: 'agent', actorId: agent.id, actorName: agent.name, data: { agentId: agent.id, leaseExpiresAt: claimed.leaseExpiresAt } });
    expect(evs[3].data).toMatchObject({ from: 'pr_review', to: 'done', ticket: { status: 'done' } });

    // Each move tells the creator (a member), once; the agent that moved it is never told.
    const notes = await h.database.db.query.notifications.findMany({ where: (n, { eq }) => eq(n.ticketId, t.id), orderBy: (n, { asc }) => [asc(n.id)] });
    expect(notes.map((n) => [n.recipientKind, n.recipientId, n.type])).toEqual([
      ['user', team.member.id, 'status_change'],
      ['user', team.member.id, 'status_change'],
      ['user', team.member.id, 'status_change'],
    ]);
    expect(notes[0].content).toBe(`${agent.name} moved #${t.number} Bookkeeping from in_progress to pr_review`);
    expect(notes.map((n) => n.eventId)).toEqual(evs.slice(2).map((e) => e.id));
  });

  it('a release and a lease expiry record the status the ticket went back to', async () => {
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    const t1 = await createTicket(h, team.member.key, team.ws.id);
    expectOk(await claim(h, agent.key, t1.id));
    expectOk(await h.call('POST', `/api/v1/tickets/${t1.id}/release`, { key: agent.key, body: {} }));
    const t2 = await createTicket(h, team.member.key, team.ws.id);
    expectOk(await claim(h, agent.key, t2.id));
    clock.advance(CLAIM_LEASE_MS + 1);
    await releaseExpiredLeases(h.ctxFor({ kind: 'system', name: 'test' }));
    expect((await activityOf(t1.id)).map((a) => [a.action, a.status])).toContainEqual(['ticket.released', 'todo']);
    expect((await activityOf(t2.id)).map((a) => [a.action, a.status])).toContainEqual(['ticket.lease_expired', 'todo']);
  });

  it('an agent move the fast path cannot take still gets the precise answer of the state machine', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const b = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await createTicket(h, team.member.key, team.ws.id);
    expectOk(await claim(h, a.key, t.id));
    // Not the holder: 403; not a legal move: 409 with the allowed states; a stale version: 409 CONFLICT.
    expectError(await move(h, b.key, t.id, 'pr_review'), 403, 'FORBIDDEN');
    const bad = expectError(await move(h, a.key, t.id, 'done'), 409, 'INVALID_TRANSITION');
    expect(bad.details.allowed.sort()).toEqual(['closed', 'pr_review', 'todo']);
    expectError(await move(h, a.key, t.id, 'pr_review', { version: 1 }), 409, 'CONFLICT');
    expectError(await move(h, a.key, 'tkt_nope', 'pr_review'), 404, 'NOT_FOUND');
    const moved = expectOk(await move(h, a.key, t.id, 'pr_review', { version: 2 }));
    expect(moved).toMatchObject({ status: 'pr_review', version: 3, claimedBy: a.id, leaseExpiresAt: null });
  });
});

describe('budget hard stop on claims', () => {
  it('a blocked month refuses claims with 402 BUDGET_EXCEEDED; the next month claims again', async () => {
    // The last minutes of March (UTC), so that the month rolls over within the test.
    clock.set(new Date('2026-03-31T23:50:00.000Z'));
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    const other = await createTeam(h);
    const otherAgent = await activeAgent(h, other.admin.key, other.ws.slug);
    const t = await createTicket(h, team.member.key, team.ws.id);
    const elsewhere = await createTicket(h, other.member.key, other.ws.id);
    // As the budget accounting leaves it when a hard-stop limit is reached (a blocked row of an older month too).
    await h.database.db.insert(workspaceUsage).values([
      { workspaceId: team.ws.id, month: '2026-03-01', tokens: 1_000_000, blocked: true },
      { workspaceId: other.ws.id, month: '2026-02-01', tokens: 1_000_000, blocked: true },
    ]);

    const refused = expectError(await claim(h, agent.key, t.id), 402, 'BUDGET_EXCEEDED');
    // Said as every door of the hard stop says it, with the limit and the usage (README: month, limit, used, limitValue, resetsAt).
    expect(refused.message).toMatch(/token budget for 2026-03 is exhausted and hard stop is on/);
    expect(refused.details).toEqual({ month: '2026-03', limit: 'tokens', used: 1_000_000, limitValue: null, resetsAt: '2026-04-01T00:00:00.000Z' });
    // Nor is the ticket offered meanwhile: the poll says why instead.
    const poll = await h.call('GET', '/api/v1/tickets/available', { key: agent.key });
    expect(expectOk(poll)).toEqual([]);
    expect(poll.body.meta.paused).toMatchObject({ reason: 'budget_exceeded', details: refused.details });
    const row = await h.database.db.query.tickets.findFirst({ where: (x, { eq }) => eq(x.id, t.id) });
    expect(row).toMatchObject({ status: 'todo', claimedByAgentId: null, version: t.version });
    expect((await activityOf(t.id)).map((a) => a.action)).toEqual(['ticket.created']);
    // Only the blocked workspace and month: the other workspace's block was February's.
    expectOk(await claim(h, otherAgent.key, elsewhere.id));

    // Past midnight UTC it is April: no row, no block.
    clock.advance(11 * 60_000);
    expect((await available(h, agent.key)).map((x) => x.id)).toContain(t.id);
    const won = expectOk(await claim(h, agent.key, t.id)) as Ticket;
    expect(won).toMatchObject({ status: 'in_progress', claimedBy: agent.id });
  });

  it('a limit of 0 with hard stop blocks claims in a month that has no usage yet (a new month)', async () => {
    clock.set(new Date('2026-05-31T23:55:00.000Z'));
    const t0 = await createTeam(h);
    const agent = await activeAgent(h, t0.admin.key, t0.ws.slug);
    expectOk(await h.call('PUT', `/api/v1/workspaces/${t0.ws.id}/budget`, { key: t0.owner.key, body: { monthlyTokenLimit: 0, hardStop: true } }));
    const t = await createTicket(h, t0.member.key, t0.ws.id);
    expectError(await claim(h, agent.key, t.id), 402, 'BUDGET_EXCEEDED');
    clock.advance(10 * 60_000); // June: no usage row for the month yet
    expectError(await claim(h, agent.key, t.id), 402, 'BUDGET_EXCEEDED');
    // Lifting the hard stop opens the month.
    expectOk(await h.call('PUT', `/api/v1/workspaces/${t0.ws.id}/budget`, { key: t0.owner.key, body: { monthlyTokenLimit: 0, hardStop: false } }));
    expectOk(await claim(h, agent.key, t.id));
  });
});

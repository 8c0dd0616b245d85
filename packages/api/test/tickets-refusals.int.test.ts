// Every refusal says its real reason (issue 11 points 12 and 13): a holder closing its ticket is told closing is for
// admins (not "only its holder can move it"); a closed ticket's claim says it is closed (not "already claimed by
// you"); a closed or done ticket cannot be released (the holder stays on record for rating credit); and an agent
// whose lease expired is notified (also on its endpoint) and told so by its next refused request.
import { CLAIM_LEASE_MS, dispatchWebhookEvents, ManualClock, releaseExpiredLeases } from '@mc/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectError, expectOk } from './helpers';
import { claim, createTicket, getTicket, move, type Agent, type Ticket } from './tickets.fixtures';

let h: Harness;
let team: Team;
const clock = new ManualClock(new Date('2026-04-06T09:00:00.000Z'));
const sweep = () => releaseExpiredLeases(h.ctxFor({ kind: 'system', name: 't' }));

beforeAll(async () => {
  h = await createHarness({ clock, config: { allowPrivateNetwork: true } });
  team = await createTeam(h);
});
beforeEach(async () => {
  clock.advance(CLAIM_LEASE_MS + 1);
  await sweep();
});
afterAll(async () => {
  await h?.close();
});

async function claimed(agent: Agent): Promise<Ticket> {
  const t = await createTicket(h, team.member.key, team.ws.id, { title: 'refusal work' });
  return expectOk(await claim(h, agent.key, t.id)) as Ticket;
}

const release = (key: string, id: string) => h.call('POST', `/api/v1/tickets/${id}/release`, { key });

describe('moves', () => {
  it('a holder closing its in-progress ticket is told closing is for workspace admins, and what it can do', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    const err = expectError(await move(h, a.key, t.id, 'closed'), 403, 'FORBIDDEN');
    expect(err.message).toBe("closing a ticket in in_progress is for workspace admins (won't do); you can move it to pr_review or todo");
    expect(err.details).toEqual({ from: 'in_progress', to: 'closed', allowedMovers: ['admin'], yourMoves: ['pr_review', 'todo'] });
    // A member closing a To-do ticket: the same rule, in the same words.
    const todo = await createTicket(h, team.member.key, team.ws.id);
    expect(expectError(await move(h, team.member.key, todo.id, 'closed'), 403, 'FORBIDDEN').message).toMatch(/^closing a ticket in todo is for workspace admins/);
    // An admin may.
    expectOk(await move(h, team.admin.key, t.id, 'closed'));
  });

  it('another agent moving a held ticket is told who holds it', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const b = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    const err = expectError(await move(h, b.key, t.id, 'pr_review'), 403, 'FORBIDDEN');
    expect(err.message).toBe(`ticket #${t.number} is claimed by ${a.name}: only the agent holding it, its assignee or a workspace admin can move it from in_progress to pr_review`);
  });

  it('a move the state machine refuses is INVALID_TRANSITION naming the status and the allowed moves; a closed ticket says it is closed', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    const err = expectError(await move(h, a.key, t.id, 'done'), 409, 'INVALID_TRANSITION');
    expect(err.message).toBe(`ticket #${t.number} is in_progress: it cannot go from in_progress to done (allowed: pr_review, todo, closed)`);
    expect(err.details).toEqual({ from: 'in_progress', to: 'done', allowed: ['pr_review', 'todo', 'closed'] });
    expectOk(await move(h, team.admin.key, t.id, 'closed'));
    const closed = expectError(await move(h, a.key, t.id, 'pr_review'), 409, 'INVALID_TRANSITION');
    expect(closed.message).toBe(`ticket #${t.number} is closed: a closed ticket does not move any more`);
    expect(closed.details).toEqual({ from: 'closed', to: 'pr_review', allowed: [] });
  });
});

describe('claims and releases of finished tickets', () => {
  it("a closed ticket's claim says it is closed (not \"already claimed by\" its former holder)", async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    expectOk(await move(h, a.key, t.id, 'pr_review'));
    expectOk(await move(h, a.key, t.id, 'done'));
    expectOk(await move(h, a.key, t.id, 'closed'));
    for (const agent of [a, await activeAgent(h, team.admin.key, team.ws.slug)]) {
      const err = expectError(await claim(h, agent.key, t.id), 409, 'INVALID_TRANSITION');
      expect(err.message).toBe(`ticket #${t.number} is closed; only To-do tickets can be claimed`);
      expect(err.details).toEqual({ from: 'closed', to: 'in_progress', allowed: [] });
    }
  });

  it('release of a ticket past in_progress is INVALID_TRANSITION and keeps the holder on record (rating credit)', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    expectOk(await move(h, a.key, t.id, 'pr_review'));
    const inReview = expectError(await release(a.key, t.id), 409, 'INVALID_TRANSITION');
    expect(inReview.message).toBe(`ticket #${t.number} is pr_review: only a ticket in progress can be released`);
    expect(inReview.details).toEqual({ from: 'pr_review', to: 'todo', allowed: ['done', 'in_progress', 'closed'] });
    expectOk(await move(h, a.key, t.id, 'done'));
    expectOk(await move(h, a.key, t.id, 'closed'));
    for (const key of [a.key, team.admin.key]) {
      const err = expectError(await release(key, t.id), 409, 'INVALID_TRANSITION');
      expect(err.message).toBe(`ticket #${t.number} is closed: only a ticket in progress can be released`);
    }
    const after = await getTicket(h, team.member.key, t.id);
    expect(after).toMatchObject({ status: 'closed', claimedBy: a.id });
    // The rating is credited to the agent that did the work.
    expect(expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/rating`, { key: team.member.key, body: { rating: 'good' } }), 201).agentId).toBe(a.id);
  });

  it('release of a ticket nobody holds names the ticket', async () => {
    const t = await createTicket(h, team.member.key, team.ws.id);
    const err = expectError(await release(team.admin.key, t.id), 409, 'CONFLICT');
    expect(err.message).toBe(`ticket #${t.number} is not claimed by anyone`);
    expect(err.details).toEqual({ reason: 'not_claimed' });
  });
});

describe('a lost lease', () => {
  it('is notified to the agent (and pushed to its endpoint), and named by its next refused move, release and claim', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug, { endpoint: 'http://127.0.0.1:9/agent' });
    const b = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    const expiredAt = t.leaseExpiresAt!;
    clock.advance(CLAIM_LEASE_MS + 1);
    expect(await sweep()).toBe(1);

    // The notification, to the agent only.
    const notes = expectOk(await h.call('GET', '/api/v1/notifications?unread=true', { key: a.key })) as any[];
    const lease = notes.filter((n) => n.type === 'lease_expired');
    expect(lease).toHaveLength(1);
    expect(lease[0]).toMatchObject({ context: { ticketId: t.id, workspaceId: team.ws.id } });
    expect(lease[0].content).toBe(
      `Your lease on #${t.number} refusal work expired at ${expiredAt} (10 minutes without a heartbeat or write) and it went back to To-do; claim it again to go on.`,
    );
    for (const key of [b.key, team.admin.key, team.member.key]) {
      expect((expectOk(await h.call('GET', '/api/v1/notifications', { key })) as any[]).filter((n) => n.type === 'lease_expired')).toEqual([]);
    }
    // Pushed to the agent's endpoint as a signed notification delivery.
    await dispatchWebhookEvents(h.ctxFor({ kind: 'system', name: 't' }));
    const deliveries = await h.database.db.query.webhookDeliveries.findMany({ where: (d, { eq, and }) => and(eq(d.agentId, a.id), eq(d.eventType, 'notification')) });
    expect(deliveries.map((d) => (d.payload as any).data)).toContainEqual(expect.objectContaining({ id: lease[0].id, type: 'lease_expired' }));

    // Its next move names the lease, with the state machine's details kept.
    const sentence = `your lease on ticket #${t.number} expired at ${expiredAt} (10 minutes without a heartbeat or write) and it went back to To-do`;
    const moved = expectError(await move(h, a.key, t.id, 'pr_review'), 409, 'INVALID_TRANSITION');
    expect(moved.message).toBe(`${sentence}; claim it again (PATCH /api/v1/tickets/${t.id}/claim) to go on`);
    expect(moved.details).toEqual({ from: 'todo', to: 'pr_review', allowed: ['in_progress', 'closed'], reason: 'lease_expired', yourLeaseExpiredAt: expiredAt });
    const released = expectError(await release(a.key, t.id), 409, 'CONFLICT');
    expect(released.details).toMatchObject({ reason: 'lease_expired', yourLeaseExpiredAt: expiredAt });
    // Another agent's refusals say nothing about a lease it never had.
    expect(expectError(await move(h, b.key, t.id, 'pr_review'), 409, 'INVALID_TRANSITION').details.reason).toBeUndefined();

    // Someone else claims it: the former holder's claim says both.
    expectOk(await claim(h, b.key, t.id));
    const lost = expectError(await claim(h, a.key, t.id), 409, 'CONFLICT');
    expect(lost.message).toBe(`${sentence}, and ${b.name} has claimed it since`);
    expect(lost.details).toMatchObject({ claimedBy: b.id, reason: 'lease_expired', yourLeaseExpiredAt: expiredAt });
    const forbidden = expectError(await move(h, a.key, t.id, 'pr_review'), 403, 'FORBIDDEN');
    expect(forbidden.message).toBe(`${sentence}; another agent has claimed it since`);

    // Once it claims the ticket again, the old lease is history: refusals are about the present.
    expectOk(await release(b.key, t.id));
    expectOk(await claim(h, a.key, t.id));
    expect(expectError(await move(h, a.key, t.id, 'done'), 409, 'INVALID_TRANSITION').details.reason).toBeUndefined();
  });
});

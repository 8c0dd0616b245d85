// Claim leases on a manual clock: expiry puts a ticket back in To-do (and says so in the activity log); the
// holder's heartbeat, edits and comments renew the lease, nobody else's do; release by the holder, force-release
// by an admin (audited), and who may not release.
import { CLAIM_LEASE_MS, ManualClock, releaseExpiredLeases } from '@mc/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectError, expectOk } from './helpers';
import { activityOf, available, claim, createTicket, getTicket, move, type Agent, type Ticket } from './tickets.fixtures';

const MIN = 60_000;
let h: Harness;
let team: Team;
const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
const sweep = () => releaseExpiredLeases(h.ctxFor({ kind: 'system', name: 't' }));

beforeAll(async () => {
  h = await createHarness({ clock });
  team = await createTeam(h);
});
// Each test starts with no live lease: whatever an earlier test left claimed has expired and been swept.
beforeEach(async () => {
  clock.advance(CLAIM_LEASE_MS + 1);
  await sweep();
});
afterAll(async () => {
  await h?.close();
});

async function claimed(agent: Agent): Promise<Ticket> {
  const t = await createTicket(h, team.member.key, team.ws.id, { title: 'leased work' });
  const c = expectOk(await claim(h, agent.key, t.id)) as Ticket;
  expect(c.claimedBy).toBe(agent.id);
  return c;
}

const leaseOf = async (id: string) => (await getTicket(h, team.member.key, id)).leaseExpiresAt;
const inLease = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();

/** Move the clock on and run the sweeper; how many leases it released. */
async function advanceAndSweep(ms: number) {
  clock.advance(ms);
  return sweep();
}

describe('lease expiry', () => {
  it('a claim runs for CLAIM_LEASE_MS; past it the sweeper puts the ticket back in To-do and logs it', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const claimedAt = clock.now();
    const t = await claimed(a);
    expect(CLAIM_LEASE_MS).toBe(10 * MIN);
    expect(t.status).toBe('in_progress');
    expect(t.claimedAt).toBe(claimedAt.toISOString());
    expect(t.leaseExpiresAt).toBe(new Date(claimedAt.getTime() + CLAIM_LEASE_MS).toISOString());

    // Exactly at the expiry instant the lease still holds; one millisecond later it has run out.
    expect(await advanceAndSweep(CLAIM_LEASE_MS)).toBe(0);
    expect((await getTicket(h, team.member.key, t.id)).status).toBe('in_progress');
    expect(await advanceAndSweep(1)).toBe(1);

    const back = await getTicket(h, team.member.key, t.id);
    expect(back.status).toBe('todo');
    expect(back.claimedBy).toBeNull();
    expect(back.claimedAt).toBeNull();
    expect(back.leaseExpiresAt).toBeNull();
    expect(back.statusChangedAt).toBe(clock.now().toISOString());
    expect(back.version).toBe(t.version + 1);

    const log = await activityOf(h, { targetId: t.id, action: 'ticket.lease_expired' });
    expect(log).toHaveLength(1);
    expect(log[0].actor).toEqual({ kind: 'system', id: null, name: 'lease-sweeper' });
    expect(log[0].metadata).toMatchObject({ previousHolder: a.id, leaseExpiresAt: t.leaseExpiresAt });

    // A second sweep finds nothing more; the ticket is offered again and another agent can take it.
    expect(await sweep()).toBe(0);
    const b = await activeAgent(h, team.admin.key, team.ws.slug);
    expect((await available(h, b.key, '?limit=100')).map((x) => x.id)).toContain(t.id);
    expect(expectOk(await claim(h, b.key, t.id)).claimedBy).toBe(b.id);

    // The crashed agent coming back holds nothing: its heartbeat renews no lease, and it cannot move the ticket.
    const hb = expectOk(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: a.key }));
    expect(hb.leasesRenewed).toBe(0);
    expectError(await move(h, a.key, t.id, 'pr_review'), 403, 'FORBIDDEN');
  });

  it('sweeps in batches and only in_progress tickets whose lease ran out', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const [t1, t2, t3] = [await claimed(a), await claimed(a), await claimed(a)];
    clock.advance(5 * MIN);
    const fresh = await claimed(a); // claimed later: its lease runs 5 minutes longer
    // t3 went to review: its lease ended there, so it never expires.
    expectOk(await move(h, a.key, t3.id, 'pr_review'));
    expect(await leaseOf(t3.id)).toBeNull();

    clock.advance(5 * MIN + 1);
    const ctx = h.ctxFor({ kind: 'system', name: 't' });
    expect(await releaseExpiredLeases(ctx, 1)).toBe(1);
    expect(await releaseExpiredLeases(ctx, 1)).toBe(1);
    expect(await releaseExpiredLeases(ctx, 1)).toBe(0);
    for (const t of [t1, t2]) expect((await getTicket(h, team.member.key, t.id)).status).toBe('todo');
    expect((await getTicket(h, team.member.key, t3.id)).status).toBe('pr_review');
    expect((await getTicket(h, team.member.key, t3.id)).claimedBy).toBe(a.id);
    expect((await getTicket(h, team.member.key, fresh.id)).status).toBe('in_progress');
  });
});

describe('lease renewal', () => {
  it('by heartbeat: renews every in_progress lease the agent holds, and a renewed lease outlives the old time', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t1 = await claimed(a);
    const t2 = await claimed(a);
    clock.advance(8 * MIN);
    const hb = expectOk(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: a.key }));
    expect(hb.leasesRenewed).toBe(2);
    for (const t of [t1, t2]) expect(await leaseOf(t.id)).toBe(inLease(CLAIM_LEASE_MS));

    // Past the old expiry: still held.
    expect(await advanceAndSweep(2 * MIN + 1)).toBe(0);
    expect((await getTicket(h, team.member.key, t1.id)).claimedBy).toBe(a.id);
    // Past the renewed expiry: released.
    expect(await advanceAndSweep(8 * MIN)).toBe(2);
  });

  it("by the holder's PATCH (an edit without a move renews too)", async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    clock.advance(9 * MIN);
    const edited = expectOk(await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: a.key, body: { description: 'halfway there' } }));
    expect(edited.leaseExpiresAt).toBe(inLease(CLAIM_LEASE_MS));
    expect(await advanceAndSweep(2 * MIN)).toBe(0);
    expect((await getTicket(h, team.member.key, t.id)).status).toBe('in_progress');
    expect(await advanceAndSweep(8 * MIN + 1)).toBe(1);
  });

  it("by the holder's comment", async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    clock.advance(9 * MIN);
    expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/comments`, { key: a.key, body: { body: 'still on it' } }), 201);
    expect(await leaseOf(t.id)).toBe(inLease(CLAIM_LEASE_MS));
    expect(await advanceAndSweep(2 * MIN)).toBe(0);
    expect((await getTicket(h, team.member.key, t.id)).claimedBy).toBe(a.id);
  });

  it('by claiming again (the holder re-claims: 200, lease renewed, no second claim in the log)', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    clock.advance(9 * MIN);
    const again = expectOk(await claim(h, a.key, t.id));
    expect(again.claimedBy).toBe(a.id);
    expect(again.leaseExpiresAt).toBe(inLease(CLAIM_LEASE_MS));
    expect(await activityOf(h, { targetId: t.id, action: 'ticket.claimed' })).toHaveLength(1);
  });

  it("not by anyone else's writes: another agent's comment, an admin's edit, a member's comment", async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const other = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    clock.advance(9 * MIN);
    expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/comments`, { key: other.key, body: { body: 'need help?' } }), 201);
    expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/comments`, { key: team.member.key, body: { body: 'any news?' } }), 201);
    expectOk(await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: team.admin.key, body: { priority: 'urgent' } }));
    expect(expectOk(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: other.key })).leasesRenewed).toBe(0);
    expect(await leaseOf(t.id)).toBe(t.leaseExpiresAt);
    expect(await advanceAndSweep(MIN + 1)).toBe(1);
    expect((await getTicket(h, team.member.key, t.id)).status).toBe('todo');
  });
});

describe('release', () => {
  it('by the holder: back to To-do, logged, and another agent can claim it', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const b = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    const r = expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/release`, { key: a.key, body: { reason: 'blocked on credentials' } }));
    expect(r.status).toBe('todo');
    expect(r.claimedBy).toBeNull();
    expect(r.leaseExpiresAt).toBeNull();
    const log = await activityOf(h, { targetId: t.id, action: 'ticket.released' });
    expect(log).toHaveLength(1);
    expect(log[0].actor.id).toBe(a.id);
    expect(log[0].metadata).toMatchObject({ previousHolder: a.id, reason: 'blocked on credentials', from: 'in_progress', to: 'todo' });
    expect(await activityOf(h, { targetId: t.id, action: 'ticket.force_released' })).toEqual([]);

    expect(expectOk(await claim(h, b.key, t.id)).claimedBy).toBe(b.id);
    // The former holder no longer holds it.
    expectError(await h.call('POST', `/api/v1/tickets/${t.id}/release`, { key: a.key }), 403, 'FORBIDDEN');
  });

  it('works without a body, and rejects unknown fields', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await claimed(a);
    expectError(await h.call('POST', `/api/v1/tickets/${t.id}/release`, { key: a.key, body: { why: 'x' } }), 400, 'VALIDATION_ERROR');
    expect(expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/release`, { key: a.key })).status).toBe('todo');
  });

  it('forced by a workspace admin: audited as a force-release naming the previous holder', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    for (const admin of [team.admin, team.owner]) {
      const t = await claimed(a);
      const r = expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/release`, { key: admin.key, body: { reason: 'agent is stuck' } }));
      expect(r.status).toBe('todo');
      expect(r.claimedBy).toBeNull();
      const log = await activityOf(h, { targetId: t.id, action: 'ticket.force_released' });
      expect(log).toHaveLength(1);
      expect(log[0].actor).toMatchObject({ kind: 'user', id: admin.id });
      expect(log[0].metadata).toMatchObject({ previousHolder: a.id, reason: 'agent is stuck', from: 'in_progress', to: 'todo' });
      expect(await activityOf(h, { targetId: t.id, action: 'ticket.released' })).toEqual([]);
    }
  });

  it('is refused to a plain member (403), a viewer (403), another agent (403) and an outsider (404)', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const other = await activeAgent(h, team.admin.key, team.ws.slug);
    const outsider = await h.newUser('Outsider');
    const t = await claimed(a);
    const release = (key: string) => h.call('POST', `/api/v1/tickets/${t.id}/release`, { key });
    expectError(await release(team.member.key), 403, 'FORBIDDEN');
    expectError(await release(team.viewer.key), 403, 'FORBIDDEN');
    expectError(await release(other.key), 403, 'FORBIDDEN');
    expectError(await release(outsider.key), 404, 'NOT_FOUND');
    const row = await getTicket(h, team.member.key, t.id);
    expect(row.status).toBe('in_progress');
    expect(row.claimedBy).toBe(a.id);
    expect(row.version).toBe(t.version);
  });

  it('of a ticket nobody holds is 409 CONFLICT', async () => {
    const t = await createTicket(h, team.member.key, team.ws.id);
    expectError(await h.call('POST', `/api/v1/tickets/${t.id}/release`, { key: team.admin.key }), 409, 'CONFLICT');
    // Nor twice in a row.
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const c = await claimed(a);
    expectOk(await h.call('POST', `/api/v1/tickets/${c.id}/release`, { key: team.admin.key }));
    expectError(await h.call('POST', `/api/v1/tickets/${c.id}/release`, { key: team.admin.key }), 409, 'CONFLICT');
    expect(await activityOf(h, { targetId: c.id, action: 'ticket.force_released' })).toHaveLength(1);
  });

  it('of an unknown ticket is 404', async () => {
    expectError(await h.call('POST', '/api/v1/tickets/tkt_nope/release', { key: team.admin.key }), 404, 'NOT_FOUND');
  });
});

// What people and agents are told about an agent's state (issue 11 points 10 and 17): one liveness rule, the same
// through the list and one agent, for an agent seen only through its key (no heartbeat), after the key-usage
// flush; a deactivated agent's key is told it is deactivated (an unknown key learns nothing); approval requests
// stop waiting in admins' notifications once the agent is decided.
import { ManualClock } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, registerPending, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectError, expectOk } from './helpers';

const MIN = 60_000;
let h: Harness;
let team: Team;
const clock = new ManualClock(new Date('2026-05-04T10:00:00.000Z'));

beforeAll(async () => {
  h = await createHarness({ clock });
  team = await createTeam(h);
});
afterAll(async () => {
  await h?.close();
});

/** The agent as the list and as one agent show it to a member (an observation that does not count as the agent being seen). */
async function bothViews(agentId: string) {
  const one = expectOk(await h.call('GET', `/api/v1/agents/${agentId}`, { key: team.member.key }));
  const list = expectOk(await h.call('GET', `/api/v1/agents?workspaceId=${team.ws.id}&limit=200`, { key: team.member.key })) as any[];
  const listed = list.find((x) => x.id === agentId);
  return { one: { liveness: one.liveness, lastSeenAt: one.lastSeenAt }, listed: { liveness: listed.liveness, lastSeenAt: listed.lastSeenAt } };
}

describe('liveness', () => {
  it('an agent that only polls (no heartbeat) is online in the list and in GET /agents/{id} alike, after the flush', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    expect(await bothViews(a.id)).toEqual({ one: { liveness: 'offline', lastSeenAt: null }, listed: { liveness: 'offline', lastSeenAt: null } });
    const polledAt = clock.now().toISOString();
    for (let i = 0; i < 3; i++) expectOk(await h.call('GET', '/api/v1/tickets/available', { key: a.key }));
    await h.deps.keyUsage.flush();
    clock.advance(MIN);
    const seen = { liveness: 'online', lastSeenAt: polledAt };
    expect(await bothViews(a.id)).toEqual({ one: seen, listed: seen });
    // Answers about the agent after a change say the same (one column, one rule).
    const edited = expectOk(await h.call('PATCH', `/api/v1/agents/${a.id}`, { key: team.admin.key, body: { description: 'polls a lot' } }));
    expect({ liveness: edited.liveness, lastSeenAt: edited.lastSeenAt }).toEqual(seen);
    clock.advance(5 * MIN);
    const idle = { liveness: 'idle', lastSeenAt: polledAt };
    expect(await bothViews(a.id)).toEqual({ one: idle, listed: idle });
    // A later heartbeat and a later key use both move it forward; an older flush never moves it back.
    expectOk(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: a.key }));
    const beat = clock.now().toISOString();
    await h.deps.keyUsage.flush();
    expect((await bothViews(a.id)).listed).toEqual({ liveness: 'online', lastSeenAt: beat });
    h.deps.keyUsage.touch((await h.database.db.query.agentKeys.findFirst({ where: (k, { eq }) => eq(k.agentId, a.id) }))!.id, new Date(Date.parse(beat) - MIN), true);
    await h.deps.keyUsage.flush();
    expect((await bothViews(a.id)).one).toEqual({ liveness: 'online', lastSeenAt: beat });
  });
});

describe('a deactivated agent', () => {
  it('is told its agent is deactivated (401), and works again once reactivated; unknown keys learn nothing', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    expectOk(await h.call('POST', `/api/v1/agents/${a.id}/deactivate`, { key: team.admin.key }));
    for (const path of ['/api/v1/agents/me', '/api/v1/tickets/available']) {
      const err = expectError(await h.call('GET', path, { key: a.key }), 401, 'UNAUTHENTICATED');
      expect(err.message).toBe('this agent is deactivated: its key works again when a workspace admin reactivates it');
      expect(err.details).toEqual({ reason: 'agent_deactivated' });
    }
    const unknown = expectError(await h.call('GET', '/api/v1/agents/me', { key: `mc_agt_${'A'.repeat(43)}` }), 401, 'UNAUTHENTICATED');
    expect(unknown.message).toBe('invalid, expired or revoked API key');
    expect(unknown.details).toBeUndefined();
    expectOk(await h.call('POST', `/api/v1/agents/${a.id}/activate`, { key: team.admin.key }));
    expectOk(await h.call('GET', '/api/v1/agents/me', { key: a.key }));
    // Deleted: its keys are revoked, and it is told nothing more than any invalid key.
    expectOk(await h.call('DELETE', `/api/v1/agents/${a.id}`, { key: team.admin.key }));
    expect(expectError(await h.call('GET', '/api/v1/agents/me', { key: a.key }), 401, 'UNAUTHENTICATED').message).toBe('invalid, expired or revoked API key');
  });
});

describe('approval requests', () => {
  const requestsAbout = async (key: string, agentId: string) =>
    (expectOk(await h.call('GET', '/api/v1/notifications?limit=200', { key })) as any[]).filter((n) => n.type === 'agent_registration' && n.context.agentId === agentId);

  it('are marked read for every admin once the agent is approved, rejected or deleted', async () => {
    for (const decide of [
      (id: string) => h.call('POST', `/api/v1/agents/${id}/approve`, { key: team.admin.key }),
      (id: string) => h.call('POST', `/api/v1/agents/${id}/reject`, { key: team.admin.key, body: { reason: 'not ours' } }),
      (id: string) => h.call('DELETE', `/api/v1/agents/${id}`, { key: team.admin.key }),
    ]) {
      const p = await registerPending(h, team.ws.slug);
      for (const key of [team.owner.key, team.admin.key]) {
        const waiting = await requestsAbout(key, p.id);
        expect(waiting).toHaveLength(1);
        expect(waiting[0].read).toBe(false);
      }
      const decidedAt = clock.now().toISOString();
      expectOk(await decide(p.id));
      for (const key of [team.owner.key, team.admin.key]) {
        expect(await requestsAbout(key, p.id)).toEqual([expect.objectContaining({ read: true, readAt: decidedAt })]);
      }
      // Members were never asked.
      expect(await requestsAbout(team.member.key, p.id)).toEqual([]);
    }
  });
});

// Notifications: who a mention, @all, an assignment and a status change reach (never across workspaces, never the
// actor), read state, and the long-poll that wakes on a new notification.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectError, expectOk } from './helpers';

let h: Harness;
let team: Team;
let other: Team;

beforeAll(async () => {
  h = await createHarness();
  [team, other] = await Promise.all([createTeam(h), createTeam(h)]);
});
afterAll(async () => {
  await h?.close();
});

const handle = (u: { email: string }) => u.email.split('@')[0];
const list = async (key: string, query = '') => {
  const r = await h.call('GET', `/api/v1/notifications${query}`, { key });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { data: any[]; meta: { unreadCount: number } };
};

describe('notifications', () => {
  it('a mention and @all reach the right people and agents only, once each, never the author or another workspace', async () => {
    const author = await activeAgent(h, team.admin.key, team.ws.slug);
    const peer = await activeAgent(h, team.admin.key, team.ws.slug);
    const stranger = await activeAgent(h, other.admin.key, other.ws.slug);
    const t = expectOk(await h.call('POST', '/api/v1/tickets', { key: team.member.key, body: { workspaceId: team.ws.id, title: 'Ping' } }), 201);
    const before = await Promise.all([team.member, team.viewer, other.member].map((u) => list(u.key)));

    expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/comments`, { key: author.key, body: { body: `@${handle(team.member)} please, and @all FYI` } }), 201);

    const mine = (await list(team.member.key)).data.filter((n) => n.context.ticketId === t.id);
    expect(mine.map((n) => n.type)).toEqual(['mention']); // a direct mention wins over @all
    expect(mine[0]).toMatchObject({ read: false, context: { workspaceId: team.ws.id, ticketId: t.id } });
    expect(mine[0].context.commentId).toMatch(/^cmt_/);
    const viewer = (await list(team.viewer.key)).data.filter((n) => n.context.ticketId === t.id);
    expect(viewer.map((n) => n.type)).toEqual(['mention_all']);
    const peerN = (await list(peer.key)).data.filter((n) => n.context.ticketId === t.id);
    expect(peerN.map((n) => n.type)).toEqual(['mention_all']);
    expect((await list(author.key)).data.filter((n) => n.context.ticketId === t.id)).toEqual([]);
    expect((await list(stranger.key)).data).toEqual([]);
    const outsider = await list(other.member.key);
    expect(outsider.data.length).toBe(before[2].data.length);
    expect((await list(team.member.key)).meta.unreadCount).toBe(before[0].meta.unreadCount + 1);
  });

  it('assignment and status changes notify the people involved, not the actor', async () => {
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = expectOk(await h.call('POST', '/api/v1/tickets', { key: team.member.key, body: { workspaceId: team.ws.id, title: 'Assign me' } }), 201);
    expectOk(await h.call('PUT', `/api/v1/tickets/${t.id}/assignee`, { key: team.admin.key, body: { agentId: agent.id } }));
    const assigned = (await list(agent.key)).data.filter((n) => n.context.ticketId === t.id);
    expect(assigned.map((n) => n.type)).toEqual(['assignment']);
    expectOk(await h.call('PATCH', `/api/v1/tickets/${t.id}/claim`, { key: agent.key }));
    expectOk(await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: agent.key, body: { status: 'pr_review' } }));
    // The creator hears about the move; the agent that moved it does not.
    const creator = (await list(team.member.key)).data.filter((n) => n.context.ticketId === t.id);
    expect(creator.map((n) => n.type)).toEqual(['status_change']);
    expect(creator[0].content).toContain('in_progress to pr_review');
    expect((await list(agent.key)).data.filter((n) => n.context.ticketId === t.id && n.type === 'status_change')).toEqual([]);
  });

  it('read state: one, then all; someone else’s notification is 404', async () => {
    const t = expectOk(await h.call('POST', '/api/v1/tickets', { key: team.admin.key, body: { workspaceId: team.ws.id, title: 'Read me' } }), 201);
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    for (const text of ['one', 'two']) {
      expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/comments`, { key: agent.key, body: { body: `@${handle(team.viewer)} ${text}` } }), 201);
    }
    const unread = await list(team.viewer.key, '?unread=true');
    expect(unread.data.length).toBeGreaterThanOrEqual(2);
    const first = unread.data[0];
    expect(expectOk(await h.call('POST', `/api/v1/notifications/${first.id}/read`, { key: team.viewer.key })).read).toBe(true);
    expect((await list(team.viewer.key, '?unread=true')).meta.unreadCount).toBe(unread.meta.unreadCount - 1);
    expectError(await h.call('POST', `/api/v1/notifications/${first.id}/read`, { key: team.member.key }), 404, 'NOT_FOUND');
    const all = expectOk(await h.call('POST', '/api/v1/notifications/read-all', { key: team.viewer.key }));
    expect(all.marked).toBe(unread.meta.unreadCount - 1);
    expect((await list(team.viewer.key, '?unread=true')).data).toEqual([]);
  });

  it('the long-poll wakes on a new notification for the caller (and not before)', async () => {
    const t = expectOk(await h.call('POST', '/api/v1/tickets', { key: team.admin.key, body: { workspaceId: team.ws.id, title: 'Wake' } }), 201);
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    const newest = (await list(team.member.key, '?limit=1')).data[0]?.id ?? '0';
    const started = Date.now();
    const pending = list(team.member.key, `?after=${newest}&wait=20`);
    await new Promise((r) => setTimeout(r, 300));
    // A mention of somebody else does not answer the member's poll…
    expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/comments`, { key: agent.key, body: { body: `@${handle(team.viewer)} not you` } }), 201);
    // …a mention of the member does.
    expectOk(await h.call('POST', `/api/v1/tickets/${t.id}/comments`, { key: agent.key, body: { body: `@${handle(team.member)} you` } }), 201);
    const woke = await pending;
    expect(woke.data.map((n) => n.content)).toEqual([expect.stringContaining('you')]);
    expect(woke.data[0].type).toBe('mention');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

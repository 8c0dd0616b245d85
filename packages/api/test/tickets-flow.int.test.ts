// The ticket life cycle over the API: create, poll, claim race, state machine, comments with mentions and PR
// links, the PR → ticket lookup, release and lease expiry.
import { ManualClock, releaseExpiredLeases } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectError, expectOk } from './helpers';

let h: Harness;
let team: Team;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  h = await createHarness({ clock });
  team = await createTeam(h);
});
afterAll(async () => {
  await h?.close();
});

async function newTicket(body: Record<string, unknown> = {}) {
  return expectOk(await h.call('POST', '/api/v1/tickets', { key: team.member.key, body: { workspaceId: team.ws.id, title: 'Fix the login', ...body } }), 201);
}

describe('tickets', () => {
  it('goes todo → claimed (one winner) → pr_review → done → closed, refusing illegal moves', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug, { capabilities: ['code'] });
    const b = await activeAgent(h, team.admin.key, team.ws.slug, { capabilities: ['code'] });
    const t = await newTicket({ priority: 'high', requiredCapabilities: ['code'] });
    expect(t.status).toBe('todo');
    expect(t.number).toBeGreaterThan(0);

    const avail = expectOk(await h.call('GET', '/api/v1/tickets/available?limit=10', { key: a.key }));
    expect(avail.map((x: any) => x.id)).toContain(t.id);

    const [c1, c2] = await Promise.all([
      h.call('PATCH', `/api/v1/tickets/${t.id}/claim`, { key: a.key }),
      h.call('PATCH', `/api/v1/tickets/${t.id}/claim`, { key: b.key }),
    ]);
    expect([c1.status, c2.status].sort()).toEqual([200, 409]);
    const [winner, loser] = c1.status === 200 ? [a, c2] : [b, c1];
    expect(loser.body.error.code).toBe('CONFLICT');
    expect(loser.body.error.details.claimedBy).toBe(winner.id);

    const bad = expectError(await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: winner.key, body: { status: 'done' } }), 409, 'INVALID_TRANSITION');
    expect(bad.details.allowed.sort()).toEqual(['closed', 'pr_review', 'todo']);

    // A plain member cannot move a ticket someone holds.
    expectError(await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: team.member.key, body: { status: 'pr_review' } }), 403, 'FORBIDDEN');

    expect(expectOk(await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: winner.key, body: { status: 'pr_review' } })).status).toBe('pr_review');
    expect(expectOk(await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: winner.key, body: { status: 'done' } })).status).toBe('done');
    const closed = expectOk(await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: team.member.key, body: { status: 'closed' } }));
    expect(closed.status).toBe('closed');
    expectError(await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: team.admin.key, body: { status: 'todo' } }), 409, 'INVALID_TRANSITION');
  });

  it('an empty PATCH or a move to the current status writes nothing: same version, no event', async () => {
    const t = await newTicket();
    const same = expectOk(await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: team.member.key, body: {} }));
    expect(same.version).toBe(t.version);
    const again = expectOk(await h.call('PATCH', `/api/v1/tickets/${t.id}`, { key: team.member.key, body: { status: 'todo' } }));
    expect(again.version).toBe(t.version);
    const events = await h.database.db.query.events.findMany({ where: (e, { sql }) => sql`${e.data}->'ticket'->>'id' = ${t.id}` });
    expect(events.map((e) => e.type)).toEqual(['ticket.created']);
  });

  it('records mentions and PR links, and finds tickets from a PR URL', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t = await newTicket();
    const handle = team.viewer.email.split('@')[0];
    const c = expectOk(
      await h.call('POST', `/api/v1/tickets/${t.id}/comments`, {
        key: a.key,
        body: { body: `ping @${handle} and @all, see https://github.com/Acme/App/pull/9 — not \`@nobody\` nor me@example.com` },
      }),
      201,
    );
    expect(c.mentions.map((m: any) => m.kind).sort()).toEqual(['all', 'user']);
    // The list names each mention as the create answer does (the member's handle), not by its id.
    const listed = expectOk(await h.call('GET', `/api/v1/tickets/${t.id}/comments`, { key: team.viewer.key }));
    const byKind = (list: any[]) => Object.fromEntries(list.map((m: any) => [m.kind, m.name]));
    expect(byKind(listed.find((x: any) => x.id === c.id).mentions)).toEqual(byKind(c.mentions));
    expect(byKind(c.mentions)).toEqual({ user: handle.toLowerCase(), all: 'all' });
    const links = expectOk(await h.call('GET', `/api/v1/tickets/${t.id}/links`, { key: team.viewer.key }));
    expect(links.map((l: any) => l.url)).toEqual(['https://github.com/acme/app/pull/9']);
    const back = expectOk(await h.call('GET', `/api/v1/links/pull-requests?url=${encodeURIComponent('https://github.com/acme/app/pull/9/files')}`, { key: team.viewer.key }));
    expect(back.map((x: any) => x.id)).toEqual([t.id]);
    // Someone outside the workspace finds nothing.
    const outsider = await h.newUser('Outsider');
    expect(expectOk(await h.call('GET', `/api/v1/links/pull-requests?url=${encodeURIComponent('https://github.com/acme/app/pull/9')}`, { key: outsider.key }))).toEqual([]);
    expectError(await h.call('GET', `/api/v1/tickets/${t.id}`, { key: outsider.key }), 404, 'NOT_FOUND');
  });

  it('puts a ticket whose lease expired back in To-do, unless heartbeats renew it', async () => {
    const a = await activeAgent(h, team.admin.key, team.ws.slug);
    const t1 = await newTicket();
    const t2 = await newTicket();
    expectOk(await h.call('PATCH', `/api/v1/tickets/${t1.id}/claim`, { key: a.key }));
    clock.advance(9 * 60 * 1000);
    const hb = expectOk(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: a.key }));
    expect(hb.leasesRenewed).toBe(1);
    clock.advance(9 * 60 * 1000);
    const ctx = h.ctxFor({ kind: 'system', name: 'test' });
    expect(await releaseExpiredLeases(ctx)).toBe(0);
    clock.advance(2 * 60 * 1000);
    expect(await releaseExpiredLeases(ctx)).toBe(1);
    const back = expectOk(await h.call('GET', `/api/v1/tickets/${t1.id}`, { key: team.member.key }));
    expect(back.status).toBe('todo');
    expect(back.claimedBy).toBeNull();
    expect(t2.status).toBe('todo');
  });

  it('long-polls: an empty poll answers as soon as a ticket appears', async () => {
    const team2 = await createTeam(h);
    const a = await activeAgent(h, team2.admin.key, team2.ws.slug);
    const started = Date.now();
    const pending = h.call('GET', '/api/v1/tickets/available?wait=20', { key: a.key });
    await new Promise((r) => setTimeout(r, 300));
    const t = expectOk(await h.call('POST', '/api/v1/tickets', { key: team2.member.key, body: { workspaceId: team2.ws.id, title: 'wake up' } }), 201);
    const r = expectOk(await pending);
    expect(r.map((x: any) => x.id)).toEqual([t.id]);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

// An archived workspace is frozen (ADR 0003, issue 11 point 6): every door that writes in it answers 409 CONFLICT
// with `details.reason: "workspace_archived"` and changes nothing; the poll offers nothing and says why. What it
// still takes: reports of runs started before the archive (so their cost counts), heartbeats, and what takes access
// away (deactivating or deleting an agent, a member leaving). Every write operation of the served OpenAPI document
// must be classified below, so an endpoint added later is caught here until someone decides what it does.
import { dispatchWebhookEvents, ensureWebhookToken } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, registerPending, type Team } from './agents.fixtures';
import { createHarness, type CallResult, type Harness } from './harness';
import { expectError, expectOk } from './helpers';
import { claim, createTicket, type Ticket } from './tickets.fixtures';

let h: Harness;
let team: Team;

beforeAll(async () => {
  h = await createHarness({ config: { allowPrivateNetwork: true } });
  team = await createTeam(h);
});
afterAll(async () => {
  await h?.close();
});

/** Every write (method + path template) of the OpenAPI document that is not about one workspace's content. */
const NOT_IN_A_WORKSPACE = [
  'POST /api/v1/setup',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/set-password',
  'POST /api/v1/me/api-keys',
  'DELETE /api/v1/me/api-keys/{id}',
  'POST /api/v1/users',
  'PATCH /api/v1/users/{id}',
  'DELETE /api/v1/users/{id}',
  'POST /api/v1/users/{id}/password-link',
  'PUT /api/v1/settings/default-workspace', // refuses an archived workspace as 404 (users.int.test.ts)
  'POST /api/v1/model-prices',
  'POST /api/v1/workspaces',
  'POST /api/v1/notifications/{id}/read', // the caller's own read state
  'POST /api/v1/notifications/read-all',
  'POST /api/v1/crons/preview', // reads a schedule; stores nothing
];

/** Writes an archived workspace still takes (ADR 0003), each exercised in the last test. */
const ALLOWED_WHILE_ARCHIVED = [
  'PATCH /api/v1/executions/{id}', // a run in flight reports and finishes
  'POST /api/v1/agents/me/heartbeat',
  'POST /api/v1/agents/{id}/deactivate', // taking access away
  'DELETE /api/v1/agents/{id}',
  'DELETE /api/v1/workspaces/{id}/members/{userId}', // a member leaving (removing someone else is refused)
  'PATCH /api/v1/workspaces/{id}', // with {archived: false}: restoring (edits are refused)
  'DELETE /api/v1/workspaces/{id}', // archiving again changes nothing
  'POST /api/v1/invitations/{id}/decline', // the invitee's own answer: it takes access away (accepting is refused)
  'PATCH /api/v1/crons/{id}', // with {enabled: false}: pausing (edits are refused)
  'DELETE /api/v1/crons/{id}', // a cron can always be deleted
  'DELETE /api/v1/gateways/{id}', // takes a stored credential and a connection away
  'DELETE /api/v1/agents/{id}/gateway-link', // unlinking takes a path to the agent away
  // A gateway reporting a run it already made (its delivery webhook): what happened is recorded, like a run in flight.
  'POST /api/v1/gateways/{id}/cron-deliveries',
];

interface World {
  agent: { id: string; key: string };
  other: { id: string; key: string };
  pending: { id: string };
  pending2: { id: string };
  deactivated: { id: string };
  todo: Ticket;
  held: Ticket;
  running: { id: string };
  finished: { id: string };
  webhook: { id: string };
  deliveryId: string;
  outsider: Awaited<ReturnType<Harness['newUser']>>;
  /** Pending invitations of the archived workspace: one to accept or revoke (refused), one to decline (allowed). */
  invitation: { id: string };
  declinable: { id: string; inviteeKey: string };
  /** A cron targeting the workspace's agent. */
  cron: { id: string };
  /** A gateway of the workspace, with `agent` linked to its hosted agent `main`. */
  gateway: { id: string };
}
let w: World;

/** The refused doors: operation → the call that tries it. Each must be 409 workspace_archived and change nothing. */
const REFUSED: Record<string, () => Promise<CallResult>> = {
  'PATCH /api/v1/workspaces/{id}': () => h.call('PATCH', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key, body: { name: 'Renamed while archived' } }),
  'PUT /api/v1/workspaces/{id}/budget': () =>
    h.call('PUT', `/api/v1/workspaces/${team.ws.id}/budget`, { key: team.admin.key, body: { monthlyTokenLimit: 10, hardStop: true } }),
  'POST /api/v1/workspaces/{id}/members': () => h.call('POST', `/api/v1/workspaces/${team.ws.id}/members`, { key: team.owner.key, body: { email: w.outsider.email, role: 'member' } }),
  'PATCH /api/v1/workspaces/{id}/members/{userId}': () =>
    h.call('PATCH', `/api/v1/workspaces/${team.ws.id}/members/${team.member.id}`, { key: team.owner.key, body: { role: 'admin' } }),
  'DELETE /api/v1/workspaces/{id}/members/{userId}': () => h.call('DELETE', `/api/v1/workspaces/${team.ws.id}/members/${team.viewer.id}`, { key: team.owner.key }),
  'POST /api/v1/agents': () => h.call('POST', '/api/v1/agents', { body: { workspace: team.ws.slug, name: 'late-bot', capabilities: [] } }),
  'POST /api/v1/agents/{id}/approve': () => h.call('POST', `/api/v1/agents/${w.pending.id}/approve`, { key: team.admin.key }),
  'POST /api/v1/agents/{id}/reject': () => h.call('POST', `/api/v1/agents/${w.pending2.id}/reject`, { key: team.admin.key, body: { reason: 'no' } }),
  'PATCH /api/v1/agents/{id}': () => h.call('PATCH', `/api/v1/agents/${w.agent.id}`, { key: w.agent.key, body: { description: 'edited' } }),
  'POST /api/v1/agents/{id}/rotate-key': () => h.call('POST', `/api/v1/agents/${w.agent.id}/rotate-key`, { key: w.agent.key, body: {} }),
  'POST /api/v1/agents/{id}/activate': () => h.call('POST', `/api/v1/agents/${w.deactivated.id}/activate`, { key: team.admin.key }),
  'POST /api/v1/tickets': () => h.call('POST', '/api/v1/tickets', { key: team.member.key, body: { workspaceId: team.ws.id, title: 'late' } }),
  'PATCH /api/v1/tickets/{id}': () => h.call('PATCH', `/api/v1/tickets/${w.todo.id}`, { key: team.member.key, body: { title: 'edited' } }),
  // The agent's one-statement move (in_progress → pr_review) and the claim are their own SQL: walked separately.
  'PATCH /api/v1/tickets/{id} (agent move)': () => h.call('PATCH', `/api/v1/tickets/${w.held.id}`, { key: w.agent.key, body: { status: 'pr_review' } }),
  'PATCH /api/v1/tickets/{id}/claim': () => claim(h, w.other.key, w.todo.id),
  'PATCH /api/v1/tickets/{id}/claim (renewal)': () => claim(h, w.agent.key, w.held.id),
  // Claim-next says "blocked" at once, also when asked to wait (never "nothing to do", 204).
  'POST /api/v1/tickets/claim-next': () => h.call('POST', '/api/v1/tickets/claim-next', { key: w.other.key }),
  'POST /api/v1/tickets/claim-next (long-poll)': () => h.call('POST', '/api/v1/tickets/claim-next', { key: w.other.key, body: { wait: 30 } }),
  // A dispatch (to the holder, by default) is refused before anything about the agent is looked at.
  'POST /api/v1/tickets/{id}/dispatch': () => h.call('POST', `/api/v1/tickets/${w.held.id}/dispatch`, { key: team.member.key, body: {} }),
  'POST /api/v1/tickets/{id}/release': () => h.call('POST', `/api/v1/tickets/${w.held.id}/release`, { key: w.agent.key }),
  'PUT /api/v1/tickets/{id}/assignee': () => h.call('PUT', `/api/v1/tickets/${w.todo.id}/assignee`, { key: team.admin.key, body: { agentId: w.agent.id } }),
  'POST /api/v1/tickets/{id}/comments': () => h.call('POST', `/api/v1/tickets/${w.todo.id}/comments`, { key: w.agent.key, body: { body: 'late' } }),
  'POST /api/v1/epics': () => h.call('POST', '/api/v1/epics', { key: team.member.key, body: { workspaceId: team.ws.id, title: 'late' } }),
  'POST /api/v1/executions': () => h.call('POST', '/api/v1/executions', { key: w.agent.key, body: { ticketId: w.held.id } }),
  'POST /api/v1/tickets/{id}/rating': () => h.call('POST', `/api/v1/tickets/${w.held.id}/rating`, { key: team.member.key, body: { rating: 'good' } }),
  'DELETE /api/v1/tickets/{id}/rating': () => h.call('DELETE', `/api/v1/tickets/${w.held.id}/rating`, { key: team.admin.key }),
  'POST /api/v1/executions/{id}/rating': () => h.call('POST', `/api/v1/executions/${w.finished.id}/rating`, { key: team.member.key, body: { rating: 'bad' } }),
  'DELETE /api/v1/executions/{id}/rating': () => h.call('DELETE', `/api/v1/executions/${w.finished.id}/rating`, { key: team.admin.key }),
  'POST /api/v1/webhooks': () => h.call('POST', '/api/v1/webhooks', { key: team.admin.key, body: { workspaceId: team.ws.id, url: 'http://127.0.0.1:9/late', events: [] } }),
  'PATCH /api/v1/webhooks/{id}': () => h.call('PATCH', `/api/v1/webhooks/${w.webhook.id}`, { key: team.admin.key, body: { description: 'edited' } }),
  'DELETE /api/v1/webhooks/{id}': () => h.call('DELETE', `/api/v1/webhooks/${w.webhook.id}`, { key: team.admin.key }),
  'POST /api/v1/webhooks/{id}/rotate-secret': () => h.call('POST', `/api/v1/webhooks/${w.webhook.id}/rotate-secret`, { key: team.admin.key, body: {} }),
  'POST /api/v1/invitations/{id}/accept': () => h.call('POST', `/api/v1/invitations/${w.invitation.id}/accept`, { key: w.outsider.key }),
  'DELETE /api/v1/workspaces/{id}/invitations/{invitationId}': () =>
    h.call('DELETE', `/api/v1/workspaces/${team.ws.id}/invitations/${w.invitation.id}`, { key: team.owner.key }),
  'POST /api/v1/webhook-deliveries/{id}/redeliver': () => h.call('POST', `/api/v1/webhook-deliveries/${w.deliveryId}/redeliver`, { key: team.admin.key }),
  'POST /api/v1/crons': () =>
    h.call('POST', '/api/v1/crons', { key: team.admin.key, body: { name: 'late', schedule: '@every 1h', targets: [{ workspaceId: team.ws.id, agentId: w.agent.id }], task: { title: 'late' } } }),
  'PATCH /api/v1/crons/{id}': () => h.call('PATCH', `/api/v1/crons/${w.cron.id}`, { key: team.admin.key, body: { name: 'Renamed while archived' } }),
  'POST /api/v1/crons/{id}/run': () => h.call('POST', `/api/v1/crons/${w.cron.id}/run`, { key: team.admin.key }),
  'POST /api/v1/gateways': () =>
    h.call('POST', '/api/v1/gateways', { key: team.admin.key, body: { workspaceId: team.ws.id, name: 'late', url: 'wss://gw.example.com', token: 'late' } }),
  'PATCH /api/v1/gateways/{id}': () => h.call('PATCH', `/api/v1/gateways/${w.gateway.id}`, { key: team.admin.key, body: { name: 'Renamed while archived' } }),
  'POST /api/v1/gateways/{id}/sync': () => h.call('POST', `/api/v1/gateways/${w.gateway.id}/sync`, { key: team.admin.key }),
  'POST /api/v1/gateways/{id}/agents': () => h.call('POST', `/api/v1/gateways/${w.gateway.id}/agents`, { key: team.admin.key, body: { gatewayAgentId: 'late' } }),
  'PUT /api/v1/agents/{id}/gateway-link': () =>
    h.call('PUT', `/api/v1/agents/${w.other.id}/gateway-link`, { key: team.admin.key, body: { gatewayId: w.gateway.id, gatewayAgentId: 'other' } }),
};

const operationOf = (name: string) => name.replace(/ \(.*\)$/, '');

async function activityCount(workspaceId: string): Promise<number> {
  const rows = await h.database.db.query.activity.findMany({ where: (a, { eq }) => eq(a.workspaceId, workspaceId), columns: { id: true } });
  return rows.length;
}

describe('an archived workspace', () => {
  it('classifies every write operation of the OpenAPI document (a new endpoint fails here until decided)', async () => {
    const doc = (await h.call('GET', '/api/openapi')).body as { paths: Record<string, Record<string, unknown>> };
    const writes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const classified = new Set([...NOT_IN_A_WORKSPACE, ...ALLOWED_WHILE_ARCHIVED, ...Object.keys(REFUSED).map(operationOf)]);
    expect(writes.filter((op) => !classified.has(op)), 'write operations nobody decided for an archived workspace').toEqual([]);
    // And the lists name only operations that exist.
    expect([...classified].filter((op) => !writes.includes(op))).toEqual([]);
  });

  it('refuses every write door with 409 workspace_archived, changing nothing; the poll offers nothing and says why', async () => {
    const agent = await activeAgent(h, team.admin.key, team.ws.slug);
    const other = await activeAgent(h, team.admin.key, team.ws.slug);
    const pending = await registerPending(h, team.ws.slug);
    const pending2 = await registerPending(h, team.ws.slug);
    const deactivated = await activeAgent(h, team.admin.key, team.ws.slug);
    expectOk(await h.call('POST', `/api/v1/agents/${deactivated.id}/deactivate`, { key: team.admin.key }));
    const todo = await createTicket(h, team.member.key, team.ws.id);
    const held = await createTicket(h, team.member.key, team.ws.id);
    expectOk(await claim(h, agent.key, held.id));
    const running = expectOk(await h.call('POST', '/api/v1/executions', { key: agent.key, body: { ticketId: held.id, model: 'gpt-4o' } }), 201);
    const finished = expectOk(await h.call('POST', '/api/v1/executions', { key: agent.key, body: {} }), 201);
    expectOk(await h.call('PATCH', `/api/v1/executions/${finished.id}`, { key: agent.key, body: { status: 'success', tokensIn: 1, tokensOut: 1 } }));
    // Ratings to take back.
    expectOk(await h.call('POST', `/api/v1/tickets/${held.id}/rating`, { key: team.admin.key, body: { rating: 'good' } }), 201);
    expectOk(await h.call('POST', `/api/v1/executions/${finished.id}/rating`, { key: team.admin.key, body: { rating: 'good' } }), 201);
    const webhook = expectOk(await h.call('POST', '/api/v1/webhooks', { key: team.admin.key, body: { workspaceId: team.ws.id, url: 'http://127.0.0.1:9/hook', events: [] } }), 201);
    await createTicket(h, team.member.key, team.ws.id); // an event for the webhook: one delivery to redeliver
    await dispatchWebhookEvents(h.ctxFor({ kind: 'system', name: 'test' }));
    const deliveries = expectOk(await h.call('GET', `/api/v1/webhook-deliveries?webhookId=${webhook.id}`, { key: team.admin.key }));
    expect(deliveries.length).toBeGreaterThan(0);
    const outsider = await h.newUser('Outsider');
    const invite = async (email: string) =>
      expectOk(await h.call('POST', `/api/v1/workspaces/${team.ws.id}/members`, { key: team.owner.key, body: { email, role: 'member' } }), 202).invitation;
    const invitation = await invite(outsider.email);
    const invitee = await h.newUser('Invitee');
    const declinable = { id: (await invite(invitee.email)).id, inviteeKey: invitee.key };
    const cron = expectOk(
      await h.call('POST', '/api/v1/crons', { key: team.admin.key, body: { name: 'Archived cron', schedule: '@every 1h', targets: [{ workspaceId: team.ws.id, agentId: agent.id }], task: { title: 'hourly' } } }),
      201,
    );
    const gateway = expectOk(
      await h.call('POST', '/api/v1/gateways', { key: team.admin.key, body: { workspaceId: team.ws.id, name: 'Archived gateway', url: 'wss://gw.example.com', token: 'tok' } }),
      201,
    );
    expectOk(await h.call('PUT', `/api/v1/agents/${agent.id}/gateway-link`, { key: team.admin.key, body: { gatewayId: gateway.id, gatewayAgentId: 'main' } }));
    w = { agent, other, pending, pending2, deactivated, todo, held, running, finished, webhook, deliveryId: deliveries[0].id, outsider, invitation, declinable, cron, gateway };

    expect(expectOk(await h.call('GET', '/api/v1/tickets/available', { key: other.key })).map((t: Ticket) => t.id)).toContain(todo.id);
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key }));
    const before = await activityCount(team.ws.id);
    const ticketsBefore = await h.database.db.query.tickets.findMany({ where: (t, { eq }) => eq(t.workspaceId, team.ws.id) });

    for (const [name, call] of Object.entries(REFUSED)) {
      const r = await call();
      const where = `${name}: ${r.status} ${JSON.stringify(r.body)}`;
      expect(r.status, where).toBe(409);
      expect(r.body.error, where).toMatchObject({ code: 'CONFLICT', details: { reason: 'workspace_archived' } });
      expect(r.body.error.message, where).toMatch(/archived/);
    }

    // Nothing changed: no activity entry, no ticket touched (versions, holders, statuses).
    expect(await activityCount(team.ws.id)).toBe(before);
    const ticketsAfter = await h.database.db.query.tickets.findMany({ where: (t, { eq }) => eq(t.workspaceId, team.ws.id) });
    expect(ticketsAfter.map((t) => [t.id, t.version, t.status, t.claimedByAgentId]).sort()).toEqual(ticketsBefore.map((t) => [t.id, t.version, t.status, t.claimedByAgentId]).sort());

    // The poll (and its long-poll) offers nothing, and says why.
    for (const q of ['', '?wait=1']) {
      const r = await h.call('GET', `/api/v1/tickets/available${q}`, { key: other.key });
      expect(expectOk(r)).toEqual([]);
      expect(r.body.meta.paused).toEqual({ reason: 'workspace_archived', message: 'this workspace is archived; restore it first' });
    }
  });

  it('still takes reports of runs in flight, heartbeats, and what takes access away; restoring opens it again', async () => {
    // The run started before the archive reports and finishes: its cost counts in the month and the metrics.
    const report = expectOk(
      await h.call('PATCH', `/api/v1/executions/${w.running.id}`, { key: w.agent.key, body: { status: 'success', tokensIn: 1000, tokensOut: 500 } }),
    );
    expect(report).toMatchObject({ status: 'success', tokensIn: 1000, tokensOut: 500 });
    const budget = expectOk(await h.call('GET', `/api/v1/workspaces/${team.ws.id}/budget`, { key: team.member.key }));
    expect(budget.used.tokens).toBe(1502);
    expect(expectOk(await h.call('POST', '/api/v1/agents/me/heartbeat', { key: w.agent.key }))).toMatchObject({ liveness: 'online' });
    // Access can be taken away: an agent deactivated or deleted, a member leaving.
    expectOk(await h.call('POST', `/api/v1/agents/${w.other.id}/deactivate`, { key: team.admin.key }));
    expectOk(await h.call('DELETE', `/api/v1/agents/${w.pending2.id}`, { key: team.admin.key }));
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${team.ws.id}/members/${team.viewer.id}`, { key: team.viewer.key }), 200);
    expect(expectOk(await h.call('POST', `/api/v1/invitations/${w.declinable.id}/decline`, { key: w.declinable.inviteeKey }))).toMatchObject({ status: 'declined' });
    // A cron targeting it can be paused and deleted.
    expect(expectOk(await h.call('PATCH', `/api/v1/crons/${w.cron.id}`, { key: team.admin.key, body: { enabled: false } }))).toMatchObject({ status: 'paused' });
    expectOk(await h.call('DELETE', `/api/v1/crons/${w.cron.id}`, { key: team.admin.key }));
    // The gateway still reports what its jobs did (here a job no cron holds: answered, accepted false, nothing written).
    const webhookToken = (await ensureWebhookToken(h.ctxFor({ kind: 'system', name: 'gateway-cron' }), w.gateway.id))!;
    const delivery = await h.call('POST', `/api/v1/gateways/${w.gateway.id}/cron-deliveries`, {
      body: { jobId: 'job-of-no-cron', action: 'finished', status: 'ok', runAtMs: Date.now() - 1000, durationMs: 900 },
      headers: { authorization: `Bearer ${webhookToken}` },
    });
    expect(delivery.status, JSON.stringify(delivery.body)).toBe(200);
    expect(delivery.body.data).toMatchObject({ accepted: false });
    // An agent can be unlinked from its gateway, and the gateway deleted (its token goes with it).
    expect(expectOk(await h.call('DELETE', `/api/v1/agents/${w.agent.id}/gateway-link`, { key: team.admin.key }))).toMatchObject({ gatewayId: null });
    expectOk(await h.call('DELETE', `/api/v1/gateways/${w.gateway.id}`, { key: team.admin.key }));
    expectError(await h.call('GET', `/api/v1/gateways/${w.gateway.id}`, { key: team.admin.key }), 404, 'NOT_FOUND');
    // Archiving again changes nothing; restoring is the owner's.
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key }));
    expectOk(await h.call('PATCH', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key, body: { archived: false } }));

    // Open again: the same doors work.
    const r = await h.call('GET', '/api/v1/tickets/available', { key: w.agent.key });
    expect(expectOk(r).map((t: Ticket) => t.id)).toContain(w.todo.id);
    expect(r.body.meta.paused).toBeNull();
    expectOk(await h.call('PATCH', `/api/v1/tickets/${w.held.id}`, { key: w.agent.key, body: { status: 'pr_review' } }));
    expectOk(await claim(h, w.agent.key, w.todo.id));
    expectOk(await h.call('POST', '/api/v1/executions', { key: w.agent.key, body: { ticketId: w.todo.id } }), 201);
  });

  it('wakes a long-poll when the workspace is restored', async () => {
    const t2 = await createTeam(h);
    const agent = await activeAgent(h, t2.admin.key, t2.ws.slug);
    const ticket = await createTicket(h, t2.member.key, t2.ws.id);
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${t2.ws.id}`, { key: t2.owner.key }));
    const waiting = h.call('GET', '/api/v1/tickets/available?wait=30', { key: agent.key });
    await new Promise((r) => setTimeout(r, 300));
    expectOk(await h.call('PATCH', `/api/v1/workspaces/${t2.ws.id}`, { key: t2.owner.key, body: { archived: false } }));
    // Woken by the restore (without it the wait would end empty).
    expect(expectOk(await waiting).map((t: Ticket) => t.id)).toEqual([ticket.id]);
  });
});


// The `gateway` dispatch channel without a gateway (ADR 0023): the request path only writes (a queued execution,
// the ticket claimed for the agent, nothing sent), and the owner's handlers are driven with a recording stand-in for
// the gateway client, so that the run token they mint can be exercised over HTTP: its scope (its own execution and
// ticket only; 404 for another, 403 for any other route), its end with the run, convergence when the agent reports
// itself, the deadline and a gateway restart. The real gateway is in gateway-dispatch.gateway.test.ts.
import {
  dispatchTask,
  expireGatewayRuns,
  GatewayRequestError,
  GatewayUnavailableError,
  type GatewayClient,
  finishGatewayRun,
  gatewayDispatchHandlers,
  ManualClock,
  reconcileGatewayRuns,
  sendQueuedGatewayDispatches,
} from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, uniq, type Harness } from './harness';
import { createWorkspace, expectError, expectOk } from './helpers';

let h: Harness;
let clock: ManualClock;
let team: Team;
let gatewayId: string;
const PUBLIC = 'http://mc.test';

/** What the owner sent to the gateway, and a helloOk the test sets (uptime after a "restart"). */
interface Sent {
  method: string;
  params: Record<string, any>;
}
function recordingClient(answer: (params: Record<string, any>) => unknown = (p) => ({ runId: p.idempotencyKey, status: 'accepted' })) {
  const sent: Sent[] = [];
  const client = {
    helloOk: null as null | { snapshot?: { uptimeMs: number } },
    api: {
      agent: async (params: Record<string, any>) => {
        sent.push({ method: 'agent', params });
        return answer(params);
      },
      agentWait: async (params: Record<string, any>) => {
        sent.push({ method: 'agent.wait', params });
        return { status: 'timeout' };
      },
      chatHistory: async () => ({ messages: [] }),
    },
  };
  return { client: client as unknown as GatewayClient, raw: client, sent };
}

const system = () => h.ctxFor({ kind: 'system', name: 'gateway-owner' });
const tokenIn = (message: string) => /Bearer (mc_run_[A-Za-z0-9_-]+)/.exec(message)?.[1] ?? null;

async function linkedAgent(ws = team.ws.id, gw = gatewayId) {
  const agent = await activeAgent(h, team.owner.key, ws);
  expectOk(await h.call('PUT', `/api/v1/agents/${agent.id}/gateway-link`, { key: team.owner.key, body: { gatewayId: gw, gatewayAgentId: uniq('oc').replace(/[^a-z0-9-]/gi, '-') } }));
  return agent;
}
async function newTicket(ws = team.ws.id, title = 'Tidy the release notes') {
  return expectOk(await h.call('POST', '/api/v1/tickets', { key: team.member.key, body: { workspaceId: ws, title, description: 'They repeat themselves.', labels: ['docs'] } }), 201);
}
const dispatch = (ticketId: string, key: string, body: Record<string, unknown> = {}) => h.call('POST', `/api/v1/tickets/${ticketId}/dispatch`, { key, body });
const execution = async (id: string) => expectOk(await h.call('GET', `/api/v1/executions/${id}`, { key: team.owner.key }));
const ticketOf = async (id: string) => expectOk(await h.call('GET', `/api/v1/tickets/${id}`, { key: team.owner.key }));

/** A ticket dispatched to a fresh gateway-linked agent and sent by the owner; the run token from the message. */
async function sentRun() {
  const agent = await linkedAgent();
  const ticket = await newTicket();
  const answer = expectOk(await dispatch(ticket.id, team.member.key, { agentId: agent.id, instructions: 'Keep it short.' }), 202);
  const { client, sent } = recordingClient();
  expect(await sendQueuedGatewayDispatches(system(), gatewayId, client)).toBeGreaterThanOrEqual(1);
  const message = sent.find((s) => s.method === 'agent' && s.params.idempotencyKey === answer.executionId)!.params.message as string;
  return { agent, ticket, answer, client, sent, message, token: tokenIn(message)! };
}

beforeAll(async () => {
  clock = new ManualClock(new Date());
  h = await createHarness({ clock, config: { publicUrl: PUBLIC } });
  team = await createTeam(h);
  expectOk(await h.call('PATCH', `/api/v1/workspaces/${team.ws.id}`, { key: team.owner.key, body: { mission: 'Ship calm software.' } }));
  gatewayId = expectOk(await h.call('POST', '/api/v1/gateways', { key: team.owner.key, body: { workspaceId: team.ws.id, name: uniq('gw'), url: 'wss://gw.example.com', token: 'gw-secret' } }), 201).id;
});

afterAll(async () => {
  await h?.close();
});

describe('the request path only writes', () => {
  it('202 on the gateway channel: the execution is queued for the gateway, the ticket claimed for the agent, nothing sent', async () => {
    const agent = await linkedAgent();
    const ticket = await newTicket();
    expectOk(await h.call('PUT', `/api/v1/tickets/${ticket.id}/assignee`, { key: team.owner.key, body: { agentId: agent.id } }));
    const answer = expectOk(await dispatch(ticket.id, team.member.key), 202);
    expect(answer).toMatchObject({ ticketId: ticket.id, agentId: agent.id, channel: 'gateway', deliveryId: null });
    const e = await execution(answer.executionId);
    expect(e).toMatchObject({ status: 'running', gateway: { gatewayId, state: 'queued', runId: null, sentAt: null } });
    expect(await ticketOf(ticket.id)).toMatchObject({ status: 'in_progress', claimedBy: agent.id });
    // No webhook delivery for it: the gateway channel is not the endpoint channel.
    const deliveries = await h.database.db.query.webhookDeliveries.findMany({ where: (d, { eq }) => eq(d.agentId, agent.id) });
    expect(deliveries).toEqual([]);
  });

  it('a viewer is 403, a hard-stopped budget 402, and nothing is queued', async () => {
    const viewerTicket = await newTicket();
    const someone = await linkedAgent();
    expectError(await dispatch(viewerTicket.id, team.viewer.key, { agentId: someone.id }), 403, 'FORBIDDEN');

    const ws = await createWorkspace(h, team.owner.key);
    const gw = expectOk(await h.call('POST', '/api/v1/gateways', { key: team.owner.key, body: { workspaceId: ws.id, name: uniq('gw'), url: 'wss://gw2.example.com', token: 't' } }), 201).id;
    const agent = await linkedAgent(ws.id, gw);
    const ticket = expectOk(await h.call('POST', '/api/v1/tickets', { key: team.owner.key, body: { workspaceId: ws.id, title: 'Over budget' } }), 201);
    const run = expectOk(await h.call('POST', '/api/v1/executions', { key: agent.key, body: {} }), 201);
    expectOk(await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: team.owner.key, body: { monthlyTokenLimit: 100, hardStop: true } }));
    expectOk(await h.call('PATCH', `/api/v1/executions/${run.id}`, { key: agent.key, body: { tokensIn: 150, status: 'success' } }));
    expectError(await dispatch(ticket.id, team.owner.key, { agentId: agent.id }), 402, 'BUDGET_EXCEEDED');
    const queued = await h.database.db.query.executions.findMany({ where: (e, { eq }) => eq(e.gatewayId, gw) });
    expect(queued).toEqual([]);
    expect(await ticketOf(ticket.id)).toMatchObject({ status: 'todo', claimedBy: null });
  });

});

describe('a task without a ticket (crons) goes through the same door', () => {
  it('dispatchTask queues it for the gateway; the message carries the task and a token for the execution only', async () => {
    const agent = await linkedAgent();
    const r = await dispatchTask(system(), { workspaceId: team.ws.id, agentId: agent.id, task: { title: 'Nightly digest', instructions: 'Summarise the day.' } });
    expect(r).toMatchObject({ channel: 'gateway', ticketId: null, deliveryId: null });
    expect(await execution(r.executionId)).toMatchObject({ ticketId: null, gateway: { state: 'queued' } });
    const { client, sent } = recordingClient();
    await sendQueuedGatewayDispatches(system(), gatewayId, client);
    const message = sent.find((s) => s.params.idempotencyKey === r.executionId)!.params.message as string;
    expect(message).toContain('Nightly digest');
    expect(message).toContain('Summarise the day.');
    expect(message).not.toContain('/comments');
    const key = tokenIn(message)!;
    expectOk(await h.call('GET', `/api/v1/executions/${r.executionId}`, { key }));
    const anyTicket = await newTicket();
    expectError(await h.call('GET', `/api/v1/tickets/${anyTicket.id}`, { key }), 404, 'NOT_FOUND');
  });
});

describe('the owner sends, with a run token scoped to the run', () => {
  it('the agent method carries the ticket, task, mission and how to report; the dispatch is marked sent', async () => {
    const { answer, sent, message, token, ticket } = await sentRun();
    const call = sent.find((s) => s.params.idempotencyKey === answer.executionId)!;
    expect(call.params).toMatchObject({ idempotencyKey: answer.executionId, deliver: false, sessionKey: `mc:${answer.executionId}` });
    expect(typeof call.params.agentId).toBe('string');
    expect(message).toContain(`#${ticket.number}`);
    expect(message).toContain('Tidy the release notes');
    expect(message).toContain('Keep it short.');
    expect(message).toContain('Ship calm software.');
    expect(message).toContain(`${PUBLIC}/api/v1/executions/${answer.executionId}`);
    expect(token).toMatch(/^mc_run_/);
    expect(await execution(answer.executionId)).toMatchObject({ gateway: { state: 'sent', runId: answer.executionId } });
    // Hashed at rest: the clear token is nowhere in the database.
    const rows = await h.database.db.query.runTokens.findMany({ where: (t, { eq }) => eq(t.executionId, answer.executionId) });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).not.toContain(token.slice(7, 20));
  });

  it('the token reads and reports on its own execution and ticket only: 404 for others, 403 elsewhere, 401 once the run ended', async () => {
    const mine = await sentRun();
    const other = await sentRun();
    const key = mine.token;
    expectOk(await h.call('GET', `/api/v1/executions/${mine.answer.executionId}`, { key }));
    expectOk(await h.call('GET', `/api/v1/tickets/${mine.ticket.id}`, { key }));
    expectOk(await h.call('POST', `/api/v1/tickets/${mine.ticket.id}/comments`, { key, body: { body: 'working on it' } }), 201);
    expectError(await h.call('GET', `/api/v1/executions/${other.answer.executionId}`, { key }), 404, 'NOT_FOUND');
    expectError(await h.call('POST', `/api/v1/tickets/${other.ticket.id}/comments`, { key, body: { body: 'not mine' } }), 404, 'NOT_FOUND');
    expectError(await h.call('PATCH', `/api/v1/tickets/${other.ticket.id}`, { key, body: { status: 'pr_review' } }), 404, 'NOT_FOUND');
    const scope = await h.call('GET', `/api/v1/tickets?workspaceId=${team.ws.id}`, { key });
    expectError(scope, 403, 'FORBIDDEN');
    expect(scope.body.error.details).toMatchObject({ reason: 'run_token_scope' });
    expectError(await h.call('POST', '/api/v1/executions', { key, body: {} }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', `/api/v1/tickets/${mine.ticket.id}/dispatch`, { key, body: {} }), 403, 'FORBIDDEN');

    // The agent moves its ticket and finishes with the token; the gateway's end then converges on that execution.
    expectOk(await h.call('PATCH', `/api/v1/tickets/${mine.ticket.id}`, { key, body: { status: 'pr_review' } }));
    expectOk(await h.call('PATCH', `/api/v1/executions/${mine.answer.executionId}`, { key, body: { status: 'success', tokensIn: 40, tokensOut: 8, summary: 'done' } }));
    expectError(await h.call('GET', `/api/v1/executions/${mine.answer.executionId}`, { key }), 401, 'UNAUTHENTICATED');
    expect(await finishGatewayRun(system(), gatewayId, mine.answer.executionId, { status: 'ok', text: 'All tidy.' }, null)).toBe(true);
    const runs = await h.database.db.query.executions.findMany({ where: (e, { eq }) => eq(e.ticketId, mine.ticket.id) });
    expect(runs).toHaveLength(1);
    expect(await execution(mine.answer.executionId)).toMatchObject({ status: 'success', tokensIn: 40, summary: 'done', gateway: { state: 'finished' } });
    expect(await ticketOf(mine.ticket.id)).toMatchObject({ status: 'pr_review' });
    const comments = expectOk(await h.call('GET', `/api/v1/tickets/${mine.ticket.id}/comments`, { key: team.owner.key }));
    expect(comments.map((c: { body: string }) => c.body).join('\n')).toContain('All tidy.');
    // A second end (the chat final after the lifecycle end) changes nothing.
    expect(await finishGatewayRun(system(), gatewayId, mine.answer.executionId, { status: 'ok', text: 'again' }, null)).toBe(false);
  });

  it('the gateway end finishes the execution with the reply, comments, and gives the ticket back; the token stops working', async () => {
    const run = await sentRun();
    expect(await finishGatewayRun(system(), gatewayId, run.answer.executionId, { status: 'ok', text: 'Release notes deduplicated.' }, null)).toBe(true);
    expect(await execution(run.answer.executionId)).toMatchObject({ status: 'success', gateway: { state: 'finished' } });
    expect((await execution(run.answer.executionId)).summary).toContain('Release notes deduplicated.');
    expect(await ticketOf(run.ticket.id)).toMatchObject({ status: 'todo', claimedBy: null });
    expectError(await h.call('GET', `/api/v1/tickets/${run.ticket.id}`, { key: run.token }), 401, 'UNAUTHENTICATED');
  });

  it('a run past its deadline fails (timeout) and the ticket goes back; a gateway that restarted since the send fails its runs', async () => {
    const late = await sentRun();
    clock.advance(60 * 60 * 1000);
    expect(await expireGatewayRuns(system(), gatewayId, late.client)).toBeGreaterThanOrEqual(1);
    const failed = await execution(late.answer.executionId);
    expect(failed).toMatchObject({ status: 'failed', gateway: { state: 'finished' } });
    expect(failed.summary).toContain('deadline');
    expect(await ticketOf(late.ticket.id)).toMatchObject({ status: 'todo', claimedBy: null });

    const lost = await sentRun();
    clock.advance(5_000);
    const { client, raw } = recordingClient();
    raw.helloOk = { snapshot: { uptimeMs: 1_000 } }; // the gateway process started after the run was sent
    await reconcileGatewayRuns(system(), gatewayId, client);
    const e = await execution(lost.answer.executionId);
    expect(e.status).toBe('failed');
    expect(e.summary).toContain('restarted');

    const alive = await sentRun();
    clock.advance(5_000);
    const same = recordingClient();
    same.raw.helloOk = { snapshot: { uptimeMs: 24 * 3600 * 1000 } }; // up since long before: the run may go on
    await reconcileGatewayRuns(system(), gatewayId, same.client);
    expect(await execution(alive.answer.executionId)).toMatchObject({ status: 'running', gateway: { state: 'sent' } });
    expect(same.sent.filter((s) => s.method === 'agent')).toEqual([]); // never sent again
  });

  it('a gateway refusal fails the execution and gives the ticket back; an unreachable gateway leaves it queued', async () => {
    const agent = await linkedAgent();
    const ticket = await newTicket();
    const answer = expectOk(await dispatch(ticket.id, team.owner.key, { agentId: agent.id }), 202);
    const down = recordingClient(() => {
      throw new GatewayUnavailableError('agent', 'unreachable', false);
    });
    expect(await gatewayDispatchHandlers.onWork!(system(), gatewayId, down.client)).toBeUndefined();
    expect(await execution(answer.executionId)).toMatchObject({ status: 'running', gateway: { state: 'queued' } });
    expect(await h.database.db.query.runTokens.findMany({ where: (t, { eq }) => eq(t.executionId, answer.executionId) })).toEqual([]);

    const refusing = recordingClient(() => {
      throw new GatewayRequestError('agent', { code: 'INVALID_REQUEST', message: 'unknown agent id' });
    });
    await sendQueuedGatewayDispatches(system(), gatewayId, refusing.client);
    const e = await execution(answer.executionId);
    expect(e).toMatchObject({ status: 'failed', gateway: { state: 'finished' } });
    expect(e.summary).toContain('unknown agent id');
    expect(await ticketOf(ticket.id)).toMatchObject({ status: 'todo', claimedBy: null });
  });
});

describe('the owner tick keeps live runs alive and asks about quiet ones', () => {
  it("renews the ticket's lease while the run is alive; a quiet run whose end was missed is finished from agent.wait", async () => {
    const run = await sentRun();
    const leaseAtSend = Date.parse((await ticketOf(run.ticket.id)).leaseExpiresAt);
    clock.advance(9 * 60 * 1000);
    const still = recordingClient();
    await gatewayDispatchHandlers.onTick!(system(), gatewayId, still.client);
    const renewed = await ticketOf(run.ticket.id);
    expect(renewed).toMatchObject({ status: 'in_progress', claimedBy: run.agent.id });
    expect(Date.parse(renewed.leaseExpiresAt)).toBeGreaterThan(leaseAtSend);
    expect(await execution(run.answer.executionId)).toMatchObject({ status: 'running' });
    expect(still.sent.filter((s) => s.method === 'agent.wait' && s.params.runId === run.answer.executionId)).toHaveLength(1);

    clock.advance(3 * 60 * 1000);
    const done = recordingClient();
    (done.raw.api as any).agentWait = async () => ({ status: 'ok', terminalReply: { text: 'Finished while nobody listened.' } });
    await gatewayDispatchHandlers.onTick!(system(), gatewayId, done.client);
    const e = await execution(run.answer.executionId);
    expect(e).toMatchObject({ status: 'success', gateway: { state: 'finished' } });
    expect(e.summary).toContain('Finished while nobody listened.');
  });
});

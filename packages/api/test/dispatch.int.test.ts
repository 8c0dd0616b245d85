// The dispatch door end to end (POST /tickets/{id}/dispatch and the domain function cron runs call), on a real
// database with a real HTTP receiver on 127.0.0.1 standing in for the agent's endpoint: the body and the Standard
// Webhooks signature (checked with the independent `standardwebhooks` library, secret derived from the agent's
// key), the retry schedule, the failure that fails the execution, the budget gate, the refusals and isolation.
// The delivery worker is driven by calling the core functions on a manual clock (no timed waits).
import { EVENT_CATALOG, ZDispatchDeliveryPayload } from '@mc/contracts';
import {
  agentSigningSecretFromKey,
  DELIVERY_WRITING_EVENTS,
  deliverDueWebhooks,
  dispatchTicket,
  dispatchWebhookEvents,
  inTransaction,
  ManualClock,
  recordActivity,
  WEBHOOK_MAX_ATTEMPTS,
  WebhookRunner,
  type DeliverOptions,
} from '@mc/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { activeAgent, createTeam, registerPending, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { createWorkspace, expectError, expectOk, issueFields } from './helpers';
import { signedWith, startReceiver, type Receiver } from './receiver';

let h: Harness;
let clock: ManualClock;
let team: Team;
let rx: Receiver;
const isDispatch = (body: string) => body.includes('"type":"dispatch"');
/** The dispatch deliveries an endpoint received. */
const dispatchesAt = (p: string) => rx.at(p).filter((r) => JSON.parse(r.body).type === 'dispatch');
const fast: DeliverOptions = { random: () => 0.5, retryBaseMs: 1000 };
const worker = () => h.ctxFor({ kind: 'system', name: 'test-worker' });
async function pump(opts: DeliverOptions = fast) {
  await dispatchWebhookEvents(worker());
  return deliverDueWebhooks(worker(), opts);
}

let pathSeq = 0;
/** An active agent of the team whose endpoint is a fresh path of the receiver. */
async function endpointAgent(ws = team.ws.id, adminKey = team.owner.key) {
  const path = `/agent-${++pathSeq}`;
  // The approval POSTs the agent's key to its endpoint (ADR 0004): the receiver takes it.
  const pending = await registerPending(h, ws, { endpoint: rx.url(path) });
  expectOk(await h.call('POST', `/api/v1/agents/${pending.id}/approve`, { key: adminKey }));
  const key = JSON.parse(rx.at(path)[0].body).apiKey as string;
  expect(key).toMatch(/^mc_agt_/);
  return { ...pending, key, path };
}
async function newTicket(key = team.member.key, ws = team.ws.id, title = 'Fix the flaky deploy') {
  return expectOk(await h.call('POST', '/api/v1/tickets', { key, body: { workspaceId: ws, title, description: 'It fails one run in ten.', labels: ['ops'], priority: 'high' } }), 201);
}
const dispatch = (ticketId: string, key: string, body: Record<string, unknown> = {}, headers?: Record<string, string>) =>
  h.call('POST', `/api/v1/tickets/${ticketId}/dispatch`, { key, body, headers });
const runsOf = (ticketId: string) => h.database.db.query.executions.findMany({ where: (e, { eq }) => eq(e.ticketId, ticketId) });
const execution = async (id: string) => expectOk(await h.call('GET', `/api/v1/executions/${id}`, { key: team.owner.key }));

beforeAll(async () => {
  // Real time at the start, so the signature timestamps are plausible to any receiver.
  clock = new ManualClock(new Date());
  h = await createHarness({ clock, config: { allowPrivateNetwork: true } });
  team = await createTeam(h);
  // Only dispatches are numbered and ruled: key callbacks and notifications to the same endpoint are answered 200.
  rx = await startReceiver({ counts: isDispatch });
});

afterAll(async () => {
  await rx?.close();
  await h?.close();
});

describe('dispatch to an agent endpoint', () => {
  it('202 with a running execution; the agent receives the ticket, task and workspace signed, and reports back on the execution', async () => {
    const agent = await endpointAgent();
    const ticket = await newTicket();
    expectOk(await h.call('PUT', `/api/v1/tickets/${ticket.id}/assignee`, { key: team.owner.key, body: { agentId: agent.id } }));

    // A member may dispatch (the workspace answer says so), without naming the agent: the assignee takes it.
    const ws = expectOk(await h.call('GET', `/api/v1/workspaces/${team.ws.id}`, { key: team.member.key }));
    expect(ws.permissions['tickets.dispatch']).toBe(true);
    const r = dispatch(ticket.id, team.member.key, { instructions: 'Find the race and fix it.' });
    const answer = expectOk(await r, 202);
    expect(answer).toMatchObject({ ticketId: ticket.id, agentId: agent.id, channel: 'endpoint' });
    expect(answer.executionId).toMatch(/^exe_/);
    expect(answer.deliveryId).toMatch(/^whd_/);

    const started = await execution(answer.executionId);
    expect(started).toMatchObject({ agentId: agent.id, ticketId: ticket.id, status: 'running', cronRunId: null, endTime: null });

    expect(dispatchesAt(agent.path)).toHaveLength(0);
    const sent = await pump();
    expect(sent.succeeded).toBeGreaterThanOrEqual(1);
    const got = dispatchesAt(agent.path);
    expect(got).toHaveLength(1);
    expect(got[0].headers['webhook-id']).toBe(answer.deliveryId);
    expect(signedWith(got[0], agentSigningSecretFromKey(agent.key))).toBe(true);
    expect(signedWith(got[0], agentSigningSecretFromKey('mc_agt_someone_else'))).toBe(false);
    const body = ZDispatchDeliveryPayload.parse(JSON.parse(got[0].body));
    expect(body).toMatchObject({
      id: answer.deliveryId,
      type: 'dispatch',
      workspaceId: team.ws.id,
      actor: { kind: 'user', id: team.member.id },
      data: {
        execution: { id: answer.executionId, reportPath: `/api/v1/executions/${answer.executionId}` },
        agent: { id: agent.id, name: agent.name },
        ticket: { id: ticket.id, number: ticket.number, title: 'Fix the flaky deploy', description: 'It fails one run in ten.', labels: ['ops'], priority: 'high' },
        task: { title: 'Fix the flaky deploy', instructions: 'Find the race and fix it.', labels: ['ops'], priority: 'high' },
        workspace: { id: team.ws.id, slug: team.ws.slug },
        cronRunId: null,
        workflowStepId: null,
      },
    });

    // The agent reports over REST on the execution it was handed.
    const done = expectOk(await h.call('PATCH', body.data.execution.reportPath, { key: agent.key, body: { status: 'success', tokensIn: 1200, tokensOut: 300, summary: 'fixed' } }));
    expect(done).toMatchObject({ id: answer.executionId, status: 'success', tokensIn: 1200 });

    // The delivery is in the admins' log; the dispatch in the activity log and the outbox (catalog-valid).
    const delivery = expectOk(await h.call('GET', `/api/v1/webhook-deliveries/${answer.deliveryId}`, { key: team.owner.key }));
    expect(delivery).toMatchObject({ eventType: 'dispatch', agentId: agent.id, executionId: answer.executionId, status: 'succeeded', attemptCount: 1 });
    const act = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${team.ws.id}&action=ticket.dispatched`, { key: team.owner.key }));
    expect(act[0]).toMatchObject({ target: { kind: 'ticket', id: ticket.id }, actor: { kind: 'user', id: team.member.id }, metadata: { executionId: answer.executionId, agentId: agent.id } });
    const events = await h.database.db.query.events.findMany({ where: (e, { and, eq }) => and(eq(e.workspaceId, team.ws.id), eq(e.type, 'ticket.dispatched')) });
    const mine = events.filter((e) => (e.data as any).executionId === answer.executionId);
    expect(mine).toHaveLength(1);
    expect(EVENT_CATALOG['ticket.dispatched'].data.parse(mine[0].data)).toMatchObject({ agent: { id: agent.id }, channel: 'endpoint', ticket: { id: ticket.id } });
  });

  it('without an assignee the holder takes it; with neither, 400 names agentId; an explicit agent wins', async () => {
    const agent = await endpointAgent();
    const ticket = await newTicket();
    const refused = await dispatch(ticket.id, team.owner.key);
    expectError(refused, 400, 'VALIDATION_ERROR');
    expect(issueFields(refused)).toEqual(['agentId']);

    // The agent claims it: it holds it, so a dispatch without agentId goes to it.
    expectOk(await h.call('PATCH', `/api/v1/tickets/${ticket.id}/claim`, { key: agent.key }));
    expect(expectOk(await dispatch(ticket.id, team.admin.key), 202).agentId).toBe(agent.id);

    const other = await endpointAgent();
    expect(expectOk(await dispatch(ticket.id, team.admin.key, { agentId: other.id }), 202).agentId).toBe(other.id);
  });

  it('Idempotency-Key: a retried dispatch returns the first answer and starts one execution', async () => {
    const agent = await endpointAgent();
    const ticket = await newTicket();
    const headers = { 'idempotency-key': `dispatch-${ticket.id}` };
    const a = expectOk(await dispatch(ticket.id, team.owner.key, { agentId: agent.id }, headers), 202);
    const b = await dispatch(ticket.id, team.owner.key, { agentId: agent.id }, headers);
    expect(expectOk(b, 202)).toEqual(a);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const runs = await runsOf(ticket.id);
    expect(runs.map((e) => e.id)).toEqual([a.executionId]);
  });

  it('retries a failing endpoint on the webhook schedule; the execution keeps running once it gets through', async () => {
    const agent = await endpointAgent();
    rx.on(agent.path, (nth) => (nth <= 2 ? 503 : 200));
    const ticket = await newTicket();
    const { executionId, deliveryId } = expectOk(await dispatch(ticket.id, team.owner.key, { agentId: agent.id }), 202);
    await pump();
    let d = expectOk(await h.call('GET', `/api/v1/webhook-deliveries/${deliveryId}`, { key: team.owner.key }));
    expect(d).toMatchObject({ status: 'pending', attemptCount: 1, lastStatusCode: 503 });
    // The next attempt is due after the first retry delay (1 s with this base, no jitter), not before.
    expect(new Date(d.nextAttemptAt).getTime() - clock.now().getTime()).toBe(1000);
    await pump();
    expect(dispatchesAt(agent.path)).toHaveLength(1);
    clock.advance(1000);
    await pump();
    clock.advance(4000);
    await pump();
    d = expectOk(await h.call('GET', `/api/v1/webhook-deliveries/${deliveryId}`, { key: team.owner.key }));
    expect(d).toMatchObject({ status: 'succeeded', attemptCount: 3 });
    expect(d.attempts.map((x: any) => x.statusCode)).toEqual([503, 503, 200]);
    const got = dispatchesAt(agent.path);
    expect(got).toHaveLength(3);
    expect(new Set(got.map((g) => g.headers['webhook-id']))).toEqual(new Set([deliveryId]));
    expect((await execution(executionId)).status).toBe('running');
  });

  it('a delivery that fails for good fails the execution with the reason; it cannot be redelivered into a finished run', async () => {
    const agent = await endpointAgent();
    rx.on(agent.path, () => 500);
    const ticket = await newTicket();
    const { executionId, deliveryId } = expectOk(await dispatch(ticket.id, team.owner.key, { agentId: agent.id }), 202);
    for (let i = 0; i < WEBHOOK_MAX_ATTEMPTS; i++) {
      await pump();
      clock.advance(24 * 3600 * 1000);
    }
    const d = expectOk(await h.call('GET', `/api/v1/webhook-deliveries/${deliveryId}`, { key: team.owner.key }));
    expect(d).toMatchObject({ status: 'failed', attemptCount: WEBHOOK_MAX_ATTEMPTS, lastStatusCode: 500 });
    const failed = await execution(executionId);
    expect(failed.status).toBe('failed');
    expect(failed.endTime).not.toBeNull();
    expect(failed.summary).toContain(`Not delivered to the agent: ${WEBHOOK_MAX_ATTEMPTS} attempts failed, the last: HTTP 500`);
    const finished = await h.database.db.query.events.findMany({ where: (e, { and, eq }) => and(eq(e.workspaceId, team.ws.id), eq(e.type, 'execution.finished')) });
    expect(finished.filter((e) => (e.data as any).execution.id === executionId).map((e) => (e.data as any).execution.status)).toEqual(['failed']);
    const again = await h.call('POST', `/api/v1/webhook-deliveries/${deliveryId}/redeliver`, { key: team.owner.key });
    expectError(again, 409, 'CONFLICT');
    expect(again.body.error.details).toMatchObject({ reason: 'execution_finished', executionId, executionStatus: 'failed' });
    // The agent's late report is refused: the run is over.
    expectError(await h.call('PATCH', `/api/v1/executions/${executionId}`, { key: agent.key, body: { status: 'success' } }), 409, 'CONFLICT');
  });

  it('an agent deactivated before the delivery goes out: the delivery fails at once, and so does the execution', async () => {
    const agent = await endpointAgent();
    const ticket = await newTicket();
    const { executionId, deliveryId } = expectOk(await dispatch(ticket.id, team.owner.key, { agentId: agent.id }), 202);
    expectOk(await h.call('POST', `/api/v1/agents/${agent.id}/deactivate`, { key: team.owner.key }));
    await pump();
    expect(expectOk(await h.call('GET', `/api/v1/webhook-deliveries/${deliveryId}`, { key: team.owner.key }))).toMatchObject({ status: 'failed', attemptCount: 1 });
    const e = await execution(executionId);
    expect(e.status).toBe('failed');
    expect(e.summary).toContain('Not delivered to the agent: not sent: the agent is deactivated');
    expect(dispatchesAt(agent.path)).toHaveLength(0);
  });
});

describe('the background runner', () => {
  it("sends a dispatch when the dispatch's live event kicks it, without waiting for its next tick", async () => {
    const agent = await endpointAgent();
    const ticket = await newTicket();
    let passes = 0;
    // A tick an hour away: only the first pass (at start) and kicks make it look for work.
    const runner = new WebhookRunner(worker(), { ...fast, intervalMs: 3600_000, onPassDone: () => void passes++ });
    runner.start();
    try {
      await vi.waitFor(() => expect(passes).toBeGreaterThanOrEqual(1));
      const { deliveryId } = expectOk(await dispatch(ticket.id, team.owner.key, { agentId: agent.id }), 202);
      // What the composition root does with every live event (apps/web/src/context.ts).
      runner.kick({ due: DELIVERY_WRITING_EVENTS.has('ticket.dispatched') });
      await vi.waitFor(() => expect(dispatchesAt(agent.path).map((r) => r.headers['webhook-id'])).toEqual([deliveryId]), { timeout: 10_000 });
    } finally {
      await runner.stop();
    }
  });
});

describe('refusals', () => {
  it('who: viewers and agents are 403, people of other workspaces 404 (ticket and agent alike)', async () => {
    const agent = await endpointAgent();
    const ticket = await newTicket();
    expectError(await dispatch(ticket.id, team.viewer.key, { agentId: agent.id }), 403, 'FORBIDDEN');
    expect(expectOk(await h.call('GET', `/api/v1/workspaces/${team.ws.id}`, { key: team.viewer.key })).permissions['tickets.dispatch']).toBe(false);
    const byAgent = await dispatch(ticket.id, agent.key, { agentId: agent.id });
    expectError(byAgent, 403, 'FORBIDDEN');
    expect(byAgent.body.error.message).toContain('agents cannot dispatch');

    const outsider = await h.newUser('Outsider');
    const theirs = await createWorkspace(h, outsider.key);
    expectError(await dispatch(ticket.id, outsider.key, { agentId: agent.id }), 404, 'NOT_FOUND');
    // Their own ticket to our agent: the agent is not in their workspace.
    const theirTicket = await newTicket(outsider.key, theirs.id);
    const r = await dispatch(theirTicket.id, outsider.key, { agentId: agent.id });
    expectError(r, 404, 'NOT_FOUND');
    expect(r.body.error.message).toContain('agent');
    expect(await runsOf(theirTicket.id)).toEqual([]);
  });

  it('what: inactive or endpoint-less agents, finished tickets and archived workspaces are 409 with the reason', async () => {
    const agent = await endpointAgent();
    const ticket = await newTicket();
    const silent = await activeAgent(h, team.owner.key, team.ws.id);
    const r1 = await dispatch(ticket.id, team.owner.key, { agentId: silent.id });
    expectError(r1, 409, 'CONFLICT');
    expect(r1.body.error.details).toMatchObject({ reason: 'agent_unreachable', agentId: silent.id });

    const gone = await endpointAgent();
    expectOk(await h.call('POST', `/api/v1/agents/${gone.id}/deactivate`, { key: team.owner.key }));
    const r2 = await dispatch(ticket.id, team.owner.key, { agentId: gone.id });
    expectError(r2, 409, 'CONFLICT');
    expect(r2.body.error.details).toMatchObject({ reason: 'agent_inactive', agentStatus: 'deactivated' });

    expectOk(await h.call('PATCH', `/api/v1/tickets/${ticket.id}`, { key: team.owner.key, body: { status: 'closed', closedReason: 'duplicate' } }));
    const r3 = await dispatch(ticket.id, team.owner.key, { agentId: agent.id });
    expectError(r3, 409, 'CONFLICT');
    expect(r3.body.error.details).toMatchObject({ reason: 'ticket_finished', status: 'closed' });

    const ws = await createWorkspace(h, team.owner.key);
    const a = await endpointAgent(ws.id);
    const t = await newTicket(team.owner.key, ws.id);
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${ws.id}`, { key: team.owner.key }));
    const r4 = await dispatch(t.id, team.owner.key, { agentId: a.id });
    expectError(r4, 409, 'CONFLICT');
    expect(r4.body.error.details).toMatchObject({ reason: 'workspace_archived' });
    expect(await runsOf(t.id)).toEqual([]);
  });

  it('budget: a hard-stopped workspace is 402 BUDGET_EXCEEDED and nothing starts; raising the limit lets the dispatch through', async () => {
    const ws = await createWorkspace(h, team.owner.key);
    const agent = await endpointAgent(ws.id);
    const ticket = await newTicket(team.owner.key, ws.id);
    expectOk(await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: team.owner.key, body: { monthlyTokenLimit: 100, hardStop: true } }));
    const run = expectOk(await h.call('POST', '/api/v1/executions', { key: agent.key, body: {} }), 201);
    expectOk(await h.call('PATCH', `/api/v1/executions/${run.id}`, { key: agent.key, body: { tokensIn: 150, status: 'success' } }));

    const refused = await dispatch(ticket.id, team.owner.key, { agentId: agent.id });
    expectError(refused, 402, 'BUDGET_EXCEEDED');
    expect(refused.body.error.details).toMatchObject({ limit: 'tokens', limitValue: 100 });
    expect(await runsOf(ticket.id)).toEqual([]);

    expectOk(await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: team.owner.key, body: { monthlyTokenLimit: 100_000, hardStop: true } }));
    expectOk(await dispatch(ticket.id, team.owner.key, { agentId: agent.id }), 202);
  });
});

describe('the domain door (what cron runs and workflow steps call)', () => {
  it('a system caller dispatches with a task and a cron run id, carried on the execution and in the body', async () => {
    const agent = await endpointAgent();
    const ticket = await newTicket();
    const cron = h.ctxFor({ kind: 'system', name: 'cron-runner' });
    const out = await dispatchTicket(cron, {
      ticketId: ticket.id,
      agentId: agent.id,
      cronRunId: 'crr_nightly_1',
      task: { title: 'Nightly triage', instructions: 'Triage what came in overnight', labels: ['triage'], priority: 'low' },
    });
    expect((await execution(out.executionId)).cronRunId).toBe('crr_nightly_1');
    await pump();
    const body = ZDispatchDeliveryPayload.parse(JSON.parse(dispatchesAt(agent.path)[0].body));
    expect(body.actor).toMatchObject({ kind: 'system', name: 'cron-runner' });
    expect(body.data).toMatchObject({
      cronRunId: 'crr_nightly_1',
      task: { title: 'Nightly triage', instructions: 'Triage what came in overnight', labels: ['triage'], priority: 'low' },
    });
  });

  it("inside the caller's transaction a refusal is a savepoint's: the caller's own writes go on and commit", async () => {
    const agent = await endpointAgent();
    const ticket = await newTicket();
    const done = await newTicket();
    expectOk(await h.call('PATCH', `/api/v1/tickets/${done.id}`, { key: team.owner.key, body: { status: 'closed' } }));
    const cron = h.ctxFor({ kind: 'system', name: 'cron-runner' });
    const result = await inTransaction(cron, async (tx) => {
      await expect(dispatchTicket(tx, { ticketId: done.id, agentId: agent.id })).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'ticket_finished' } });
      await expect(dispatchTicket(tx, { ticketId: 'tkt_nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await recordActivity(tx, { workspaceId: team.ws.id, action: 'cron_run.test_marker', target: { kind: 'ticket', id: ticket.id }, summary: 'written by the runner' });
      return dispatchTicket(tx, { ticketId: ticket.id, agentId: agent.id, cronRunId: 'crr_in_tx' });
    });
    expect((await execution(result.executionId)).cronRunId).toBe('crr_in_tx');
    const marks = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${team.ws.id}&action=cron_run.test_marker`, { key: team.owner.key }));
    expect(marks.map((m: any) => m.target.id)).toEqual([ticket.id]);
  });
});

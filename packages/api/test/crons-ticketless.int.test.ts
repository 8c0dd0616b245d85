// A cron whose task creates no ticket (issue 14, ADR 0018): each run dispatches the task itself through the dispatch
// door, on a real database with a real HTTP receiver on 127.0.0.1 standing in for the agent's endpoint. The agent
// receives the task signed (checked with the independent `standardwebhooks` library, secret derived from its key),
// with `ticket: null`, the workspace, the run and its execution, and reports over REST with its own key; the run
// follows that execution: success with its tokens and cost, failure retried by the policy (every attempt listed,
// each with its own execution), the deadline; an agent without an endpoint is skipped with the reason; a
// hard-stopped budget is skipped BUDGET_EXCEEDED. Scheduler, delivery worker and outbox are driven by calling the core
// functions on a manual clock (no timed waits).
import { EVENT_CATALOG, ZDispatchDeliveryPayload } from '@mc/contracts';
import {
  agentSigningSecretFromKey,
  CRON_RUN_REASONS,
  deliverDueWebhooks,
  dispatchTask,
  dispatchWebhookEvents,
  inTransaction,
  ManualClock,
  RETRY_JITTER,
  registerCronRunReactions,
  WEBHOOK_MAX_ATTEMPTS,
  type CronRunAttempt,
  type DeliverOptions,
} from '@mc/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, registerPending, type Team } from './agents.fixtures';
import { drainEvents, pass, retireAllCrons, runsOf } from './crons.fixtures';
import { createHarness, type Harness } from './harness';
import { createWorkspace, expectError, expectOk } from './helpers';
import { signedWith, startReceiver, type Receiver } from './receiver';

const PUBLIC_URL = 'https://mc.example.test';
let h: Harness;
let clock: ManualClock;
let team: Team;
let rx: Receiver;
let stopReactions: () => void;
const isDispatch = (body: string) => body.includes('"type":"dispatch"');
const dispatchesAt = (p: string) => rx.at(p).filter((r) => JSON.parse(r.body).type === 'dispatch');
const fast: DeliverOptions = { random: () => 0.5, retryBaseMs: 1000 };
const worker = () => h.ctxFor({ kind: 'system', name: 'test-worker' });
/** The delivery worker: outbox events into deliveries, then every due delivery sent. */
async function pump() {
  await dispatchWebhookEvents(worker());
  return deliverDueWebhooks(worker(), fast);
}

let pathSeq = 0;
/** An active agent of the team whose endpoint is a fresh path of the receiver (its key comes by the approval POST). */
async function endpointAgent(ws = team.ws.id, adminKey = team.owner.key) {
  const path = `/cron-agent-${++pathSeq}`;
  const pending = await registerPending(h, ws, { endpoint: rx.url(path) });
  expectOk(await h.call('POST', `/api/v1/agents/${pending.id}/approve`, { key: adminKey }));
  const key = JSON.parse(rx.at(path)[0].body).apiKey as string;
  return { ...pending, key, path };
}

async function ticketlessCron(agentId: string, extra: Record<string, unknown> = {}, ws = team.ws.id, key = team.owner.key) {
  return expectOk(
    await h.call('POST', '/api/v1/crons', {
      key,
      body: {
        name: `Sweep ${++pathSeq}`,
        schedule: '0 0 1 1 *',
        timezone: 'UTC',
        targets: [{ workspaceId: ws, agentId }],
        task: { title: 'Sweep stale branches', instructions: 'Delete branches merged more than 30 days ago', labels: ['ops', 'git'], priority: 'low', createTicket: false },
        ...extra,
      },
    }),
    201,
  );
}
const runNow = async (cronId: string, key = team.owner.key) => expectOk(await h.call('POST', `/api/v1/crons/${cronId}/run`, { key }), 202);
const runsApi = async (cronId: string, key = team.owner.key) => expectOk(await h.call('GET', `/api/v1/crons/${cronId}/runs`, { key })) as any[];

beforeAll(async () => {
  clock = new ManualClock(new Date());
  h = await createHarness({ clock, config: { allowPrivateNetwork: true, publicUrl: `${PUBLIC_URL}/` } });
  stopReactions = registerCronRunReactions({ random: () => 0.5 });
  team = await createTeam(h);
  rx = await startReceiver({ counts: isDispatch });
});
afterEach(async () => {
  await drainEvents(h);
  await retireAllCrons(h);
});
afterAll(async () => {
  stopReactions?.();
  await rx?.close();
  await h?.close();
});

describe('a run of a cron whose task creates no ticket', () => {
  it('dispatches the task signed to the agent; the agent reports over REST with the run id; the run succeeds with its cost', async () => {
    const agent = await endpointAgent();
    const cron = await ticketlessCron(agent.id);
    const [queued] = (await runNow(cron.id)).runs;
    expect(queued).toMatchObject({ status: 'pending', trigger: 'manual', targetAgentId: agent.id });

    expect((await pass(h)).started).toBe(1);
    const [run] = await runsOf(h, cron.id);
    expect(run).toMatchObject({ id: queued.id, status: 'running', attempt: 1, ticketIds: [] });
    const [attempt] = run.attempts as CronRunAttempt[];
    expect(attempt).toMatchObject({ attempt: 1, status: 'running', ticketId: null });
    expect(attempt.executionId).toMatch(/^exe_/);
    // No ticket anywhere: the execution is the run's whole trace.
    expect((await h.database.db.query.tickets.findMany({ where: (t, { eq }) => eq(t.workspaceId, team.ws.id) })).filter((t) => t.createdByKind === 'cron')).toEqual([]);
    const ex = expectOk(await h.call('GET', `/api/v1/executions/${attempt.executionId}`, { key: team.owner.key }));
    expect(ex).toMatchObject({ agentId: agent.id, workspaceId: team.ws.id, ticketId: null, cronRunId: run.id, status: 'running' });

    // The delivery worker sends it: signed with the agent's secret, the task, the workspace, the run, where to report.
    expect(dispatchesAt(agent.path)).toHaveLength(0);
    await pump();
    const got = dispatchesAt(agent.path);
    expect(got).toHaveLength(1);
    expect(signedWith(got[0], agentSigningSecretFromKey(agent.key))).toBe(true);
    expect(signedWith(got[0], agentSigningSecretFromKey('mc_agt_someone_else'))).toBe(false);
    const body = ZDispatchDeliveryPayload.parse(JSON.parse(got[0].body));
    const reportPath = `/api/v1/executions/${attempt.executionId}`;
    expect(body).toMatchObject({
      id: got[0].headers['webhook-id'],
      type: 'dispatch',
      workspaceId: team.ws.id,
      actor: { kind: 'system', name: `cron ${cron.name}` },
      data: {
        execution: { id: attempt.executionId, reportPath, reportUrl: `${PUBLIC_URL}${reportPath}` },
        agent: { id: agent.id, name: agent.name },
        ticket: null,
        task: { title: 'Sweep stale branches', instructions: 'Delete branches merged more than 30 days ago', labels: ['ops', 'git'], priority: 'low' },
        workspace: { id: team.ws.id, slug: team.ws.slug },
        cronRunId: run.id,
        workflowStepId: null,
      },
    });
    const delivery = expectOk(await h.call('GET', `/api/v1/webhook-deliveries/${body.id}`, { key: team.owner.key }));
    expect(delivery).toMatchObject({ eventType: 'dispatch', agentId: agent.id, executionId: attempt.executionId, status: 'succeeded' });
    // Recorded as a dispatch without a ticket: a catalog-valid `task.dispatched` and an activity entry on the execution.
    const events = await h.database.db.query.events.findMany({ where: (e, { and, eq }) => and(eq(e.workspaceId, team.ws.id), eq(e.type, 'task.dispatched')) });
    const mine = events.filter((e) => (e.data as any).executionId === attempt.executionId);
    expect(mine).toHaveLength(1);
    expect(EVENT_CATALOG['task.dispatched'].data.parse(mine[0].data)).toMatchObject({ task: { title: 'Sweep stale branches' }, agent: { id: agent.id }, channel: 'endpoint', cronRunId: run.id });
    const act = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${team.ws.id}&action=task.dispatched`, { key: team.owner.key }));
    expect(act.filter((a: any) => a.target.id === attempt.executionId)).toHaveLength(1);

    // Someone else's agent cannot charge this run: the run targets another agent (404).
    const stranger = await activeAgent(h, team.owner.key, team.ws.id);
    expectError(await h.call('POST', '/api/v1/executions', { key: stranger.key, body: { cronRunId: run.id } }), 404, 'NOT_FOUND');

    // The agent reports over REST with its own key, at the path it was given.
    clock.advance(42_000);
    expectOk(await h.call('PATCH', body.data.execution.reportPath, { key: agent.key, body: { status: 'success', tokensIn: 1500, tokensOut: 300, costUsd: 0.0123, summary: '14 stale branches deleted' } }));
    await drainEvents(h);
    const [done] = await runsApi(cron.id);
    expect(done).toMatchObject({ id: run.id, status: 'success', output: '14 stale branches deleted', ticketIds: [], tickets: [], tokensIn: 1500, tokensOut: 300, costUsd: '0.012300', durationMs: 42_000 });
    expect(done.attempts).toMatchObject([{ attempt: 1, status: 'success', executionId: attempt.executionId, ticketId: null }]);
    expect(expectOk(await h.call('GET', `/api/v1/crons/${cron.id}`, { key: team.owner.key }))).toMatchObject({ lastRun: { status: 'success' } });
  });

  it('a failed execution is retried by the policy with a new execution; every attempt is listed; the deadline fails the last', async () => {
    const agent = await endpointAgent();
    const cron = await ticketlessCron(agent.id, { retry: { maxAttempts: 2, backoff: 'fixed', baseSeconds: 60 } });
    await runNow(cron.id);
    await pass(h);
    let [run] = await runsOf(h, cron.id);
    const first = (run.attempts as CronRunAttempt[])[0].executionId!;
    await pump();
    expect(dispatchesAt(agent.path)).toHaveLength(1);

    // Attempt 1: the agent reports failure.
    expectOk(await h.call('PATCH', `/api/v1/executions/${first}`, { key: agent.key, body: { status: 'failed', tokensIn: 10, summary: 'git remote unreachable' } }));
    await drainEvents(h);
    [run] = await runsOf(h, cron.id);
    expect(run).toMatchObject({ status: 'pending', attempt: 2, reason: CRON_RUN_REASONS.EXECUTION_FAILED });
    const delay = run.dueAt!.getTime() - clock.now().getTime();
    expect(delay).toBe(Math.round(60_000 * (1 - RETRY_JITTER * 0.5)));

    // Not yet due: nothing is sent; then attempt 2 starts with an execution (and a delivery) of its own.
    clock.advance(delay - 1);
    expect((await pass(h)).started).toBe(0);
    clock.advance(1);
    expect((await pass(h)).started).toBe(1);
    [run] = await runsOf(h, cron.id);
    const second = (run.attempts as CronRunAttempt[])[1].executionId!;
    expect(second).toMatch(/^exe_/);
    expect(second).not.toBe(first);
    await pump();
    const sent = dispatchesAt(agent.path).map((r) => ZDispatchDeliveryPayload.parse(JSON.parse(r.body)).data.execution.id);
    expect(sent).toEqual([first, second]);

    // Attempt 2: nobody reports before the deadline (an hour by default): the run fails, both attempts listed.
    clock.advance(3600_000);
    expect((await pass(h)).overdue).toBe(1);
    const [failed] = await runsApi(cron.id);
    expect(failed).toMatchObject({ status: 'failed', attempt: 2, reason: CRON_RUN_REASONS.DEADLINE, tokensIn: 10 });
    expect(failed.attempts.map((a: CronRunAttempt) => [a.attempt, a.status, a.executionId, a.ticketId])).toEqual([
      [1, 'failed', first, null],
      [2, 'failed', second, null],
    ]);
    expect(failed.attempts[0].error).toBe(`execution ${first} failed`);
  });

  it('a delivery that fails for good fails the execution, and so the attempt', async () => {
    const agent = await endpointAgent();
    rx.on(agent.path, () => 500);
    const cron = await ticketlessCron(agent.id);
    await runNow(cron.id);
    await pass(h);
    const executionId = ((await runsOf(h, cron.id))[0].attempts as CronRunAttempt[])[0].executionId!;
    const delivery = () => h.database.db.query.webhookDeliveries.findFirst({ where: (d, { eq }) => eq(d.executionId, executionId) });
    // Every attempt, each when it is due (the retry schedule's own times).
    for (let i = 0; i < WEBHOOK_MAX_ATTEMPTS; i++) {
      await pump();
      const d = (await delivery())!;
      if (d.status !== 'pending') break;
      clock.set(d.nextAttemptAt!);
    }
    expect(await delivery()).toMatchObject({ status: 'failed', attemptCount: WEBHOOK_MAX_ATTEMPTS });
    expect(dispatchesAt(agent.path)).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    await drainEvents(h);
    const [run] = await runsApi(cron.id);
    expect(run).toMatchObject({ status: 'failed', reason: CRON_RUN_REASONS.EXECUTION_FAILED });
    const ex = expectOk(await h.call('GET', `/api/v1/executions/${run.attempts[0].executionId}`, { key: team.owner.key }));
    expect(ex.summary).toContain('Not delivered to the agent');
  });

  it('an agent without an endpoint cannot receive the task: the run is skipped AGENT_UNREACHABLE, with the reason, not retried', async () => {
    const silent = await activeAgent(h, team.owner.key, team.ws.id);
    const cron = await ticketlessCron(silent.id, { retry: { maxAttempts: 3 } });
    await runNow(cron.id);
    expect((await pass(h)).skipped).toBe(1);
    const [run] = await runsApi(cron.id);
    expect(run).toMatchObject({ status: 'skipped', reason: CRON_RUN_REASONS.AGENT_UNREACHABLE, ticketIds: [], attempt: 1 });
    expect(run.output).toContain('has no endpoint to send the task to');
    expect(run.attempts).toMatchObject([{ attempt: 1, status: 'skipped', executionId: null, ticketId: null }]);
    clock.advance(3600_000);
    expect((await pass(h)).started).toBe(0);
    expect(await h.database.db.query.executions.findMany({ where: (e, { eq }) => eq(e.cronRunId, run.id) })).toEqual([]);
    const events = await h.database.db.query.events.findMany({ where: (e, { eq }) => eq(e.type, 'cron_run.finished') });
    expect(events.filter((e) => (e.data as any).run.id === run.id).map((e) => (e.data as any).run.reason)).toEqual(['AGENT_UNREACHABLE']);
    // The cron stays on: the agent may get an endpoint.
    expect(expectOk(await h.call('GET', `/api/v1/crons/${cron.id}`, { key: team.owner.key })).enabled).toBe(true);
  });

  it('a hard-stopped budget skips the run BUDGET_EXCEEDED before anything is sent', async () => {
    const ws = await createWorkspace(h, team.owner.key);
    const agent = await endpointAgent(ws.id);
    expectOk(await h.call('PUT', `/api/v1/workspaces/${ws.id}/budget`, { key: team.owner.key, body: { monthlyTokenLimit: 10, hardStop: true } }));
    const spent = expectOk(await h.call('POST', '/api/v1/executions', { key: agent.key, body: {} }), 201);
    expectOk(await h.call('PATCH', `/api/v1/executions/${spent.id}`, { key: agent.key, body: { status: 'success', tokensIn: 50 } }));
    const cron = await ticketlessCron(agent.id, {}, ws.id);
    await runNow(cron.id);
    await pass(h);
    const [run] = await runsApi(cron.id);
    expect(run).toMatchObject({ status: 'skipped', reason: CRON_RUN_REASONS.BUDGET_EXCEEDED });
    await pump();
    expect(dispatchesAt(agent.path)).toHaveLength(0);
    expect(await h.database.db.query.executions.findMany({ where: (e, { eq }) => eq(e.cronRunId, run.id) })).toEqual([]);
  });
});

describe('the domain door for a task without a ticket', () => {
  it('only Mission Control itself calls it; the agent must be of the workspace, active and reachable', async () => {
    const agent = await endpointAgent();
    const task = { title: 'Check the backups' };
    const asOwner = h.ctxFor({ kind: 'user', userId: team.owner.id, name: 'Owner', email: 'o@example.com', isInstanceAdmin: false, via: 'api_key', credentialId: 'k' });
    await expect(dispatchTask(asOwner, { workspaceId: team.ws.id, agentId: agent.id, task })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const sys = h.ctxFor({ kind: 'system', name: 'workflow' });
    const other = await createTeam(h);
    await expect(dispatchTask(sys, { workspaceId: other.ws.id, agentId: agent.id, task })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(dispatchTask(sys, { workspaceId: 'wsp_nope', agentId: agent.id, task })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const silent = await activeAgent(h, team.owner.key, team.ws.id);
    await expect(dispatchTask(sys, { workspaceId: team.ws.id, agentId: silent.id, task })).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'agent_unreachable' } });
    // Inside the caller's transaction a refusal is a savepoint's; what goes through is a running execution.
    const out = await inTransaction(sys, async (tx) => {
      await expect(dispatchTask(tx, { workspaceId: team.ws.id, agentId: silent.id, task })).rejects.toMatchObject({ code: 'CONFLICT' });
      return dispatchTask(tx, { workspaceId: team.ws.id, agentId: agent.id, task, workflowStepId: 'wfs_1' });
    });
    expect(out).toMatchObject({ ticketId: null, agentId: agent.id, channel: 'endpoint' });
    expect(expectOk(await h.call('GET', `/api/v1/executions/${out.executionId}`, { key: team.owner.key }))).toMatchObject({ ticketId: null, status: 'running', cronRunId: null });
    await pump();
    const body = ZDispatchDeliveryPayload.parse(JSON.parse(dispatchesAt(agent.path).at(-1)!.body));
    expect(body.data).toMatchObject({ ticket: null, task: { title: 'Check the backups', instructions: null, labels: [], priority: null }, workflowStepId: 'wfs_1' });
  });
});

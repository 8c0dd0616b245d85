// The cron scheduler on a manual clock (issue 14): a slot fires once at its time and its run creates a ticket offered
// to the target agent; the run succeeds when the ticket is Done (or its execution reports success) and fails when the
// ticket is closed or the attempt deadline passes; failures are retried by the policy (every attempt listed) and
// notify the admins once per failure streak; catch-up after downtime (once | skip) is bounded and recorded;
// concurrency (skip | queue_one | allow); unrunnable targets are skipped and the cron pauses itself; a cross-workspace
// cron charges each target's run to its own workspace, and a hard-stopped workspace's run is skipped
// (BUDGET_EXCEEDED) while the others run. Time moves only when the test moves it.
import { CRON_RUN_REASONS, ManualClock, MISSED_RECORD_LIMIT, RETRY_JITTER, registerCronRunReactions, type CronRunAttempt } from '@mc/core';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, registerPending, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectOk } from './helpers';
import { cronRow, drainEvents, pass, retireAllCrons, runsOf, seedCron } from './crons.fixtures';
import { claim, move, type Agent } from './tickets.fixtures';

let h: Harness;
let team: Team;
let agent: Agent;
let stopReactions: () => void;
const clock = new ManualClock(new Date('2026-03-10T09:59:30.000Z'));
const at = (iso: string) => clock.set(new Date(iso));

/** An agent's HTTP endpoint on 127.0.0.1: answers 200 to everything and keeps what it was sent. */
const received: { path: string; body: any }[] = [];
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    received.push({ path: req.url ?? '/', body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
    res.writeHead(200).end('ok');
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  h = await createHarness({ clock, config: { allowPrivateNetwork: true } });
  stopReactions = registerCronRunReactions();
  team = await createTeam(h);
  agent = await activeAgent(h, team.admin.key, team.ws.slug);
});
afterEach(async () => {
  await drainEvents(h);
  await retireAllCrons(h);
});
afterAll(async () => {
  receiver.closeAllConnections();
  receiver.close();
  stopReactions?.();
  await h?.close();
});

async function eventsOf(runIds: string[]) {
  const rows = await h.database.db.query.events.findMany({ where: (e, { inArray }) => inArray(e.type, ['cron_run.started', 'cron_run.finished', 'cron_run.failed']), orderBy: (e, { asc }) => [asc(e.id)] });
  return rows.filter((e) => runIds.includes((e.data as any).run.id));
}
async function notes(key: string, type: string) {
  const all = expectOk(await h.call('GET', '/api/v1/notifications?limit=200', { key })) as { type: string; content: string }[];
  return all.filter((n) => n.type === type);
}
/** The agent does the run's ticket: claims it, sends it to review, marks it done. */
async function doTicket(a: Agent, ticketId: string) {
  expectOk(await claim(h, a.key, ticketId));
  expectOk(await move(h, a.key, ticketId, 'pr_review'));
  expectOk(await move(h, a.key, ticketId, 'done'));
}

describe('firing and a run', () => {
  it('fires the slot once at its time; the run creates a ticket for the agent and succeeds when it is Done', async () => {
    at('2026-03-10T09:59:30.000Z');
    const cronId = await seedCron(h, { name: 'hourly report', schedule: '0 * * * *', targets: [{ workspaceId: team.ws.id, agentId: agent.id }] });
    const early = await pass(h);
    expect(early.fired.crons).toBe(0);
    expect(early.nextWakeAt?.toISOString()).toBe('2026-03-10T10:00:00.000Z');
    expect(await runsOf(h, cronId)).toEqual([]);

    at('2026-03-10T10:00:00.250Z');
    const r = await pass(h);
    expect(r.fired).toMatchObject({ crons: 1, pending: 1 });
    expect(r.started).toBe(1);
    // Again at the same instant (a second pass, a restart): nothing more.
    expect((await pass(h)).fired.crons).toBe(0);
    const [run] = await runsOf(h, cronId);
    expect(run).toMatchObject({ status: 'running', slot: new Date('2026-03-10T10:00:00.000Z'), trigger: 'schedule', attempt: 1, workspaceId: team.ws.id, agentId: agent.id });
    expect(run.ticketIds).toHaveLength(1);
    expect((await cronRow(h, cronId)).nextDueAt?.toISOString()).toBe('2026-03-10T11:00:00.000Z');

    // The ticket: in the target's workspace, assigned to the agent, made by the cron, with the task's fields.
    const t = expectOk(await h.call('GET', `/api/v1/tickets/${run.ticketIds[0]}`, { key: team.member.key }));
    expect(t).toMatchObject({ workspaceId: team.ws.id, title: 'Nightly report', description: 'Write the report', labels: ['cron'], priority: 'high', status: 'todo', createdBy: { kind: 'cron', id: run.id } });
    expect(t.assignee).toMatchObject({ kind: 'agent', id: agent.id });

    clock.advance(90_000);
    await doTicket(agent, t.id);
    await drainEvents(h);
    const [done] = await runsOf(h, cronId);
    expect(done).toMatchObject({ status: 'success', output: `ticket #${t.number} done`, durationMs: 90_000 - 250 + 250 });
    expect((done.attempts as CronRunAttempt[]).map((a) => [a.attempt, a.status, a.ticketId])).toEqual([[1, 'success', t.id]]);
    const cron = await cronRow(h, cronId);
    expect(cron).toMatchObject({ lastRunStatus: 'success', failureStreak: 0 });
    expect((await eventsOf([run.id])).map((e) => [e.type, e.workspaceId])).toEqual([
      ['cron_run.started', team.ws.id],
      ['cron_run.finished', team.ws.id],
    ]);
    const acts = await h.database.db.query.activity.findMany({ where: (a, { and, eq }) => and(eq(a.targetKind, 'cron_run'), eq(a.targetId, run.id)) });
    expect(acts.map((a) => a.action).sort()).toEqual(['cron_run.started', 'cron_run.succeeded']);
  });

  it('a run succeeds when its execution (cronRunId) reports success, charged to the workspace where it ran', async () => {
    at('2026-03-10T11:59:00.000Z');
    const cronId = await seedCron(h, { schedule: '0 12 * * *', targets: [{ workspaceId: team.ws.id, agentId: agent.id }] });
    at('2026-03-10T12:00:00.100Z');
    await pass(h);
    const [run] = await runsOf(h, cronId);
    const ex = expectOk(await h.call('POST', '/api/v1/executions', { key: agent.key, body: { cronRunId: run.id, model: 'gpt-4o' } }), 201);
    expect(ex).toMatchObject({ cronRunId: run.id, workspaceId: team.ws.id });
    expectOk(await h.call('PATCH', `/api/v1/executions/${ex.id}`, { key: agent.key, body: { status: 'success', tokensIn: 100, tokensOut: 20, summary: 'report written' } }));
    await drainEvents(h);
    const [done] = await runsOf(h, cronId);
    expect(done).toMatchObject({ status: 'success', output: 'report written' });
  });
});

describe('dispatch to an agent with an endpoint', () => {
  it('the run\'s ticket goes through the dispatch door; the execution carries the run; its success ends the run', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/agent-cron`;
    const pending = await registerPending(h, team.ws.id, { endpoint: url });
    expectOk(await h.call('POST', `/api/v1/agents/${pending.id}/approve`, { key: team.owner.key }));
    const key = received.find((r) => r.path === '/agent-cron' && r.body?.apiKey)!.body.apiKey as string;
    at('2026-03-10T12:59:00.000Z');
    const cronId = await seedCron(h, { schedule: '0 13 * * *', targets: [{ workspaceId: team.ws.id, agentId: pending.id }] });
    at('2026-03-10T13:00:00.000Z');
    await pass(h);
    const [run] = await runsOf(h, cronId);
    expect(run.status).toBe('running');
    const exs = await h.database.db.query.executions.findMany({ where: (e, { eq }) => eq(e.cronRunId, run.id) });
    expect(exs).toHaveLength(1);
    expect(exs[0]).toMatchObject({ agentId: pending.id, workspaceId: team.ws.id, ticketId: run.ticketIds[0], status: 'running' });
    expect((run.attempts as CronRunAttempt[])[0].executionId).toBe(exs[0].id);
    const [started] = await eventsOf([run.id]);
    expect((started.data as any).executionId).toBe(exs[0].id);
    expectOk(await h.call('PATCH', `/api/v1/executions/${exs[0].id}`, { key, body: { status: 'success', summary: 'dispatched work done' } }));
    await drainEvents(h);
    expect((await runsOf(h, cronId))[0]).toMatchObject({ status: 'success', output: 'dispatched work done' });
  });
});

describe('retries and failing crons', () => {
  it('a failed attempt is retried by the policy with backoff; every attempt is listed; admins are told once per streak', async () => {
    at('2026-03-11T07:59:00.000Z');
    const cronId = await seedCron(h, {
      name: 'flaky',
      schedule: '0 8 * * *',
      targets: [{ workspaceId: team.ws.id, agentId: agent.id }],
      task: { title: 'Flaky', createTicket: true, timeoutSeconds: 600 },
      retry: { maxAttempts: 3, backoff: 'exponential', baseSeconds: 60, maxSeconds: 600 },
    });
    at('2026-03-11T08:00:00.000Z');
    await pass(h);
    let [run] = await runsOf(h, cronId);
    // Attempt 1: the ticket is closed without being done (an admin's "won't do").
    expectOk(await move(h, team.admin.key, run.ticketIds[0], 'closed'));
    await drainEvents(h);
    [run] = await runsOf(h, cronId);
    expect(run).toMatchObject({ status: 'pending', attempt: 2, reason: CRON_RUN_REASONS.TICKET_CLOSED });
    const delay1 = run.dueAt!.getTime() - clock.now().getTime();
    expect(delay1).toBeGreaterThanOrEqual(60_000 * (1 - RETRY_JITTER));
    expect(delay1).toBeLessThanOrEqual(60_000);
    expect((await cronRow(h, cronId)).failureStreak).toBe(0); // a retried attempt is not a failed run

    // Not yet due: nothing starts.
    clock.advance(delay1 - 1);
    expect((await pass(h)).started).toBe(0);
    clock.advance(1);
    expect((await pass(h)).started).toBe(1);
    [run] = await runsOf(h, cronId);
    expect(run).toMatchObject({ status: 'running', attempt: 2 });
    expect(run.ticketIds).toHaveLength(2);

    // Attempt 2: nobody reports before the deadline (600 s).
    clock.advance(600_000 - 1);
    expect((await pass(h)).overdue).toBe(0);
    clock.advance(1);
    expect((await pass(h)).overdue).toBe(1);
    [run] = await runsOf(h, cronId);
    expect(run).toMatchObject({ status: 'pending', attempt: 3, reason: CRON_RUN_REASONS.DEADLINE });
    const delay2 = run.dueAt!.getTime() - clock.now().getTime();
    expect(delay2).toBeGreaterThanOrEqual(120_000 * (1 - RETRY_JITTER));
    expect(delay2).toBeLessThanOrEqual(120_000);

    // Attempt 3 (the last): fails too; the run is failed, the cron failing, the admins told once.
    clock.advance(delay2);
    await pass(h);
    clock.advance(600_000);
    await pass(h);
    [run] = await runsOf(h, cronId);
    expect(run).toMatchObject({ status: 'failed', attempt: 3, reason: CRON_RUN_REASONS.DEADLINE });
    expect((run.attempts as CronRunAttempt[]).map((a) => [a.attempt, a.status, a.error?.split(' ')[0] ?? null])).toEqual([
      [1, 'failed', 'ticket'],
      [2, 'failed', 'the'],
      [3, 'failed', 'the'],
    ]);
    expect(run.ticketIds).toHaveLength(3);
    expect(await cronRow(h, cronId)).toMatchObject({ failureStreak: 1, lastRunStatus: 'failed' });
    const failedEvents = (await eventsOf([run.id])).filter((e) => e.type === 'cron_run.failed').map((e) => (e.data as any).willRetry);
    expect(failedEvents).toEqual([true, true, false]);
    expect(await notes(team.admin.key, 'cron_failing')).toHaveLength(1);
    expect(await notes(team.owner.key, 'cron_failing')).toHaveLength(1);
    expect(await notes(team.member.key, 'cron_failing')).toHaveLength(0);

    // The next day's run fails again: the streak grows, nobody is told again; a success ends the streak.
    at('2026-03-12T08:00:00.000Z');
    await pass(h);
    const next = (await runsOf(h, cronId))[1];
    for (let i = 0; i < 3; i++) {
      clock.advance(600_000);
      await pass(h);
      clock.advance(600_000);
      await pass(h);
    }
    expect((await runsOf(h, cronId))[1].status).toBe('failed');
    expect((await cronRow(h, cronId)).failureStreak).toBe(2);
    expect(await notes(team.admin.key, 'cron_failing')).toHaveLength(1);
    at('2026-03-13T08:00:00.000Z');
    await pass(h);
    const third = (await runsOf(h, cronId))[2];
    await doTicket(agent, third.ticketIds[0]);
    await drainEvents(h);
    expect(await cronRow(h, cronId)).toMatchObject({ failureStreak: 0, lastRunStatus: 'success' });
    expect(next.id).not.toBe(third.id);
  });
});

describe('catch-up after downtime', () => {
  it('once: the latest missed slot fires once, the older ones are recorded missed (bounded, with a count)', async () => {
    at('2026-03-20T00:00:30.000Z');
    const cronId = await seedCron(h, { schedule: '*/5 * * * *', catchUp: 'once', targets: [{ workspaceId: team.ws.id, agentId: agent.id }] });
    // The scheduler was away for an hour and a bit.
    at('2026-03-20T01:07:00.000Z');
    const r = await pass(h);
    expect(r.fired).toMatchObject({ crons: 1, pending: 1, missed: MISSED_RECORD_LIMIT });
    const runs = await runsOf(h, cronId);
    const fired = runs.filter((x) => x.status !== 'missed');
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ slot: new Date('2026-03-20T01:05:00.000Z'), trigger: 'catch_up', status: 'running' });
    const missed = runs.filter((x) => x.status === 'missed');
    expect(missed.map((x) => x.slot.toISOString())).toEqual(['01:00', '00:55', '00:50', '00:45', '00:40'].reverse().map((m) => `2026-03-20T${m}:00.000Z`));
    expect(missed.every((x) => x.reason === CRON_RUN_REASONS.DOWNTIME)).toBe(true);
    expect(missed[0].output).toBe('12 slots missed between 2026-03-20T00:05:00.000Z and 2026-03-20T01:00:00.000Z while no scheduler ran (the latest 5 are listed)');
    expect((await cronRow(h, cronId)).nextDueAt?.toISOString()).toBe('2026-03-20T01:10:00.000Z');
    const acts = await h.database.db.query.activity.findMany({ where: (a, { and, eq, inArray }) => and(eq(a.action, 'cron_run.missed'), inArray(a.targetId, missed.map((x) => x.id))) });
    expect(acts).toHaveLength(MISSED_RECORD_LIMIT);
    // A restart at the same instant repeats nothing.
    expect((await pass(h)).fired.crons).toBe(0);
    expect(await runsOf(h, cronId)).toHaveLength(runs.length);
  });

  it('skip: every slot that passed while away is recorded missed and none fires', async () => {
    at('2026-03-21T00:00:30.000Z');
    const cronId = await seedCron(h, { schedule: '*/5 * * * *', catchUp: 'skip', targets: [{ workspaceId: team.ws.id, agentId: agent.id }] });
    at('2026-03-21T00:17:00.000Z');
    const r = await pass(h);
    expect(r.fired).toMatchObject({ crons: 1, pending: 0, missed: 3 });
    expect((await runsOf(h, cronId)).map((x) => x.status)).toEqual(['missed', 'missed', 'missed']);
    expect((await cronRow(h, cronId)).nextDueAt?.toISOString()).toBe('2026-03-21T00:20:00.000Z');
  });
});

describe('concurrency', () => {
  async function twoSlots(concurrency: 'skip' | 'queue_one' | 'allow', day: string) {
    at(`${day}T09:59:00.000Z`);
    const cronId = await seedCron(h, { schedule: '0 * * * *', concurrency, task: { title: 'Long', timeoutSeconds: 86400 }, targets: [{ workspaceId: team.ws.id, agentId: agent.id }] });
    at(`${day}T10:00:00.000Z`);
    await pass(h);
    at(`${day}T11:00:00.000Z`);
    await pass(h);
    at(`${day}T12:00:00.000Z`);
    await pass(h);
    return cronId;
  }

  it('skip: a slot whose previous run still goes is recorded skipped with the reason', async () => {
    const cronId = await twoSlots('skip', '2026-04-01');
    const runs = await runsOf(h, cronId);
    expect(runs.map((r) => [r.status, r.reason])).toEqual([
      ['running', null],
      ['skipped', CRON_RUN_REASONS.PREVIOUS_RUN_ACTIVE],
      ['skipped', CRON_RUN_REASONS.PREVIOUS_RUN_ACTIVE],
    ]);
    expect((await eventsOf([runs[1].id])).map((e) => e.type)).toEqual(['cron_run.finished']);
  });

  it('queue_one: one slot waits for the previous run and starts when it ends; more are skipped', async () => {
    const cronId = await twoSlots('queue_one', '2026-04-02');
    let runs = await runsOf(h, cronId);
    expect(runs.map((r) => [r.status, r.dueAt === null])).toEqual([
      ['running', true],
      ['pending', true],
      ['skipped', true],
    ]);
    await doTicket(agent, runs[0].ticketIds[0]);
    await drainEvents(h);
    expect((await pass(h)).started).toBe(1);
    runs = await runsOf(h, cronId);
    expect(runs.map((r) => r.status)).toEqual(['success', 'running', 'skipped']);
  });

  it('allow: every slot runs, overlapping', async () => {
    const cronId = await twoSlots('allow', '2026-04-03');
    expect((await runsOf(h, cronId)).map((r) => r.status)).toEqual(['running', 'running', 'running']);
  });
});

describe('targets that cannot run, budgets and cross-workspace attribution', () => {
  it('a cross-workspace cron runs each target in its own workspace; a hard-stopped one is skipped (BUDGET_EXCEEDED), not retried', async () => {
    const other = await createTeam(h);
    const otherAgent = await activeAgent(h, other.admin.key, other.ws.slug);
    // The other workspace's budget is used up under a hard stop.
    expectOk(await h.call('PUT', `/api/v1/workspaces/${other.ws.id}/budget`, { key: other.owner.key, body: { monthlyTokenLimit: 10, hardStop: true } }));
    at('2026-04-10T09:00:00.000Z');
    const ex = expectOk(await h.call('POST', '/api/v1/executions', { key: otherAgent.key, body: {} }), 201);
    expectOk(await h.call('PATCH', `/api/v1/executions/${ex.id}`, { key: otherAgent.key, body: { status: 'success', tokensIn: 50 } }));

    at('2026-04-10T09:59:00.000Z');
    const cronId = await seedCron(h, {
      schedule: '0 10 * * *',
      retry: { maxAttempts: 5, backoff: 'fixed', baseSeconds: 10 },
      targets: [
        { workspaceId: team.ws.id, agentId: agent.id },
        { workspaceId: other.ws.id, agentId: otherAgent.id },
      ],
    });
    at('2026-04-10T10:00:00.000Z');
    await pass(h);
    const runs = await runsOf(h, cronId);
    const mine = runs.find((r) => r.agentId === agent.id)!;
    const theirs = runs.find((r) => r.agentId === otherAgent.id)!;
    expect(mine).toMatchObject({ status: 'running', workspaceId: team.ws.id });
    expect(theirs).toMatchObject({ status: 'skipped', reason: CRON_RUN_REASONS.BUDGET_EXCEEDED, workspaceId: other.ws.id, ticketIds: [] });
    clock.advance(60_000);
    expect((await pass(h)).started).toBe(0); // not retried
    expect((await runsOf(h, cronId)).find((r) => r.id === theirs.id)?.status).toBe('skipped');
    // The run that went is charged to its own workspace: its execution (cronRunId) is in that workspace.
    const mx = expectOk(await h.call('POST', '/api/v1/executions', { key: agent.key, body: { cronRunId: mine.id } }), 201);
    expect(mx.workspaceId).toBe(team.ws.id);
    const finished = await eventsOf([theirs.id]);
    expect(finished.map((e) => [e.type, e.workspaceId, (e.data as any).run.reason])).toEqual([['cron_run.finished', other.ws.id, 'BUDGET_EXCEEDED']]);
    // The skipped workspace sees none of the runnable target's tickets.
    const theirTickets = await h.database.db.query.tickets.findMany({ where: (t, { eq }) => eq(t.workspaceId, other.ws.id) });
    expect(theirTickets.filter((t) => t.createdByKind === 'cron')).toEqual([]);
  });

  it('an inactive agent or an archived workspace is skipped with the reason; with no runnable target left the cron pauses and its admins are told', async () => {
    const t2 = await createTeam(h);
    const a2 = await activeAgent(h, t2.admin.key, t2.ws.slug);
    const a3 = await activeAgent(h, t2.admin.key, t2.ws.slug);
    at('2026-04-11T09:59:00.000Z');
    const cronId = await seedCron(h, {
      name: 'doomed',
      schedule: '0 * * * *',
      concurrency: 'allow',
      targets: [
        { workspaceId: t2.ws.id, agentId: a2.id },
        { workspaceId: t2.ws.id, agentId: a3.id },
      ],
    });
    expectOk(await h.call('POST', `/api/v1/agents/${a2.id}/deactivate`, { key: t2.admin.key }));
    at('2026-04-11T10:00:00.000Z');
    await pass(h);
    const first = await runsOf(h, cronId);
    expect(first.map((r) => [r.agentId === a2.id ? 'a2' : 'a3', r.status, r.reason]).sort()).toEqual([
      ['a2', 'skipped', CRON_RUN_REASONS.AGENT_INACTIVE],
      ['a3', 'running', null],
    ]);
    expect((await cronRow(h, cronId)).enabled).toBe(true);
    // Now the workspace is archived: no target can run; the cron pauses itself, and its admins are told.
    expectOk(await h.call('DELETE', `/api/v1/workspaces/${t2.ws.id}`, { key: t2.owner.key }));
    at('2026-04-11T11:00:00.000Z');
    await pass(h);
    const second = (await runsOf(h, cronId)).filter((r) => r.slot.toISOString() === '2026-04-11T11:00:00.000Z');
    expect(second.map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(await cronRow(h, cronId)).toMatchObject({ enabled: false, pausedReason: 'NO_RUNNABLE_TARGET', nextDueAt: null });
    const paused = (await eventsOf(second.map((r) => r.id))).filter((e) => (e.data as any).cronPaused);
    expect(paused).toHaveLength(1);
    const notesOf = await h.database.db.query.notifications.findMany({ where: (n, { eq }) => eq(n.type, 'cron_paused') });
    expect(notesOf.filter((n) => n.workspaceId === t2.ws.id).map((n) => n.recipientId).sort()).toEqual([t2.owner.id, t2.admin.id].sort());
    // Paused: later slots do not fire.
    at('2026-04-11T12:00:00.000Z');
    expect((await pass(h)).fired.crons).toBe(0);
  });
});

// The scheduler as the server runs it (CronScheduler, woken by LISTEN on the crons channel), with the crons REST API
// in front: "run now" makes pending runs and sends the crons signal; the sleeping scheduler wakes on it and starts
// them — no polling, no timer due for months. Real clock; the waits are bounded, nothing is timed.
import { CRONS_CHANNEL, CronScheduler, dispatchWebhookEvents, registerCronRunReactions } from '@mc/core';
import { until } from '@mc/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectOk } from './helpers';
import { claim, move } from './tickets.fixtures';

let h: Harness;
let team: Team;
let scheduler: CronScheduler;
let unlisten: () => Promise<void>;
let stopReactions: () => void;
const passes: { started: number }[] = [];

beforeAll(async () => {
  h = await createHarness();
  team = await createTeam(h);
  stopReactions = registerCronRunReactions({ dispatch: null });
  scheduler = new CronScheduler(h.ctxFor({ kind: 'system', name: 'runner' }), { dispatch: null, onPassDone: (r) => passes.push({ started: r.started }) });
  unlisten = await h.database.listen(CRONS_CHANNEL, () => scheduler.wake());
  scheduler.start();
});
afterAll(async () => {
  await scheduler?.stop();
  await unlisten?.();
  stopReactions?.();
  await h?.close();
});

it('run now wakes the sleeping scheduler, which starts the run; its ticket done ends it', { timeout: 120_000 }, async () => {
  const agent = await activeAgent(h, team.admin.key, team.ws.slug);
  const cron = expectOk(
    await h.call('POST', '/api/v1/crons', {
      key: team.owner.key,
      body: {
        name: 'Yearly',
        schedule: '0 0 1 1 *',
        timezone: 'UTC',
        targets: [{ workspaceId: team.ws.id, agentId: agent.id }],
        task: { title: 'Yearly review', instructions: 'Review the year', createTicket: true },
      },
    }),
    201,
  );
  await until('the first pass', 30_000, async () => passes.length > 0);
  const before = passes.length;
  const ran = expectOk(await h.call('POST', `/api/v1/crons/${cron.id}/run`, { key: team.owner.key }), 202);
  expect(ran.runs).toHaveLength(1);
  const runId = ran.runs[0].id;
  const running = await until('the run to start', 30_000, async () => {
    const r = await h.database.db.query.cronRuns.findFirst({ where: (x, { eq }) => eq(x.id, runId) });
    return r?.status === 'running' && r;
  });
  expect(passes.length).toBeGreaterThan(before);
  expect(running).toMatchObject({ trigger: 'manual', attempt: 1, workspaceId: team.ws.id });
  const ticketId = running.ticketIds[0];
  expectOk(await claim(h, agent.key, ticketId));
  expectOk(await move(h, agent.key, ticketId, 'pr_review'));
  expectOk(await move(h, agent.key, ticketId, 'done'));
  // The outcome reaction runs with the outbox's dispatch (the webhook runner in the server).
  await until('the run to succeed', 30_000, async () => {
    await dispatchWebhookEvents(h.ctxFor({ kind: 'system', name: 'test' }));
    const r = await h.database.db.query.cronRuns.findFirst({ where: (x, { eq }) => eq(x.id, runId) });
    return r?.status === 'success';
  });
  const runs = expectOk(await h.call('GET', `/api/v1/crons/${cron.id}/runs`, { key: team.member.key }));
  expect(runs[0]).toMatchObject({ id: runId, status: 'success', chargedWorkspaceId: team.ws.id });
});

// Budgets that stop, on a manual clock: monthly usage charged by execution reports (deltas of cumulative figures),
// 80% and 100% announced once per month to the workspace's admins, the hard stop (402 on new work, continue:false to
// running work), lifting it by raising the limit (audited), month rollover, the cost limit, and concurrent reporters
// near the limit (the usage row is the exact sum; once blocked every later answer says stop).
import { assertBudgetOpen, chargeUsage, DomainError, ManualClock } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { expectError, expectOk } from './helpers';
import { activityOf, claim, createTicket, type Agent } from './tickets.fixtures';

let h: Harness;
const clock = new ManualClock(new Date('2026-03-10T12:00:00.000Z'));

beforeAll(async () => {
  h = await createHarness({ clock });
});
afterAll(async () => {
  await h?.close();
});

type Execution = Record<string, any>;

async function setup(budget: { monthlyTokenLimit: number | null; monthlyCostLimitUsd?: number | null; hardStop: boolean }) {
  const team = await createTeam(h);
  const agent = await activeAgent(h, team.admin.key, team.ws.slug);
  expectOk(await h.call('PUT', `/api/v1/workspaces/${team.ws.id}/budget`, { key: team.owner.key, body: budget }));
  return { team, agent };
}
const start = (agent: Agent, body: Record<string, unknown> = {}) => h.call('POST', '/api/v1/executions', { key: agent.key, body });
async function started(agent: Agent, body: Record<string, unknown> = {}): Promise<Execution> {
  return expectOk(await start(agent, body), 201);
}
async function reported(agent: Agent, id: string, body: Record<string, unknown>): Promise<Execution> {
  return expectOk(await h.call('PATCH', `/api/v1/executions/${id}`, { key: agent.key, body }));
}
const budgetOf = async (team: Team, key = team.viewer.key) => expectOk(await h.call('GET', `/api/v1/workspaces/${team.ws.id}/budget`, { key }));
async function notes(key: string, type?: string) {
  const all = expectOk(await h.call('GET', '/api/v1/notifications?limit=200', { key })) as { type: string; content: string; context: any }[];
  return type ? all.filter((n) => n.type === type) : all;
}
const usageRows = (workspaceId: string) => h.database.db.query.workspaceUsage.findMany({ where: (u, { eq }) => eq(u.workspaceId, workspaceId) });

describe('thresholds', () => {
  it('80% notifies the workspace admins once, 100% once more; without hard stop work goes on', async () => {
    const { team, agent } = await setup({ monthlyTokenLimit: 1000, hardStop: false });
    const e = await started(agent);
    expect((await reported(agent, e.id, { tokensIn: 500, tokensOut: 299 })).continue).toBe(true);
    expect(await notes(team.owner.key, 'budget_warning')).toEqual([]);
    expect(await reported(agent, e.id, { tokensOut: 300 })).toMatchObject({ continue: true }); // 800 = 80%
    const warning = await notes(team.owner.key, 'budget_warning');
    expect(warning).toHaveLength(1);
    expect(warning[0].content).toContain('800 of 1000 tokens');
    expect(warning[0].context.workspaceId).toBe(team.ws.id);
    expect(await notes(team.admin.key, 'budget_warning')).toHaveLength(1);
    expect(await notes(team.member.key)).toEqual([]);
    expect(await notes(team.viewer.key)).toEqual([]);

    // Not twice: more usage in the 80s, and a second execution.
    await reported(agent, e.id, { tokensOut: 350 });
    const e2 = await started(agent);
    await reported(agent, e2.id, { tokensIn: 50 });
    expect(await notes(team.owner.key, 'budget_warning')).toHaveLength(1);
    let b = await budgetOf(team);
    expect(b).toMatchObject({ month: '2026-03', used: { tokens: 900, costUsd: 0 }, percent: { tokens: 90, cost: null }, level: { tokens: 'warning', cost: 'none' }, thresholds: [80, 100], blocked: false, exceededAt: { tokens: null } });
    expect(b.warnedAt.tokens).toBe(clock.now().toISOString());

    // 100%: exceeded, once; with hardStop off nothing is refused.
    expect((await reported(agent, e2.id, { tokensIn: 150, status: 'success' })).continue).toBe(true);
    expect(await notes(team.owner.key, 'budget_exceeded')).toHaveLength(1);
    await started(agent);
    b = await budgetOf(team);
    expect(b).toMatchObject({ used: { tokens: 1000 }, percent: { tokens: 100 }, level: { tokens: 'exceeded' }, blocked: false });
    expect(b.exceededAt.tokens).not.toBeNull();
    expect(await notes(team.owner.key, 'budget_exceeded')).toHaveLength(1);

    // Outbox events and the activity log, one per threshold.
    const outbox = await h.database.db.query.events.findMany({ where: (x, { and, eq }) => and(eq(x.workspaceId, team.ws.id), eq(x.type, 'budget.threshold_reached')) });
    expect(outbox.map((x) => x.data).sort((p: any, q: any) => p.threshold - q.threshold)).toEqual([
      { limit: 'tokens', threshold: 80, used: 800, limitValue: 1000, month: '2026-03', hardStop: false, blocked: false },
      { limit: 'tokens', threshold: 100, used: 1000, limitValue: 1000, month: '2026-03', hardStop: false, blocked: false },
    ]);
    expect((await activityOf(h, { workspaceId: team.ws.id, action: 'budget.threshold_reached' })).map((x: any) => x.status).sort()).toEqual(['exceeded', 'warning']);
  });

  it('a jump past both thresholds announces only "exceeded"', async () => {
    const { team, agent } = await setup({ monthlyTokenLimit: 100, hardStop: false });
    const e = await started(agent);
    await reported(agent, e.id, { tokensIn: 500 });
    expect(await notes(team.owner.key, 'budget_warning')).toEqual([]);
    expect(await notes(team.owner.key, 'budget_exceeded')).toHaveLength(1);
    expect(await budgetOf(team)).toMatchObject({ percent: { tokens: 500 } });
  });
});

describe('hard stop', () => {
  it('at 100%: running executions are told to stop, new ones and claims get 402, until an admin raises the limit (audited)', async () => {
    const { team, agent } = await setup({ monthlyTokenLimit: 1000, hardStop: true });
    const other = await activeAgent(h, team.admin.key, team.ws.slug);
    const e1 = await started(agent);
    const e2 = await started(other);
    const ticket = await createTicket(h, team.member.key, team.ws.id);

    const stopped = await reported(agent, e1.id, { tokensIn: 600, tokensOut: 400 });
    expect(stopped).toMatchObject({ continue: false, stopRequestedAt: clock.now().toISOString() });
    // Every running execution learns it at its next report, whatever it reports.
    expect(await reported(other, e2.id, { summary: 'still working' })).toMatchObject({ continue: false });
    clock.advance(1000);
    const again = await reported(agent, e1.id, { tokensIn: 601 });
    expect(again.continue).toBe(false);
    expect(again.stopRequestedAt).toBe(stopped.stopRequestedAt); // the first request is what is kept

    const refused = expectError(await start(agent), 402, 'BUDGET_EXCEEDED');
    expect(refused.details).toMatchObject({ month: '2026-03', limit: 'tokens', used: 1001, limitValue: 1000, resetsAt: '2026-04-01T00:00:00.000Z' });
    expectError(await claim(h, agent.key, ticket.id), 402, 'BUDGET_EXCEEDED');
    await expect(assertBudgetOpen(h.ctxFor({ kind: 'system', name: 'dispatcher' }), team.ws.id)).rejects.toSatisfy(
      (err: unknown) => err instanceof DomainError && err.code === 'BUDGET_EXCEEDED' && (err.details as any).month === '2026-03' && (err.details as any).limit === 'tokens',
    );
    expect(await budgetOf(team, agent.key)).toMatchObject({ blocked: true, percent: { tokens: 100.1 }, resetsAt: '2026-04-01T00:00:00.000Z' });

    // Finishing a stopped run is still accepted (its usage counts), and says continue:false.
    expect(await reported(agent, e1.id, { status: 'blocked', tokensIn: 610 })).toMatchObject({ status: 'blocked', continue: false });

    // An admin raises the limit: unblocked at once, and the audit says so.
    expectOk(await h.call('PUT', `/api/v1/workspaces/${team.ws.id}/budget`, { key: team.admin.key, body: { monthlyTokenLimit: 5000, hardStop: true } }));
    expect(await budgetOf(team)).toMatchObject({ blocked: false, percent: { tokens: 20.2 }, level: { tokens: 'ok' }, warnedAt: { tokens: null }, exceededAt: { tokens: null } });
    expect(await reported(other, e2.id, { tokensIn: 10 })).toMatchObject({ continue: true });
    expect(await started(agent)).toMatchObject({ continue: true });
    expect(expectOk(await claim(h, agent.key, ticket.id)).claimedBy).toBe(agent.id);
    const audit = await activityOf(h, { workspaceId: team.ws.id, action: 'workspace.budget_changed' });
    const raise = audit.find((x) => x.actor.id === team.admin.id)!;
    expect(raise.metadata).toMatchObject({ after: { monthlyTokenLimit: 5000 }, blocked: { before: true, after: false } });
    expect(raise.summary).toContain('work may resume');

    // The raised limit's thresholds are announced afresh: 80% of 5000 (1020 used so far).
    const e3 = await started(agent);
    const warningsBefore = (await notes(team.owner.key, 'budget_warning')).length;
    await reported(agent, e3.id, { tokensIn: 3000 });
    expect(await notes(team.owner.key, 'budget_warning')).toHaveLength(warningsBefore + 1);
  });

  it('lowering a limit below what was used blocks at once and tells the other admins; turning hard stop off unblocks', async () => {
    const { team, agent } = await setup({ monthlyTokenLimit: null, hardStop: true });
    const e = await started(agent);
    await reported(agent, e.id, { tokensIn: 300 });
    expectOk(await h.call('PUT', `/api/v1/workspaces/${team.ws.id}/budget`, { key: team.admin.key, body: { monthlyTokenLimit: 200, hardStop: true } }));
    expect(await budgetOf(team)).toMatchObject({ blocked: true });
    expect(await notes(team.owner.key, 'budget_exceeded')).toHaveLength(1);
    expect(await notes(team.admin.key, 'budget_exceeded')).toEqual([]); // the actor is not notified of their own change
    expect((await reported(agent, e.id, { tokensIn: 300 })).continue).toBe(false);
    expectError(await start(agent), 402, 'BUDGET_EXCEEDED');

    expectOk(await h.call('PUT', `/api/v1/workspaces/${team.ws.id}/budget`, { key: team.admin.key, body: { monthlyTokenLimit: 200, hardStop: false } }));
    expect(await budgetOf(team)).toMatchObject({ blocked: false, limits: { hardStop: false } });
    expect((await reported(agent, e.id, { tokensIn: 301 })).continue).toBe(true);
  });

  it('the cost limit stops too (computed cost, exact to the micro-dollar)', async () => {
    const { team, agent } = await setup({ monthlyTokenLimit: null, monthlyCostLimitUsd: 0.01, hardStop: true });
    const e = await started(agent, { model: 'gpt-4o' });
    // 1000 in + 500 out of gpt-4o = $0.0075 (75%).
    expect(await reported(agent, e.id, { tokensIn: 1000, tokensOut: 500 })).toMatchObject({ costUsd: 0.0075, continue: true });
    expect(await budgetOf(team)).toMatchObject({ used: { costUsd: 0.0075 }, percent: { tokens: null, cost: 75 }, blocked: false });
    expect(await reported(agent, e.id, { tokensIn: 1400 })).toMatchObject({ costUsd: 0.0085, continue: true }); // 85%
    expect(await notes(team.owner.key, 'budget_warning')).toHaveLength(1);
    expect(await reported(agent, e.id, { tokensIn: 2000 })).toMatchObject({ costUsd: 0.01, continue: false });
    expect(expectError(await start(agent), 402, 'BUDGET_EXCEEDED').details).toMatchObject({ limit: 'cost', used: 0.01, limitValue: 0.01 });
    expect((await notes(team.owner.key, 'budget_exceeded'))[0].content).toContain('$0.01 of $0.01');
  });

  it('a report that lowers the cost does not lift the hard stop: only an admin or a new month does', async () => {
    const { team, agent } = await setup({ monthlyTokenLimit: null, monthlyCostLimitUsd: 1, hardStop: true });
    const e = await started(agent, { model: 'gpt-4o' });
    // 500,000 in of gpt-4o = $1.25: past the $1 limit.
    expect(await reported(agent, e.id, { tokensIn: 500_000 })).toMatchObject({ costUsd: 1.25, continue: false });
    // A reported cost may be lower than the computed one; it lowers the usage, not the block.
    expect(await reported(agent, e.id, { costUsd: 0 })).toMatchObject({ costUsd: 0, costSource: 'reported', continue: false });
    expect(await budgetOf(team)).toMatchObject({ used: { costUsd: 0 }, blocked: true });
    expectError(await start(agent), 402, 'BUDGET_EXCEEDED');
    // An admin's budget change recomputes it: now under the limit, the block lifts.
    expectOk(await h.call('PUT', `/api/v1/workspaces/${team.ws.id}/budget`, { key: team.admin.key, body: { monthlyTokenLimit: null, monthlyCostLimitUsd: 1, hardStop: true } }));
    expect(await budgetOf(team)).toMatchObject({ blocked: false });
    expect(await started(agent)).toMatchObject({ continue: true });
  });

  it('a new month is a new budget: no block, usage from zero; the old month stays on record', async () => {
    const { team, agent } = await setup({ monthlyTokenLimit: 100, hardStop: true });
    const e = await started(agent);
    await reported(agent, e.id, { tokensIn: 100 });
    expectError(await start(agent), 402, 'BUDGET_EXCEEDED');

    clock.set(new Date('2026-03-31T23:59:59.999Z'));
    expectError(await start(agent), 402, 'BUDGET_EXCEEDED');
    clock.set(new Date('2026-04-01T00:00:00.000Z'));
    expect(await budgetOf(team)).toMatchObject({ month: '2026-04', used: { tokens: 0, costUsd: 0 }, percent: { tokens: 0 }, blocked: false, warnedAt: { tokens: null }, exceededAt: { tokens: null }, resetsAt: '2026-05-01T00:00:00.000Z' });
    // The run that was stopped last month reports on: its new tokens count for April.
    expect(await reported(agent, e.id, { tokensIn: 130 })).toMatchObject({ continue: true });
    const e2 = await started(agent);
    expect(await reported(agent, e2.id, { tokensIn: 69 })).toMatchObject({ continue: true });
    expect(await budgetOf(team)).toMatchObject({ used: { tokens: 99 } });
    const rows = await usageRows(team.ws.id);
    expect(rows.map((r) => [r.month, r.tokens, r.blocked]).sort()).toEqual([
      ['2026-03-01', 100, true],
      ['2026-04-01', 99, false],
    ]);
    clock.set(new Date('2026-03-10T12:00:00.000Z'));
  });
  it('a cost lowered after the month rolled over is not credited to the new month: usage never goes below zero', async () => {
    const { team, agent } = await setup({ monthlyTokenLimit: null, monthlyCostLimitUsd: 10, hardStop: true });
    clock.set(new Date('2026-03-20T12:00:00.000Z'));
    // Charged in March: 1,000,000 in of gpt-4o = $2.50.
    const march = await started(agent, { model: 'gpt-4o' });
    await reported(agent, march.id, { tokensIn: 1_000_000 });
    // Started in March but first charged in April: its charges are all April's.
    const late = await started(agent, { model: 'gpt-4o' });

    clock.set(new Date('2026-04-02T00:00:00.000Z'));
    // The March run lowers its cost in April: March's usage keeps it, April's is not credited (was: -$2.50).
    expect(await reported(agent, march.id, { costUsd: 0.5 })).toMatchObject({ costUsd: 0.5, continue: true });
    expect(await budgetOf(team)).toMatchObject({ month: '2026-04', used: { tokens: 0, costUsd: 0 }, percent: { cost: 0 } });
    // A run charged and lowered within April is credited as before.
    const april = await started(agent, { model: 'gpt-4o' });
    await reported(agent, april.id, { tokensIn: 2_000_000 }); // $5
    await reported(agent, april.id, { costUsd: 1 });
    await reported(agent, late.id, { tokensIn: 400_000 }); // $1
    await reported(agent, late.id, { costUsd: 0.25 });
    expect(await budgetOf(team)).toMatchObject({ used: { tokens: 2_400_000, costUsd: 1.25 } });
    const rows = await usageRows(team.ws.id);
    expect(rows.map((r) => [r.month, r.tokens, r.costUsd]).sort()).toEqual([
      ['2026-03-01', 1_000_000, '2.500000'],
      ['2026-04-01', 2_400_000, '1.250000'],
    ]);
    // The April headroom is real: $8.75 more stops, not $11.25.
    await reported(agent, april.id, { costUsd: 9.75 });
    expect(await budgetOf(team)).toMatchObject({ used: { costUsd: 10 }, blocked: true });
    // And the month row itself never goes below zero, whatever delta it is given.
    const ctx = h.ctxFor({ kind: 'system', name: 'test' });
    expect((await chargeUsage(ctx, team.ws.id, '2026-04-01', { tokens: -5_000_000, costMicros: -50_000_000n })).usage).toMatchObject({ tokens: 0, costUsd: '0.000000' });
    expect((await chargeUsage(ctx, team.ws.id, '2026-05-01', { tokens: -1, costMicros: -1n })).usage).toMatchObject({ tokens: 0, costUsd: '0.000000' });
    clock.set(new Date('2026-03-10T12:00:00.000Z'));
  });
});

describe('concurrent reporters', () => {
  it('20 parallel reports near the limit: the month row is the exact sum, each threshold announced once, and after the block every answer says stop', async () => {
    // 20 × 600 tokens against 10,000: the 17th report to commit crosses the limit.
    const { team, agent } = await setup({ monthlyTokenLimit: 10_000, monthlyCostLimitUsd: 1000, hardStop: true });
    const runs = await Promise.all(Array.from({ length: 20 }, () => started(agent, { model: 'gpt-4o-mini' })));
    // gpt-4o-mini: 333 × 0.15 + 267 × 0.60 = 210.15 micro-dollars → 0.000210 each (rounded once per execution).
    const answers = await Promise.all(runs.map((e) => reported(agent, e.id, { tokensIn: 333, tokensOut: 267 })));
    expect(answers.every((x) => x.costUsd === 0.00021)).toBe(true);
    expect(answers.filter((x) => !x.continue)).toHaveLength(4);

    const [row] = await usageRows(team.ws.id);
    expect(row.tokens).toBe(12_000);
    expect(row.costUsd).toBe((20 * 0.00021).toFixed(6));
    expect(row.blocked).toBe(true);
    const fromExecutions = answers.reduce((s, x) => s + x.tokensIn + x.tokensOut, 0);
    expect(row.tokens).toBe(fromExecutions);

    expect(await notes(team.owner.key, 'budget_warning')).toHaveLength(1);
    expect(await notes(team.owner.key, 'budget_exceeded')).toHaveLength(1);

    // Once blocked, every later answer (another round in parallel) says stop, and nothing new starts.
    const later = await Promise.all(runs.map((e) => reported(agent, e.id, { tokensIn: 334 })));
    expect(later.every((x) => x.continue === false && x.stopRequestedAt !== null)).toBe(true);
    expect((await Promise.all(Array.from({ length: 5 }, () => start(agent)))).map((r) => r.status)).toEqual([402, 402, 402, 402, 402]);
    expect((await usageRows(team.ws.id))[0].tokens).toBe(12_020);
  });
});

describe('GET /workspaces/{id}/budget', () => {
  it('members (viewers too) and the workspace agents read it; others get 404', async () => {
    const { team, agent } = await setup({ monthlyTokenLimit: 1000, monthlyCostLimitUsd: 12.5, hardStop: true });
    const b = await budgetOf(team);
    expect(b).toEqual({
      workspaceId: team.ws.id,
      month: '2026-03',
      limits: { monthlyTokenLimit: 1000, monthlyCostLimitUsd: 12.5, hardStop: true },
      used: { tokens: 0, costUsd: 0 },
      percent: { tokens: 0, cost: 0 },
      level: { tokens: 'ok', cost: 'ok' },
      thresholds: [80, 100],
      warnedAt: { tokens: null, cost: null },
      exceededAt: { tokens: null, cost: null },
      blocked: false,
      resetsAt: '2026-04-01T00:00:00.000Z',
    });
    expect(await budgetOf(team, agent.key)).toEqual(b);
    expect(await budgetOf(team, h.admin.key)).toEqual(b);
    expect((await h.call('GET', `/api/v1/workspaces/${team.ws.slug}/budget`, { key: team.member.key })).status).toBe(200);
    const other = await setup({ monthlyTokenLimit: null, hardStop: false });
    expectError(await h.call('GET', `/api/v1/workspaces/${team.ws.id}/budget`, { key: other.team.owner.key }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', `/api/v1/workspaces/${team.ws.id}/budget`, { key: other.agent.key }), 404, 'NOT_FOUND');
    expect(await budgetOf(other.team)).toMatchObject({ percent: { tokens: null, cost: null }, level: { tokens: 'none', cost: 'none' }, blocked: false });
  });
});

// Executions end to end on a manual clock: the lifecycle (start → progress → finish, server-set times), cumulative
// reports, who may report and read, idempotent starts, cost (reported, computed from versioned prices, unpriced),
// the daily rollup against sums computed here from the API's own answers, and the list's filters, search and paging.
import { abandonStaleExecutions, EXECUTION_ABANDON_AFTER_MS_DEFAULT, ManualClock } from '@mc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team } from './agents.fixtures';
import { createHarness, uniq, type Harness } from './harness';
import { expectError, expectOk, issueFields } from './helpers';
import { activityOf, createTicket, type Agent } from './tickets.fixtures';

let h: Harness;
let team: Team;
let other: Team;
let a: Agent;
let b: Agent;
let otherAgent: Agent;
const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));

type Execution = Record<string, any>;

const start = (agent: Agent, body: Record<string, unknown> = {}, headers?: Record<string, string>) =>
  h.call('POST', '/api/v1/executions', { key: agent.key, body, headers });
const report = (key: string, id: string, body: Record<string, unknown>) => h.call('PATCH', `/api/v1/executions/${id}`, { key, body });
async function started(agent: Agent, body: Record<string, unknown> = {}): Promise<Execution> {
  return expectOk(await start(agent, body), 201);
}
async function reported(agent: Agent, id: string, body: Record<string, unknown>): Promise<Execution> {
  return expectOk(await report(agent.key, id, body));
}
const list = async (key: string, query: string) => {
  const r = await h.call('GET', `/api/v1/executions${query}`, { key });
  return { items: expectOk(r) as Execution[], meta: r.body.meta };
};

beforeAll(async () => {
  h = await createHarness({ clock });
  [team, other] = await Promise.all([createTeam(h), createTeam(h)]);
  [a, b, otherAgent] = await Promise.all([
    activeAgent(h, team.admin.key, team.ws.slug),
    activeAgent(h, team.admin.key, team.ws.slug),
    activeAgent(h, other.admin.key, other.ws.slug),
  ]);
});
afterAll(async () => {
  await h?.close();
});

describe('lifecycle', () => {
  it('start → progress → finish: the server sets start, end and duration; activity and outbox record start and end', async () => {
    const t = await createTicket(h, team.member.key, team.ws.id, { title: 'run me' });
    const e = await started(a, { ticketId: t.id });
    expect(e).toMatchObject({
      agentId: a.id,
      agentName: a.name,
      workspaceId: team.ws.id,
      ticketId: t.id,
      status: 'running',
      startTime: clock.now().toISOString(),
      endTime: null,
      durationMs: null,
      tokensIn: 0,
      tokensOut: 0,
      apiCalls: 0,
      model: null,
      costUsd: null,
      costSource: null,
      decisions: [],
      continue: true,
    });
    expect(e.id).toMatch(/^exe_/);

    clock.advance(1000);
    const d1 = { input: 'the ticket', reasoning: 'start with tests', output: 'wrote a failing test' };
    const p = await reported(a, e.id, { tokensIn: 100, tokensOut: 40, apiCalls: 2, decisions: [d1], summary: 'halfway' });
    expect(p).toMatchObject({ status: 'running', endTime: null, tokensIn: 100, tokensOut: 40, apiCalls: 2, summary: 'halfway', continue: true });
    expect(p.decisions).toEqual([{ ...d1, at: clock.now().toISOString() }]);
    const firstAt = clock.now().toISOString();

    clock.advance(1500);
    const d2 = { input: 'test fails', reasoning: 'fix the bug', output: 'green' };
    const f = await reported(a, e.id, { status: 'success', tokensIn: 250, tokensOut: 90, apiCalls: 5, decisions: [d1, d2] });
    expect(f).toMatchObject({ status: 'success', endTime: clock.now().toISOString(), durationMs: 2500, tokensIn: 250, tokensOut: 90, apiCalls: 5, continue: true });
    expect(f.decisions.map((d: any) => d.at)).toEqual([firstAt, clock.now().toISOString()]);
    expect(f.version).toBe(e.version + 2);

    // Read back by a viewer and by another agent of the workspace (GET answers carry no `continue`).
    const got = expectOk(await h.call('GET', `/api/v1/executions/${e.id}`, { key: team.viewer.key }));
    const { continue: _, ...finished } = f;
    expect(got).toEqual(finished);
    expect(expectOk(await h.call('GET', `/api/v1/executions/${e.id}`, { key: b.key })).id).toBe(e.id);

    const log = await activityOf(h, { targetId: e.id });
    expect(log.map((x) => [x.action, (x as any).status ?? null]).sort()).toEqual([
      ['execution.finished', 'success'],
      ['execution.started', 'running'],
    ]);
    const filtered = await activityOf(h, { workspaceId: team.ws.id, action: 'execution.*', status: 'success' });
    expect(filtered.map((x) => x.target.id)).toContain(e.id);
    const outbox = await h.database.db.query.events.findMany({ where: (x, { eq }) => eq(x.workspaceId, team.ws.id) });
    const mine = outbox.filter((x) => (x.data as any).execution?.id === e.id);
    expect(mine.map((x) => x.type).sort()).toEqual(['execution.finished', 'execution.started']);
    expect(mine.find((x) => x.type === 'execution.finished')!.data).toMatchObject({ execution: { status: 'success', durationMs: 2500, tokensIn: 250, tokensOut: 90 } });
  });

  it('usage is cumulative: a lower figure is 400 naming the field; decisions cannot shrink; the model is fixed once known', async () => {
    const e = await started(a, { model: 'gpt-4o' });
    await reported(a, e.id, { tokensIn: 100, tokensOut: 50, apiCalls: 3, decisions: [{ input: 'a', reasoning: 'b', output: 'c' }] });
    const r = await report(a.key, e.id, { tokensIn: 99, tokensOut: 10, apiCalls: 3 });
    expectError(r, 400, 'VALIDATION_ERROR');
    expect(issueFields(r)).toEqual(['tokensIn', 'tokensOut']);
    expect(issueFields(await report(a.key, e.id, { apiCalls: 1 }))).toEqual(['apiCalls']);
    expect(issueFields(await report(a.key, e.id, { decisions: [] }))).toEqual(['decisions']);
    expect(issueFields(await report(a.key, e.id, { model: 'claude-sonnet-4' }))).toEqual(['model']);
    // Same totals again are fine (a retried report), and nothing moved.
    const again = await reported(a, e.id, { tokensIn: 100, tokensOut: 50, model: 'GPT-4o' });
    expect(again).toMatchObject({ tokensIn: 100, tokensOut: 50, apiCalls: 3, model: 'gpt-4o' });
    // Bodies are bounded and strict.
    expect(issueFields(await report(a.key, e.id, { tokensIn: -1 }))).toEqual(['tokensIn']);
    expect(issueFields(await report(a.key, e.id, { tokensIn: 1.5 }))).toEqual(['tokensIn']);
    expect(issueFields(await report(a.key, e.id, { status: 'done' }))).toEqual(['status']);
    expect(issueFields(await report(a.key, e.id, { endTime: '2026-01-01T00:00:00Z' }))).toEqual(['endTime']);
    expect(issueFields(await report(a.key, e.id, { decisions: Array.from({ length: 201 }, () => ({ input: '', reasoning: '', output: '' })) }))).toEqual(['decisions']);
    expect(issueFields(await report(a.key, e.id, { decisions: [{ input: 'x'.repeat(4001), reasoning: '', output: '' }] }))).toEqual(['decisions.0.input']);
    expect(issueFields(await report(a.key, e.id, { model: 'bad model!' }))).toEqual(['model']);
  });

  it('a finished execution takes no more reports (409)', async () => {
    const e = await started(a);
    await reported(a, e.id, { status: 'failed', tokensIn: 5 });
    const r = expectError(await report(a.key, e.id, { tokensIn: 6 }), 409, 'CONFLICT');
    expect(r.details).toMatchObject({ status: 'failed' });
    expectError(await report(a.key, e.id, { status: 'success' }), 409, 'CONFLICT');
  });

  it('only its agent reports; other workspaces see 404; people cannot start or report', async () => {
    const e = await started(a);
    expectError(await report(b.key, e.id, { tokensIn: 1 }), 403, 'FORBIDDEN');
    expectError(await report(otherAgent.key, e.id, { tokensIn: 1 }), 404, 'NOT_FOUND');
    expectError(await report(otherAgent.key, 'exe_00000000000000000000000000', { tokensIn: 1 }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', `/api/v1/executions/${e.id}`, { key: otherAgent.key }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', `/api/v1/executions/${e.id}`, { key: other.owner.key }), 404, 'NOT_FOUND');
    expectError(await h.call('POST', '/api/v1/executions', { key: team.owner.key, body: {} }), 403, 'FORBIDDEN');
    expectError(await h.call('POST', '/api/v1/executions', { key: h.admin.key, body: {} }), 403, 'FORBIDDEN');
    expectError(await report(team.owner.key, e.id, { tokensIn: 1 }), 403, 'FORBIDDEN');
    // Nothing changed.
    expect(expectOk(await h.call('GET', `/api/v1/executions/${e.id}`, { key: h.admin.key })).tokensIn).toBe(0);
  });

  it("a ticket must be one of the agent's workspace, a cron run one of the agent's", async () => {
    const foreign = await createTicket(h, other.member.key, other.ws.id);
    expectError(await start(a, { ticketId: foreign.id }), 404, 'NOT_FOUND');
    expectError(await start(a, { ticketId: 'tkt_00000000000000000000000000' }), 404, 'NOT_FOUND');
    // A cron run must exist and target this agent (crons.int.test.ts starts executions of real runs).
    expectError(await start(a, { cronRunId: 'crr_1' }), 404, 'NOT_FOUND');
    const e = await started(a, { workflowStepId: 'wfs_1' });
    expect(e).toMatchObject({ cronRunId: null, workflowStepId: 'wfs_1', ticketId: null });
  });

  it('a start with an Idempotency-Key is made once; the retry answers the same execution', async () => {
    const key = uniq('idem');
    const first = await start(a, { model: 'o3' }, { 'idempotency-key': key });
    const second = await start(a, { model: 'o3' }, { 'idempotency-key': key });
    expect(expectOk(first, 201).id).toBe(expectOk(second, 201).id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const rows = await h.database.db.query.executions.findMany({ columns: { id: true }, where: (x, { eq }) => eq(x.agentId, a.id) });
    expect(rows.filter((r) => r.id === first.body.data.id)).toHaveLength(1);
    const before = rows.length;
    await start(a, { model: 'o3' }, { 'idempotency-key': key });
    expect(await h.database.db.query.executions.findMany({ columns: { id: true }, where: (x, { eq }) => eq(x.agentId, a.id) })).toHaveLength(before);
    // Another agent with the same key gets its own execution.
    expect(expectOk(await start(b, { model: 'o3' }, { 'idempotency-key': key }), 201).id).not.toBe(first.body.data.id);
  });
});

describe('cost', () => {
  it('a reported cost wins (6 decimals) and stays; otherwise computed from the price; unknown models are unpriced', async () => {
    const r = await started(a, { model: 'gpt-4o' });
    const rep = await reported(a, r.id, { tokensIn: 1000, tokensOut: 500, costUsd: 0.1234567 });
    expect(rep).toMatchObject({ costUsd: 0.123457, costSource: 'reported' });
    expect((await reported(a, r.id, { tokensIn: 2000 })).costUsd).toBe(0.123457);
    expect(issueFields(await report(a.key, r.id, { costUsd: 0.1 }))).toEqual(['costUsd']);

    // gpt-4o: $2.50 in, $10 out per million: 1000 in + 500 out = 0.0025 + 0.005.
    const c = await started(a, { model: 'gpt-4o-2024-08-06' });
    expect(c).toMatchObject({ costUsd: 0, costSource: 'computed', priceId: 'prc_seed_gpt_4o' });
    expect(await reported(a, c.id, { tokensIn: 1000, tokensOut: 500 })).toMatchObject({ costUsd: 0.0075, costSource: 'computed', priceId: 'prc_seed_gpt_4o' });
    // The longest priced name wins: gpt-4o-mini ($0.15 / $0.60), not gpt-4o.
    const m = await started(a, { model: 'gpt-4o-mini-x' });
    expect(await reported(a, m.id, { tokensIn: 1_000_000, tokensOut: 1_000_000 })).toMatchObject({ costUsd: 0.75, priceId: 'prc_seed_gpt_4o_mini' });

    const u = await started(a, { model: 'my-local-llm' });
    expect(await reported(a, u.id, { tokensIn: 10, tokensOut: 10 })).toMatchObject({ costUsd: null, costSource: 'unpriced', priceId: null });
    const none = await started(a);
    expect(await reported(a, none.id, { tokensIn: 10 })).toMatchObject({ costUsd: null, costSource: null });
    // The model may come with a later report; the price is still the one in force at the start.
    expect(await reported(a, none.id, { tokensIn: 1_000_000, model: 'claude-sonnet-4-20250514' })).toMatchObject({ costUsd: 3, costSource: 'computed', priceId: 'prc_seed_claude_sonnet_4' });
  });

  it('a computed cost above the $1,000,000 an execution may cost is 400 naming the tokens (was a numeric overflow, 500)', async () => {
    const model = uniq('pricey').toLowerCase();
    expectOk(await h.call('POST', '/api/v1/model-prices', { key: h.admin.key, body: { model, inputUsdPerMTok: 1_000_000, outputUsdPerMTok: 1_000_000 } }), 201);
    const e = await started(a, { model });
    const huge = await report(a.key, e.id, { tokensIn: 1_000_000_000_000 });
    expectError(huge, 400, 'VALIDATION_ERROR');
    expect(issueFields(huge)).toEqual(['tokensIn', 'tokensOut']);
    expect(huge.body.error.message).toContain('1000000');
    expect(issueFields(await report(a.key, e.id, { tokensIn: 600_000, tokensOut: 400_001 }))).toEqual(['tokensIn', 'tokensOut']);
    // Exactly the bound is fine, and nothing of the refused reports was kept.
    expect(await reported(a, e.id, { tokensIn: 600_000, tokensOut: 400_000 })).toMatchObject({ costUsd: 1_000_000, costSource: 'computed' });
    // A reported cost is bounded by the body schema; it wins over the computed one, which is then not checked.
    expect(issueFields(await report(a.key, e.id, { costUsd: 1_000_001 }))).toEqual(['costUsd']);
    expect(await reported(a, e.id, { tokensIn: 5_000_000, costUsd: 1_000_000 })).toMatchObject({ costUsd: 1_000_000, costSource: 'reported' });
  });

  it('price versions: a new price changes only executions started after it takes effect', async () => {
    const model = uniq('acme-model').toLowerCase();
    const create = (body: Record<string, unknown>, key = h.admin.key) => h.call('POST', '/api/v1/model-prices', { key, body: { model, ...body } });
    const v1 = expectOk(await create({ inputUsdPerMTok: 1, outputUsdPerMTok: 2, effectiveFrom: '2026-01-01T00:00:00Z', note: 'launch' }), 201);
    expect(v1).toMatchObject({ model, inputUsdPerMTok: 1, outputUsdPerMTok: 2, note: 'launch', createdBy: h.admin.id });

    const early = await started(a, { model });
    const earlyLate = await started(a); // priced only later, with the model in a report
    expect(await reported(a, early.id, { tokensIn: 1_000_000 })).toMatchObject({ costUsd: 1, priceId: v1.id });

    // The new price takes effect tomorrow.
    const tomorrow = new Date(clock.now().getTime() + 24 * 3600_000).toISOString();
    const v2 = expectOk(await create({ inputUsdPerMTok: 10, outputUsdPerMTok: 20, effectiveFrom: tomorrow }), 201);
    expectError(await create({ inputUsdPerMTok: 3, outputUsdPerMTok: 3, effectiveFrom: tomorrow }), 409, 'CONFLICT');
    expectError(await create({ inputUsdPerMTok: 3, outputUsdPerMTok: 3 }, team.owner.key), 403, 'FORBIDDEN');
    expectError(await create({ inputUsdPerMTok: 3, outputUsdPerMTok: 3 }, a.key), 403, 'FORBIDDEN');
    expect(issueFields(await create({ inputUsdPerMTok: 0.0000001, outputUsdPerMTok: -1 }))).toEqual(['inputUsdPerMTok', 'outputUsdPerMTok']);

    clock.advance(2 * 24 * 3600_000);
    // Earlier executions keep their price, whenever they report.
    expect(await reported(a, early.id, { tokensIn: 2_000_000 })).toMatchObject({ costUsd: 2, priceId: v1.id });
    expect(await reported(a, earlyLate.id, { tokensIn: 1_000_000, model })).toMatchObject({ costUsd: 1, priceId: v1.id });
    // An execution started after the new price uses it.
    const late = await started(a, { model });
    expect(await reported(a, late.id, { tokensIn: 1_000_000, tokensOut: 1_000_000 })).toMatchObject({ costUsd: 30, priceId: v2.id });

    // Reading prices: anyone signed in; the current price per model by default, a model's history on request.
    const current = expectOk(await h.call('GET', '/api/v1/model-prices', { key: a.key })) as any[];
    expect(current.filter((p) => p.model === model)).toEqual([v2]);
    expect(current.find((p) => p.model === 'gpt-4o')).toMatchObject({ id: 'prc_seed_gpt_4o', inputUsdPerMTok: 2.5, outputUsdPerMTok: 10 });
    expect(new Set(current.map((p) => p.model)).size).toBe(current.length);
    const history = expectOk(await h.call('GET', `/api/v1/model-prices?model=${model.toUpperCase()}`, { key: team.viewer.key })) as any[];
    expect(history.map((p) => p.id)).toEqual([v2.id, v1.id]);
    // Audited at instance level.
    const audit = await activityOf(h, { action: 'model_price.created', targetId: v2.id });
    expect(audit).toHaveLength(1);
    expect((audit[0] as any).workspaceId).toBeNull();
  });
});

describe('daily rollup', () => {
  it('finished executions add up per workspace, agent, model and UTC end day, exactly as their own figures do', async () => {
    // A fresh workspace, so that the rollup holds only what this test does.
    const t = await createTeam(h);
    const [x, y] = await Promise.all([activeAgent(h, t.admin.key, t.ws.slug), activeAgent(h, t.admin.key, t.ws.slug)]);
    clock.set(new Date('2026-04-10T23:59:00.000Z'));
    const runs: Execution[] = [];
    const plan: [Agent, string | undefined, string, number, number, number, number?][] = [
      [x, 'gpt-4o', 'success', 1000, 200, 3],
      [x, 'gpt-4o', 'failed', 333, 777, 1],
      [x, 'gpt-4o', 'blocked', 5, 5, 0],
      [x, undefined, 'success', 10, 20, 2],
      [y, 'gpt-4o-mini', 'success', 12345, 6789, 9],
      [y, 'my-local-llm', 'failed', 100, 100, 1],
      [y, 'gpt-4o-mini', 'success', 1, 1, 1, 0.5],
    ];
    for (const [i, [agent, model, status, tin, tout, calls, cost]] of plan.entries()) {
      const e = await started(agent, model ? { model } : {});
      clock.advance(20_000 + i * 7);
      // Some finish before midnight UTC, some after.
      runs.push(await reported(agent, e.id, { status, tokensIn: tin, tokensOut: tout, apiCalls: calls, ...(cost !== undefined ? { costUsd: cost } : {}) }));
    }
    const still = await started(x, { model: 'gpt-4o' });
    await reported(x, still.id, { tokensIn: 999 }); // running: not in the rollup

    const expected = new Map<string, Record<string, number | string>>();
    for (const r of runs) {
      const key = [r.agentId, r.model ?? '', r.endTime.slice(0, 10)].join('|');
      const s = expected.get(key) ?? { attempted: 0, succeeded: 0, failed: 0, blocked: 0, tokensIn: 0, tokensOut: 0, apiCalls: 0, costMicros: 0, durationMs: 0 };
      (s.attempted as number)++;
      const outcome = r.status === 'success' ? 'succeeded' : r.status;
      (s[outcome] as number)++;
      for (const f of ['tokensIn', 'tokensOut', 'apiCalls', 'durationMs'] as const) (s[f] as number) += r[f];
      (s.costMicros as number) += Math.round((r.costUsd ?? 0) * 1e6);
      expected.set(key, s);
    }
    const rows = await h.database.db.query.executionStatsDaily.findMany({ where: (x, { eq }) => eq(x.workspaceId, t.ws.id) });
    const actual = new Map(
      rows.map((r) => [
        [r.agentId, r.model, r.day].join('|'),
        {
          attempted: r.attempted,
          succeeded: r.succeeded,
          failed: r.failed,
          blocked: r.blocked,
          tokensIn: r.tokensIn,
          tokensOut: r.tokensOut,
          apiCalls: r.apiCalls,
          costMicros: Math.round(Number(r.costUsd) * 1e6),
          durationMs: r.durationMs,
        },
      ]),
    );
    expect(actual).toEqual(expected);
    expect(new Set(rows.map((r) => r.day))).toEqual(new Set(['2026-04-10', '2026-04-11']));
  });
});

describe('GET /executions', () => {
  let t: Team;
  let x: Agent;
  let y: Agent;
  let ticketId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTeam(h);
    [x, y] = await Promise.all([activeAgent(h, t.admin.key, t.ws.slug), activeAgent(h, t.admin.key, t.ws.slug)]);
    ticketId = (await createTicket(h, t.member.key, t.ws.id)).id;
    clock.set(new Date('2026-05-01T10:00:00.000Z'));
    const mk = async (name: string, agent: Agent, body: Record<string, unknown>, finish: Record<string, unknown> | null, gapMs: number) => {
      const e = await started(agent, body);
      clock.advance(gapMs);
      if (finish) await reported(agent, e.id, finish);
      ids[name] = e.id;
      clock.advance(60_000);
    };
    await mk('deploy', x, { ticketId, model: 'gpt-4o' }, { status: 'success', tokensIn: 1000, summary: 'Deployed the staging cluster', decisions: [{ input: 'pipeline', reasoning: 'canary first', output: 'rolled out' }] }, 5000);
    await mk('flaky', x, { model: 'claude-sonnet-4' }, { status: 'failed', tokensIn: 10, summary: 'Flaky integration tests' }, 30_000);
    await mk('docs', y, {}, { status: 'success', summary: 'Wrote deployment docs', costUsd: 0.5 }, 1000);
    await mk('running', y, { model: 'gpt-4o-mini' }, { summary: 'still going: migrations' }, 0);
    await mk('blocked', y, { ticketId }, { status: 'blocked', summary: "budget: can't continue" }, 2000);
  });

  const names = (items: Execution[]) => items.map((e) => Object.entries(ids).find(([, id]) => id === e.id)?.[0] ?? e.id);

  it('lists newest first by default, with the agent name and without internal columns', async () => {
    const { items, meta } = await list(t.member.key, `?workspaceId=${t.ws.id}`);
    expect(names(items)).toEqual(['blocked', 'running', 'docs', 'flaky', 'deploy']);
    expect(meta).toMatchObject({ limit: 50, offset: 0, total: 5, nextCursor: null });
    expect(items[0].agentName).toBe(y.name);
    for (const e of items) expect(e).not.toHaveProperty('search');
    expect(items.every((e) => !('continue' in e))).toBe(true);
  });

  it('filters by agent, ticket, status, model and start time', async () => {
    const q = async (query: string) => names((await list(t.viewer.key, `?workspaceId=${t.ws.slug}&${query}`)).items);
    expect(await q(`agentId=${x.id}`)).toEqual(['flaky', 'deploy']);
    expect(await q(`ticketId=${ticketId}`)).toEqual(['blocked', 'deploy']);
    expect(await q('status=failed,blocked')).toEqual(['blocked', 'flaky']);
    expect(await q('status=running')).toEqual(['running']);
    expect(await q('model=GPT-4o')).toEqual(['deploy']);
    const deployStart = expectOk(await h.call('GET', `/api/v1/executions/${ids.deploy}`, { key: t.viewer.key })).startTime;
    const docsStart = expectOk(await h.call('GET', `/api/v1/executions/${ids.docs}`, { key: t.viewer.key })).startTime;
    expect(await q(`from=${encodeURIComponent(docsStart)}`)).toEqual(['blocked', 'running', 'docs']);
    expect(await q(`from=${encodeURIComponent(deployStart)}&to=${encodeURIComponent(docsStart)}`)).toEqual(['flaky', 'deploy']);
    expect(issueFields(await h.call('GET', `/api/v1/executions?status=done`, { key: t.viewer.key }))).toEqual(['status.0']);
    expect(issueFields(await h.call('GET', `/api/v1/executions?from=${encodeURIComponent(docsStart)}&to=${encodeURIComponent(deployStart)}`, { key: t.viewer.key }))).toEqual(['from']);
    expect(issueFields(await h.call('GET', `/api/v1/executions?sort=tokensIn`, { key: t.viewer.key }))).toEqual(['sort']);
  });

  it('dates outside the years 1970..9999 (UTC) are 400 naming the field, not a database error (executions, activity, prices, API keys)', async () => {
    const bad = ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-14:00', '1969-12-31T23:59:59Z', '2023-02-30T00:00:00Z', 'tomorrow'];
    for (const d of bad) {
      const v = encodeURIComponent(d);
      expect(issueFields(await h.call('GET', `/api/v1/executions?from=${v}`, { key: t.viewer.key })), d).toEqual(['from']);
      expect(issueFields(await h.call('GET', `/api/v1/executions?to=${v}`, { key: t.viewer.key })), d).toEqual(['to']);
      expect(issueFields(await h.call('GET', `/api/v1/activity?from=${v}`, { key: t.viewer.key })), d).toEqual(['from']);
      expect(issueFields(await h.call('GET', `/api/v1/activity?to=${v}`, { key: t.viewer.key })), d).toEqual(['to']);
      const price = await h.call('POST', '/api/v1/model-prices', { key: h.admin.key, body: { model: uniq('m').toLowerCase(), inputUsdPerMTok: 1, outputUsdPerMTok: 1, effectiveFrom: d } });
      expect(issueFields(price), d).toEqual(['effectiveFrom']);
      expect(issueFields(await h.call('POST', '/api/v1/me/api-keys', { key: t.viewer.key, body: { name: 'k', expiresAt: d } })), d).toEqual(['expiresAt']);
    }
    // The edges themselves are fine, offsets included.
    const edges = `from=${encodeURIComponent('1970-01-01T00:00:00Z')}&to=${encodeURIComponent('9999-12-31T23:59:59.999+01:00')}`;
    expect((await list(t.viewer.key, `?workspaceId=${t.ws.id}&${edges}`)).items).toHaveLength(5);
    expectOk(await h.call('GET', `/api/v1/activity?${edges}`, { key: t.viewer.key }));
  });

  it('q searches model, summary and decisions: every word, whole or `word*` as a prefix; tsquery syntax is just text', async () => {
    const q = async (text: string) => names((await list(t.member.key, `?workspaceId=${t.ws.id}&q=${encodeURIComponent(text)}`)).items);
    expect(await q('deploy*')).toEqual(['docs', 'deploy']); // "deployment", "Deployed"
    expect(await q('deploy')).toEqual([]); // not a whole word of either
    expect(await q('deployed stag*')).toEqual(['deploy']);
    expect(await q('stag* DEPLOYED')).toEqual(['deploy']); // any word may be the prefix; case-insensitive
    expect(await q('deployed stag')).toEqual([]);
    expect(await q('deploy* staging')).toEqual(['deploy']);
    expect(await q('canary')).toEqual(['deploy']); // in a decision
    expect(await q('claude')).toEqual(['flaky']); // the model
    expect(await q('migrat')).toEqual([]);
    expect(await q('migrat*')).toEqual(['running']);
    expect(await q("can't continue")).toEqual(['blocked']); // "can" & "t" & "continue"
    expect(await q('nothing-like-this')).toEqual([]);
    // The decisions' words only: not their JSON keys or times, which every run with decisions has.
    expect(await q('reasoning')).toEqual([]);
    expect(await q('output')).toEqual([]);
    for (const evil of ["'", '&', '| !', 'a:*)(', '\\', '<->', "'); DROP TABLE executions; --"]) {
      const r = await h.call('GET', `/api/v1/executions?workspaceId=${t.ws.id}&q=${encodeURIComponent(evil)}`, { key: t.member.key });
      expect(r.status, evil).toBe(200);
    }
    expect(await q('!!!')).toHaveLength(5); // no word: no text filter
  });

  it('sorts by duration and cost (unknown values last when descending … first ascending) and pages by cursor and offset', async () => {
    expect(names((await list(t.member.key, `?workspaceId=${t.ws.id}&sort=-durationMs`)).items)).toEqual(['flaky', 'deploy', 'blocked', 'docs', 'running']);
    expect(names((await list(t.member.key, `?workspaceId=${t.ws.id}&sort=costUsd`)).items).slice(-2)).toEqual(['deploy', 'docs']);

    for (const sort of ['-startedAt', 'startedAt', 'durationMs', '-costUsd']) {
      const all = names((await list(t.member.key, `?workspaceId=${t.ws.id}&sort=${sort}`)).items);
      const paged: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 10; i++) {
        const page = await list(t.member.key, `?workspaceId=${t.ws.id}&sort=${sort}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        paged.push(...names(page.items));
        cursor = page.meta.nextCursor;
        if (!cursor) break;
      }
      expect(paged, sort).toEqual(all);
    }
    const second = await list(t.member.key, `?workspaceId=${t.ws.id}&limit=2&offset=2`);
    expect(names(second.items)).toEqual(['docs', 'flaky']);
    expect(second.meta).toMatchObject({ total: 5, offset: 2 });
    expectError(await h.call('GET', `/api/v1/executions?cursor=bogus`, { key: t.member.key }), 400, 'VALIDATION_ERROR');
  });

  it('a hand-made cursor with a value of the wrong kind for its sort is 400 naming cursor, not a database error', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const cases: [string, unknown[]][] = [
      ['costUsd', ['abc', ids.deploy]],
      ['costUsd', [1.5, ids.deploy]],
      ['costUsd', ['1e5', ids.deploy]],
      ['-durationMs', ['abc', ids.deploy]],
      ['-durationMs', [1.5, ids.deploy]],
      ['-durationMs', [1e300, ids.deploy]],
      ['durationMs', [true, ids.deploy]],
      ['startedAt', ['0000-01-01T00:00:00.000Z', ids.deploy]],
      ['startedAt', [123, ids.deploy]],
      ['startedAt', ['2026-05-01T10:00:00.000Z', 7]],
      ['startedAt', ['2026-05-01T10:00:00.000Z', 'a\u0000b']],
    ];
    for (const [sort, v] of cases) {
      const r = await h.call('GET', `/api/v1/executions?workspaceId=${t.ws.id}&sort=${sort}&cursor=${b64({ s: sort, v })}`, { key: t.member.key });
      expectError(r, 400, 'VALIDATION_ERROR');
      expect(issueFields(r), `${sort} ${JSON.stringify(v)}`).toEqual(['cursor']);
    }
    // Well-formed hand-made cursors are fine: the cost as a decimal string, the duration as an integer.
    expect(names((await list(t.member.key, `?workspaceId=${t.ws.id}&sort=costUsd&cursor=${b64({ s: 'costUsd', v: ['0.4', 'exe_'] })}`)).items)).toEqual(['docs']);
    expect(names((await list(t.member.key, `?workspaceId=${t.ws.id}&sort=-durationMs&cursor=${b64({ s: '-durationMs', v: [5000, 'exe_'] })}`)).items)).toEqual(['blocked', 'docs', 'running']);
  });

  it('shows each caller only what they may see', async () => {
    // Without a workspace: a member sees their workspaces' runs, an agent its own workspace's, an outsider none of these.
    expect(names((await list(t.viewer.key, '')).items)).toEqual(['blocked', 'running', 'docs', 'flaky', 'deploy']);
    expect(names((await list(x.key, '?limit=200')).items)).toEqual(['blocked', 'running', 'docs', 'flaky', 'deploy']);
    const outsiderView = (await list(other.owner.key, '?limit=200')).items.map((e) => e.id);
    expect(outsiderView.filter((id) => Object.values(ids).includes(id))).toEqual([]);
    expect((await list(h.admin.key, `?workspaceId=${t.ws.id}`)).items).toHaveLength(5);
    // One execution: its workspace's members (viewers too), agents and instance admins; anyone else 404 as if it did not exist.
    for (const key of [t.viewer.key, t.member.key, t.owner.key, x.key, h.admin.key]) {
      expect(expectOk(await h.call('GET', `/api/v1/executions/${ids.deploy}`, { key })).id).toBe(ids.deploy);
    }
    for (const key of [other.owner.key, other.viewer.key, otherAgent.key]) {
      expectError(await h.call('GET', `/api/v1/executions/${ids.deploy}`, { key }), 404, 'NOT_FOUND');
    }
    expectError(await h.call('GET', `/api/v1/executions?workspaceId=${t.ws.id}`, { key: other.owner.key }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', `/api/v1/executions?workspaceId=${t.ws.id}`, { key: otherAgent.key }), 404, 'NOT_FOUND');
  });
});

describe('abandoned runs', () => {
  it('a run without a report for the timeout is failed by the sweeper, ends and counts; a run that reports recently stays', async () => {
    const t = await createTeam(h);
    const x = await activeAgent(h, t.admin.key, t.ws.slug);
    const silent = await started(x, { model: 'gpt-4o' });
    clock.advance(60 * 60 * 1000);
    await reported(x, silent.id, { tokensIn: 100, tokensOut: 50, summary: 'halfway' });
    const lively = await started(x);
    clock.advance(EXECUTION_ABANDON_AFTER_MS_DEFAULT - 1);
    await abandonStaleExecutions(h.ctxFor({ kind: 'system', name: 'test' }));
    expect(expectOk(await h.call('GET', `/api/v1/executions/${silent.id}`, { key: t.member.key })).status).toBe('running'); // 1 ms short
    clock.advance(1);
    await reported(x, lively.id, { tokensIn: 1 });
    expect(await abandonStaleExecutions(h.ctxFor({ kind: 'system', name: 'test' }))).toBeGreaterThanOrEqual(1);

    const failed = expectOk(await h.call('GET', `/api/v1/executions/${silent.id}`, { key: t.member.key }));
    expect(failed).toMatchObject({
      status: 'failed',
      endTime: clock.now().toISOString(),
      durationMs: EXECUTION_ABANDON_AFTER_MS_DEFAULT + 60 * 60 * 1000,
      tokensIn: 100,
      tokensOut: 50,
    });
    expect(failed.summary).toMatch(/^halfway\n\nNo report for 6 h/);
    expect(expectOk(await h.call('GET', `/api/v1/executions/${lively.id}`, { key: t.member.key })).status).toBe('running');
    // The agent comes back too late: the run is over.
    expectError(await report(x.key, silent.id, { tokensIn: 200 }), 409, 'CONFLICT');
    // It counts like any finished run: the rollup (metrics) and the log.
    const day = clock.now().toISOString().slice(0, 10);
    const m = expectOk(await h.call('GET', `/api/v1/workspaces/${t.ws.id}/metrics?period=day&from=${day}&to=${day}`, { key: t.member.key }));
    expect(m.totals).toMatchObject({ attempted: 1, completed: 0, failed: 1, tokensIn: 100, tokensOut: 50 });
    const log = expectOk(await h.call('GET', `/api/v1/activity?workspaceId=${t.ws.id}&action=execution.finished`, { key: t.owner.key }));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'failed', actor: { kind: 'system' }, target: { id: silent.id } });
  });
});

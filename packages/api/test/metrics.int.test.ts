// Metrics and the cost breakdown over the API, against answers computed independently in this file: a seeded
// history (three agents, three models incl. none, every day from late January to mid-March 2024 — a month
// boundary, the leap day, an ISO week spanning February/March — mixed statuses, costs, ratings) is written to the
// daily rollup and the ratings table, another workspace's rows sit on the same days, and each answer is compared
// with plain JS sums over the same seed list, per day, ISO week and month.
import { ManualClock } from '@mc/core';
import { executionStatsDaily, ratings } from '@mc/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeAgent, createTeam, type Team, type User } from './agents.fixtures';
import { createHarness, type Harness } from './harness';
import { createWorkspace, expectError, expectOk, issueFields } from './helpers';

// "Today" for the defaults: Saturday 2 March 2024.
const clock = new ManualClock(new Date('2024-03-02T12:00:00.000Z'));
let h: Harness;
let team: Team;
let outsider: User;
let other: { id: string; slug: string };
type Agent = Awaited<ReturnType<typeof activeAgent>>;
let a1: Agent, a2: Agent, a3: Agent, otherAgent: Agent;

interface StatSeed {
  workspaceId: string;
  agentId: string;
  model: string;
  day: string;
  attempted: number;
  succeeded: number;
  failed: number;
  blocked: number;
  tokensIn: number;
  tokensOut: number;
  costMicros: number;
  durationMs: number;
}
interface RatingSeed {
  workspaceId: string;
  agentId: string | null;
  rating: 'good' | 'bad';
  updatedAt: Date;
}
const statSeeds: StatSeed[] = [];
const ratingSeeds: RatingSeed[] = [];

// ---- the independent computation -------------------------------------------------------------------------------

const DAY = 86_400_000;
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
function bucketOf(period: string, day: string): string {
  if (period === 'day') return day;
  if (period === 'month') return `${day.slice(0, 7)}-01`;
  const t = Date.parse(`${day}T00:00:00Z`);
  const sinceMonday = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - sinceMonday * DAY).toISOString().slice(0, 10);
}

type Sums = { att: number; ok: number; failed: number; blocked: number; tin: number; tout: number; micros: number; ms: number; good: number; bad: number };
const zero = (): Sums => ({ att: 0, ok: 0, failed: 0, blocked: 0, tin: 0, tout: 0, micros: 0, ms: 0, good: 0, bad: 0 });
const r = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
function figures(s: Sums) {
  return {
    attempted: s.att,
    completed: s.ok,
    failed: s.failed,
    blocked: s.blocked,
    successRate: s.att ? r(s.ok / s.att, 4) : null,
    tokensIn: s.tin,
    tokensOut: s.tout,
    avgTokensPerCompletion: s.ok ? r((s.tin + s.tout) / s.ok, 2) : null,
    costUsd: s.micros / 1e6,
    avgCostPerCompletion: s.ok ? Math.round(s.micros / s.ok) / 1e6 : null,
    avgDurationMs: s.att ? Math.round(s.ms / s.att) : null,
    ratings: { good: s.good, bad: s.bad },
  };
}

/** What GET …/metrics must answer for these days, computed by walking every day of the range. */
function expectedMetrics(period: 'day' | 'week' | 'month', from: string, to: string, scope: { workspaceId: string; agentId?: string }) {
  const first = bucketOf(period, from);
  let last = to;
  while (bucketOf(period, nextDay(last)) === bucketOf(period, to)) last = nextDay(last);
  const buckets = new Map<string, Sums>();
  for (let d = first; d <= last; d = nextDay(d)) if (!buckets.has(bucketOf(period, d))) buckets.set(bucketOf(period, d), zero());
  const inScope = (x: { workspaceId: string; agentId: string | null }) => x.workspaceId === scope.workspaceId && (scope.agentId === undefined || x.agentId === scope.agentId);
  for (const s of statSeeds) {
    if (!inScope(s) || s.day < first || s.day > last) continue;
    const b = buckets.get(bucketOf(period, s.day))!;
    b.att += s.attempted;
    b.ok += s.succeeded;
    b.failed += s.failed;
    b.blocked += s.blocked;
    b.tin += s.tokensIn;
    b.tout += s.tokensOut;
    b.micros += s.costMicros;
    b.ms += s.durationMs;
  }
  for (const x of ratingSeeds) {
    const day = x.updatedAt.toISOString().slice(0, 10);
    if (!inScope(x) || day < first || day > last) continue;
    buckets.get(bucketOf(period, day))![x.rating === 'good' ? 'good' : 'bad']++;
  }
  const total = zero();
  for (const s of buckets.values()) for (const k of Object.keys(total) as (keyof Sums)[]) total[k] += s[k];
  return {
    period,
    from: first,
    to: last,
    totals: figures(total),
    series: [...buckets].map(([periodStart, s]) => ({ periodStart, ...figures(s) })),
  };
}

/** What GET …/costs must answer. */
function expectedCosts(workspaceId: string, from: string, to: string, names: Record<string, string>) {
  const rows = statSeeds.filter((s) => s.workspaceId === workspaceId && s.day >= from && s.day <= to);
  const group = (key: (s: StatSeed) => string) => {
    const m = new Map<string, { micros: number; tokens: number; executions: number }>();
    for (const s of rows) {
      const g = m.get(key(s)) ?? { micros: 0, tokens: 0, executions: 0 };
      g.micros += s.costMicros;
      g.tokens += s.tokensIn + s.tokensOut;
      g.executions += s.attempted;
      m.set(key(s), g);
    }
    return [...m].sort(([ka, a], [kb, b]) => b.micros - a.micros || b.tokens - a.tokens || (ka < kb ? -1 : 1));
  };
  const byDay: { day: string; costUsd: number; tokens: number }[] = [];
  for (let d = from; d <= to; d = nextDay(d)) {
    const today = rows.filter((s) => s.day === d);
    byDay.push({ day: d, costUsd: today.reduce((a, s) => a + s.costMicros, 0) / 1e6, tokens: today.reduce((a, s) => a + s.tokensIn + s.tokensOut, 0) });
  }
  return {
    from,
    to,
    totals: {
      costUsd: rows.reduce((a, s) => a + s.costMicros, 0) / 1e6,
      tokensIn: rows.reduce((a, s) => a + s.tokensIn, 0),
      tokensOut: rows.reduce((a, s) => a + s.tokensOut, 0),
      executions: rows.reduce((a, s) => a + s.attempted, 0),
    },
    byDay,
    byAgent: group((s) => s.agentId).map(([agentId, g]) => ({ agentId, agentName: names[agentId] ?? null, costUsd: g.micros / 1e6, tokens: g.tokens, executions: g.executions })),
    byModel: group((s) => s.model).map(([model, g]) => ({ model: model === '' ? null : model, costUsd: g.micros / 1e6, tokens: g.tokens, executions: g.executions })),
    // No seeded run belongs to a cron (crons.int.test.ts covers costs by cron).
    byCron: [],
  };
}

// ---- the seed ----------------------------------------------------------------------------------------------------

/** A small deterministic generator, so a failure reproduces. */
let state = 20240229;
const rnd = (n: number) => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return Math.floor((state / 2147483648) * n);
};

/** Days whose every agent × model combination is present: month ends, the leap day, a Sunday/Monday pair. */
const EDGE_DAYS = new Set(['2024-01-31', '2024-02-01', '2024-02-25', '2024-02-26', '2024-02-29', '2024-03-01', '2024-03-03', '2024-03-04']);

function seedStats(workspaceId: string, agentIds: string[], fromDay: string, toDay: string) {
  for (let day = fromDay; day <= toDay; day = nextDay(day)) {
    for (const agentId of agentIds) {
      for (const model of ['gpt-4o', 'claude-sonnet', '']) {
        if (!EDGE_DAYS.has(day) && rnd(3) === 0) continue;
        const attempted = 1 + rnd(6);
        const succeeded = rnd(attempted + 1);
        const failed = rnd(attempted - succeeded + 1);
        statSeeds.push({
          workspaceId,
          agentId,
          model,
          day,
          attempted,
          succeeded,
          failed,
          blocked: attempted - succeeded - failed,
          tokensIn: rnd(80_000),
          tokensOut: rnd(30_000),
          costMicros: rnd(4_000_000),
          durationMs: rnd(900_000),
        });
      }
    }
  }
}

function seedRatings(workspaceId: string, agentIds: (string | null)[], n: number) {
  const start = Date.parse('2024-01-20T00:00:00Z');
  const span = Date.parse('2024-03-15T00:00:00Z') - start;
  for (let i = 0; i < n; i++) {
    ratingSeeds.push({ workspaceId, agentId: agentIds[rnd(agentIds.length)], rating: rnd(3) === 0 ? 'bad' : 'good', updatedAt: new Date(start + rnd(span)) });
  }
  // The last and first instants of buckets: the leap day's last millisecond is February (week of the 26th), the
  // next one March; a Sunday's last millisecond is the week before the Monday's first.
  for (const at of ['2024-02-29T23:59:59.999Z', '2024-03-01T00:00:00.000Z', '2024-02-25T23:59:59.999Z', '2024-02-26T00:00:00.000Z', '2024-01-31T23:59:59.999Z']) {
    ratingSeeds.push({ workspaceId, agentId: agentIds[0], rating: 'bad', updatedAt: new Date(at) });
  }
}

async function writeSeeds() {
  const db = h.database.db;
  const statRows = statSeeds.map((s) => ({
    workspaceId: s.workspaceId,
    agentId: s.agentId,
    model: s.model,
    day: s.day,
    attempted: s.attempted,
    succeeded: s.succeeded,
    failed: s.failed,
    blocked: s.blocked,
    tokensIn: s.tokensIn,
    tokensOut: s.tokensOut,
    apiCalls: s.attempted * 3,
    costUsd: (s.costMicros / 1e6).toFixed(6),
    durationMs: s.durationMs,
  }));
  for (let i = 0; i < statRows.length; i += 200) await db.insert(executionStatsDaily).values(statRows.slice(i, i + 200));
  const ratingRows = ratingSeeds.map((x, i) => ({
    id: `rtg_seed_${i}`,
    workspaceId: x.workspaceId,
    targetKind: 'ticket',
    targetId: `tkt_seed_${i}`,
    agentId: x.agentId,
    userId: team.member.id,
    rating: x.rating,
    createdAt: new Date(x.updatedAt.getTime() - 3 * DAY),
    updatedAt: x.updatedAt,
  }));
  for (let i = 0; i < ratingRows.length; i += 200) await db.insert(ratings).values(ratingRows.slice(i, i + 200));
}

beforeAll(async () => {
  h = await createHarness({ clock });
  team = await createTeam(h);
  outsider = await h.newUser('Outsider');
  other = await createWorkspace(h, outsider.key);
  [a1, a2, a3] = [
    await activeAgent(h, team.admin.key, team.ws.id),
    await activeAgent(h, team.admin.key, team.ws.id),
    await activeAgent(h, team.admin.key, team.ws.id),
  ];
  otherAgent = await activeAgent(h, outsider.key, other.id);
  seedStats(team.ws.id, [a1.id, a2.id, a3.id], '2024-01-20', '2024-03-12');
  // Outside every range asked below except the widest: they must show up exactly where they belong.
  seedStats(team.ws.id, [a1.id], '2023-12-30', '2024-01-02');
  // Another workspace on the same days (its agent's id even appears in a filter below).
  seedStats(other.id, [otherAgent.id], '2024-01-25', '2024-03-05');
  seedRatings(team.ws.id, [a1.id, a2.id, a3.id, null], 80);
  seedRatings(other.id, [otherAgent.id], 20);
  await writeSeeds();
  // Sanity of the seed itself: every edge day is there, with every status.
  for (const d of EDGE_DAYS) expect(statSeeds.some((s) => s.day === d && s.agentId === a1.id)).toBe(true);
  expect(statSeeds.some((s) => s.failed > 0) && statSeeds.some((s) => s.blocked > 0) && statSeeds.some((s) => s.succeeded === 0)).toBe(true);
});

afterAll(async () => {
  await h?.close();
});

const metrics = (path: string, key: string, q: Record<string, string>) => h.call('GET', `${path}?${new URLSearchParams(q)}`, { key });

describe('agent metrics', () => {
  const cases = [
    { period: 'day', from: '2024-02-20', to: '2024-03-05' },
    { period: 'day', from: '2024-01-01', to: '2024-01-01' },
    { period: 'week', from: '2024-01-22', to: '2024-03-10' },
    // Mid-week on both ends: widened to the weeks of the leap day (Mon 26 Feb) and of 4 March.
    { period: 'week', from: '2024-02-29', to: '2024-03-05' },
    { period: 'month', from: '2024-01-01', to: '2024-03-31' },
    { period: 'month', from: '2023-12-15', to: '2024-02-10' },
  ] as const;

  for (const c of cases) {
    it(`per ${c.period}, ${c.from}..${c.to}, match the independent computation`, async () => {
      for (const agent of [a1, a2, a3]) {
        const got = expectOk(await metrics(`/api/v1/agents/${agent.id}/metrics`, team.viewer.key, c));
        expect(got).toEqual(expectedMetrics(c.period, c.from, c.to, { workspaceId: team.ws.id, agentId: agent.id }));
      }
    });
  }

  it('has figures worth comparing (the seed is not all zeros) and the series adds up to the totals', async () => {
    const got = expectOk(await metrics(`/api/v1/agents/${a1.id}/metrics`, team.owner.key, { period: 'week', from: '2024-01-22', to: '2024-03-10' }));
    expect(got.series.map((s: any) => s.periodStart)).toEqual(['2024-01-22', '2024-01-29', '2024-02-05', '2024-02-12', '2024-02-19', '2024-02-26', '2024-03-04']);
    expect(got.totals.attempted).toBeGreaterThan(50);
    expect(got.totals.completed).toBeGreaterThan(0);
    expect(got.totals.ratings.good + got.totals.ratings.bad).toBeGreaterThan(3);
    expect(got.series.reduce((a: number, s: any) => a + s.attempted, 0)).toBe(got.totals.attempted);
  });

  it('the leap day and month boundaries land in the right buckets', async () => {
    const day = expectOk(await metrics(`/api/v1/agents/${a1.id}/metrics`, team.owner.key, { period: 'day', from: '2024-02-28', to: '2024-03-01' }));
    expect(day.series.map((s: any) => s.periodStart)).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    const feb = expectOk(await metrics(`/api/v1/agents/${a1.id}/metrics`, team.owner.key, { period: 'month', from: '2024-02-10', to: '2024-02-10' }));
    expect(feb).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
    // The rating at 23:59:59.999 on the leap day counts in February, the one at midnight in March.
    const leap = expectedMetrics('day', '2024-02-29', '2024-03-01', { workspaceId: team.ws.id, agentId: a1.id });
    expect(day.series.slice(1)).toEqual(leap.series);
  });

  it('defaults: the last 30 days, 12 weeks, 12 months up to today (UTC)', async () => {
    const day = expectOk(await h.call('GET', `/api/v1/agents/${a2.id}/metrics`, { key: team.viewer.key }));
    expect(day).toEqual(expectedMetrics('day', '2024-02-02', '2024-03-02', { workspaceId: team.ws.id, agentId: a2.id }));
    expect(day.series).toHaveLength(30);
    const week = expectOk(await metrics(`/api/v1/agents/${a2.id}/metrics`, team.viewer.key, { period: 'week' }));
    expect(week).toEqual(expectedMetrics('week', '2023-12-11', '2024-03-02', { workspaceId: team.ws.id, agentId: a2.id }));
    expect(week.series).toHaveLength(12);
    const month = expectOk(await metrics(`/api/v1/agents/${a2.id}/metrics`, team.viewer.key, { period: 'month' }));
    expect(month).toEqual(expectedMetrics('month', '2023-04-01', '2024-03-02', { workspaceId: team.ws.id, agentId: a2.id }));
    expect(month.series).toHaveLength(12);
    expect(month.to).toBe('2024-03-31');
    // Only `to`: the default number of buckets ending there. Only `from`: up to today.
    expect(expectOk(await metrics(`/api/v1/agents/${a2.id}/metrics`, team.viewer.key, { to: '2024-02-15' })).from).toBe('2024-01-17');
    expect(expectOk(await metrics(`/api/v1/agents/${a2.id}/metrics`, team.viewer.key, { from: '2024-02-25' })).series).toHaveLength(7);
  });

  it('reads a date-time as its UTC day', async () => {
    const got = expectOk(await metrics(`/api/v1/agents/${a1.id}/metrics`, team.viewer.key, { from: '2024-03-01T01:30:00+02:00', to: '2024-02-29T23:00:00Z' }));
    expect(got).toEqual(expectedMetrics('day', '2024-02-29', '2024-02-29', { workspaceId: team.ws.id, agentId: a1.id }));
  });
});

describe('workspace metrics', () => {
  for (const period of ['day', 'week', 'month'] as const) {
    it(`per ${period}: the whole workspace, and one agent with agentId`, async () => {
      const q = { period, from: '2024-01-10', to: '2024-03-12' };
      const all = expectOk(await metrics(`/api/v1/workspaces/${team.ws.id}/metrics`, team.viewer.key, q));
      expect(all).toEqual(expectedMetrics(period, q.from, q.to, { workspaceId: team.ws.id }));
      // Ratings credited to nobody still count for the workspace.
      expect(ratingSeeds.some((x) => x.workspaceId === team.ws.id && x.agentId === null)).toBe(true);
      const one = expectOk(await metrics(`/api/v1/workspaces/${team.ws.slug}/metrics`, team.viewer.key, { ...q, agentId: a3.id }));
      expect(one).toEqual(expectedMetrics(period, q.from, q.to, { workspaceId: team.ws.id, agentId: a3.id }));
    });
  }

  it("an agentId of another workspace narrows to nothing: zeros, never that agent's figures", async () => {
    const got = expectOk(await metrics(`/api/v1/workspaces/${team.ws.id}/metrics`, team.owner.key, { period: 'month', from: '2024-01-01', to: '2024-03-31', agentId: otherAgent.id }));
    expect(got.totals).toEqual(expectedMetrics('month', '2024-01-01', '2024-01-01', { workspaceId: 'nowhere' }).totals);
    expect(got.series).toHaveLength(3);
  });

  it('the other workspace sees only its own', async () => {
    const q = { period: 'week', from: '2024-01-22', to: '2024-03-10' } as const;
    expect(expectOk(await metrics(`/api/v1/workspaces/${other.id}/metrics`, outsider.key, q))).toEqual(expectedMetrics('week', q.from, q.to, { workspaceId: other.id }));
  });
});

describe('costs', () => {
  const names = () => ({ [a1.id]: a1.name, [a2.id]: a2.name, [a3.id]: a3.name });

  it('breaks a range down by day (every day), agent and model, most expensive first', async () => {
    const got = expectOk(await h.call('GET', `/api/v1/workspaces/${team.ws.id}/costs?from=2024-02-15&to=2024-03-03`, { key: team.viewer.key }));
    expect(got).toEqual(expectedCosts(team.ws.id, '2024-02-15', '2024-03-03', names()));
    expect(got.byDay).toHaveLength(18);
    expect(got.byModel.map((m: any) => m.model).sort()).toEqual(['claude-sonnet', 'gpt-4o', null].sort());
    expect(got.byAgent).toHaveLength(3);
  });

  it('defaults to this month to date', async () => {
    const got = expectOk(await h.call('GET', `/api/v1/workspaces/${team.ws.slug}/costs`, { key: team.member.key }));
    expect(got).toEqual(expectedCosts(team.ws.id, '2024-03-01', '2024-03-02', names()));
  });

  it("keeps a deleted agent's name on its costs (history stays)", async () => {
    expectOk(await h.call('DELETE', `/api/v1/agents/${a3.id}`, { key: team.owner.key }));
    const got = expectOk(await h.call('GET', `/api/v1/workspaces/${team.ws.id}/costs?from=2024-01-20&to=2024-03-12`, { key: team.owner.key }));
    expect(got).toEqual(expectedCosts(team.ws.id, '2024-01-20', '2024-03-12', names()));
    expect(got.byAgent.find((x: any) => x.agentId === a3.id).agentName).toBe(a3.name);
    // Its metrics stay readable too.
    expectOk(await metrics(`/api/v1/agents/${a3.id}/metrics`, team.owner.key, { period: 'month', from: '2024-01-01', to: '2024-03-31' }));
  });

  it('an empty range answers zeros for every day', async () => {
    const got = expectOk(await h.call('GET', `/api/v1/workspaces/${team.ws.id}/costs?from=2025-01-01&to=2025-01-03`, { key: team.owner.key }));
    expect(got).toEqual({
      from: '2025-01-01',
      to: '2025-01-03',
      totals: { costUsd: 0, tokensIn: 0, tokensOut: 0, executions: 0 },
      byDay: ['2025-01-01', '2025-01-02', '2025-01-03'].map((day) => ({ day, costUsd: 0, tokens: 0 })),
      byAgent: [],
      byModel: [],
      byCron: [],
    });
  });
});

describe('who may read', () => {
  it('every role of the workspace; its agents (their own figures, `me`, and other agents of the workspace)', async () => {
    const q = { period: 'month', from: '2024-02-01', to: '2024-02-29' } as const;
    const want = expectedMetrics('month', q.from, q.to, { workspaceId: team.ws.id, agentId: a1.id });
    for (const key of [team.owner.key, team.admin.key, team.member.key, team.viewer.key, a1.key, a2.key, h.admin.key]) {
      expect(expectOk(await metrics(`/api/v1/agents/${a1.id}/metrics`, key, q))).toEqual(want);
    }
    expect(expectOk(await metrics('/api/v1/agents/me/metrics', a1.key, q))).toEqual(want);
    expectOk(await metrics(`/api/v1/workspaces/${team.ws.id}/metrics`, a2.key, q));
    expectOk(await h.call('GET', `/api/v1/workspaces/${team.ws.id}/costs`, { key: a2.key }));
  });

  it('another workspace: its people and agents get 404, like an id that does not exist', async () => {
    for (const key of [outsider.key, otherAgent.key]) {
      expectError(await h.call('GET', `/api/v1/agents/${a1.id}/metrics`, { key }), 404, 'NOT_FOUND');
      expectError(await h.call('GET', `/api/v1/workspaces/${team.ws.id}/metrics`, { key }), 404, 'NOT_FOUND');
      expectError(await h.call('GET', `/api/v1/workspaces/${team.ws.id}/costs`, { key }), 404, 'NOT_FOUND');
    }
    expectError(await h.call('GET', '/api/v1/agents/agt_00000000000000000000000000/metrics', { key: team.owner.key }), 404, 'NOT_FOUND');
    // `me` is only the calling agent.
    expectError(await h.call('GET', '/api/v1/agents/me/metrics', { key: team.owner.key }), 404, 'NOT_FOUND');
    expectError(await h.call('GET', `/api/v1/workspaces/${team.ws.id}/metrics`), 401, 'UNAUTHENTICATED');
  });
});

describe('bad requests are 400 naming the query field', () => {
  const bad: [string, Record<string, string>, string][] = [
    ['an unknown period', { period: 'year' }, 'period'],
    ['a date that does not exist', { from: '2023-02-29' }, 'from'],
    ['not a date', { to: 'yesterday' }, 'to'],
    ['from after to', { from: '2024-03-02', to: '2024-03-01' }, 'from'],
    ['from after today (the default to)', { from: '2024-03-03' }, 'from'],
    ['more than 366 days', { period: 'day', from: '2023-01-01', to: '2024-01-02' }, 'from'],
    ['more than 366 weeks', { period: 'week', from: '1990-01-01', to: '2024-01-01' }, 'from'],
  ];
  for (const [what, q, field] of bad) {
    it(what, async () => {
      for (const path of [`/api/v1/agents/${a1.id}/metrics`, `/api/v1/workspaces/${team.ws.id}/metrics`]) {
        const res = await metrics(path, team.owner.key, q);
        const e = expectError(res, 400, 'VALIDATION_ERROR');
        expect(issueFields(res), JSON.stringify(e)).toEqual([field]);
        expect(e.details.issues[0].in).toBe('query');
      }
    });
  }

  it('costs: from after to, more than 366 days, bad dates', async () => {
    for (const [q, field] of [
      ['from=2024-03-02&to=2024-03-01', 'from'],
      ['from=2023-01-01&to=2024-01-02', 'from'],
      ['to=2024-02-30', 'to'],
    ] as const) {
      const res = await h.call('GET', `/api/v1/workspaces/${team.ws.id}/costs?${q}`, { key: team.owner.key });
      expectError(res, 400, 'VALIDATION_ERROR');
      expect(issueFields(res)).toEqual([field]);
    }
  });
});

describe('end to end: executions finished over the API', () => {
  it('move the metrics and costs of their agent and workspace (by the UTC day they end); running ones do not count', async () => {
    const ws = await createWorkspace(h, team.owner.key);
    const bot = await activeAgent(h, team.owner.key, ws.id);
    const q = { period: 'day', from: '2024-03-02', to: '2024-03-03' } as const;
    const before = expectOk(await metrics(`/api/v1/agents/${bot.id}/metrics`, team.owner.key, q));
    expect(before.totals.attempted).toBe(0);

    const run = async (status: string | null, ms: number, report: Record<string, unknown>) => {
      const started = expectOk(await h.call('POST', '/api/v1/executions', { key: bot.key, body: {} }), 201);
      clock.advance(ms);
      if (status) expectOk(await h.call('PATCH', `/api/v1/executions/${started.id}`, { key: bot.key, body: { status, ...report } }));
      return started.id as string;
    };
    clock.set(new Date('2024-03-02T10:00:00.000Z'));
    const good = await run('success', 90_000, { tokensIn: 1000, tokensOut: 500, apiCalls: 3, model: 'gpt-4o', costUsd: 0.012345 });
    await run('failed', 30_000, { tokensIn: 400, tokensOut: 100, apiCalls: 1, model: 'gpt-4o', costUsd: 0.002 });
    await run(null, 10_000, {});
    // Starts on the 2nd, ends on the 3rd: it counts on the day it ends.
    clock.set(new Date('2024-03-02T23:59:00.000Z'));
    await run('blocked', 120_000, { tokensIn: 50, tokensOut: 0, apiCalls: 1, costUsd: 0 });
    clock.set(new Date('2024-03-03T08:00:00.000Z'));
    expectOk(await rate(`executions/${good}`, team.owner.key), 201);

    const after = expectOk(await metrics(`/api/v1/agents/${bot.id}/metrics`, team.owner.key, q));
    expect(after.series).toEqual([
      {
        periodStart: '2024-03-02',
        attempted: 2,
        completed: 1,
        failed: 1,
        blocked: 0,
        successRate: 0.5,
        tokensIn: 1400,
        tokensOut: 600,
        avgTokensPerCompletion: 2000,
        costUsd: 0.014345,
        avgCostPerCompletion: 0.014345,
        avgDurationMs: 60_000,
        ratings: { good: 0, bad: 0 },
      },
      {
        periodStart: '2024-03-03',
        attempted: 1,
        completed: 0,
        failed: 0,
        blocked: 1,
        successRate: 0,
        tokensIn: 50,
        tokensOut: 0,
        avgTokensPerCompletion: null,
        costUsd: 0,
        avgCostPerCompletion: null,
        avgDurationMs: 120_000,
        ratings: { good: 1, bad: 0 },
      },
    ]);
    expect(expectOk(await metrics(`/api/v1/workspaces/${ws.id}/metrics`, team.owner.key, q))).toEqual(after);
    const costs = expectOk(await h.call('GET', `/api/v1/workspaces/${ws.id}/costs?from=2024-03-02&to=2024-03-03`, { key: team.owner.key }));
    expect(costs).toEqual({
      from: '2024-03-02',
      to: '2024-03-03',
      totals: { costUsd: 0.014345, tokensIn: 1450, tokensOut: 600, executions: 3 },
      byDay: [
        { day: '2024-03-02', costUsd: 0.014345, tokens: 2000 },
        { day: '2024-03-03', costUsd: 0, tokens: 50 },
      ],
      byAgent: [{ agentId: bot.id, agentName: bot.name, costUsd: 0.014345, tokens: 2050, executions: 3 }],
      byModel: [
        { model: 'gpt-4o', costUsd: 0.014345, tokens: 2000, executions: 2 },
        { model: null, costUsd: 0, tokens: 50, executions: 1 },
      ],
      byCron: [],
    });
    clock.set(new Date('2024-03-02T12:00:00.000Z'));
  });
});

function rate(path: string, key: string) {
  return h.call('POST', `/api/v1/${path}/rating`, { key, body: { rating: 'good' } });
}

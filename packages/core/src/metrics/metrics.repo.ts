// The metric reads. Each is one aggregate over an indexed range: the daily rollup by (workspace_id, day) — its
// primary key — or (agent_id, day), and ratings by (workspace_id, updated_at) or (agent_id, updated_at).
// Executions themselves are never scanned: the rollup is written when an execution finishes.
import type { MetricsPeriod } from '@mc/contracts';
import { agents, crons, executionStatsDaily as stats, ratings } from '@mc/db';
import { and, eq, gte, lt, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context';
import { addDays } from './metrics.rules';

/** date_trunc units, written into the SQL from this closed table only (a parameter would make GROUP BY differ from SELECT). */
const UNIT: Record<MetricsPeriod, SQL> = { day: sql.raw(`'day'`), week: sql.raw(`'week'`), month: sql.raw(`'month'`) };

/** Whose figures: a workspace, optionally one agent of it. Both are in every predicate (tenancy in the query). */
export interface MetricsScope {
  workspaceId: string;
  agentId?: string;
}

// Sums travel as text: node-postgres returns bigint as a string and PGlite may return a JS bigint; Number() reads both.
const int = (expr: SQL) => sql<string>`coalesce(${expr}, 0)::text`.mapWith(Number);
/** USD numeric → exact integer micro-dollars (the column has 6 decimals). */
const micros = (expr: SQL) => sql<string>`coalesce(round(${expr} * 1000000), 0)::bigint::text`.mapWith(Number);

function statsWhere(scope: MetricsScope, from: string, to: string) {
  return and(
    eq(stats.workspaceId, scope.workspaceId),
    scope.agentId !== undefined ? eq(stats.agentId, scope.agentId) : undefined,
    gte(stats.day, from),
    lte(stats.day, to),
  );
}

export interface StatsBucketRow {
  bucket: string;
  attempted: number;
  succeeded: number;
  failed: number;
  blocked: number;
  tokensIn: number;
  tokensOut: number;
  costMicros: number;
  durationMs: number;
}

/** Rollup sums per bucket (`YYYY-MM-DD` of the bucket's first day) for days `from`..`to` (inclusive). */
export async function statsByBucket(ctx: Ctx, scope: MetricsScope, period: MetricsPeriod, from: string, to: string): Promise<StatsBucketRow[]> {
  const bucket = sql<string>`to_char(date_trunc(${UNIT[period]}, ${stats.day}::timestamp), 'YYYY-MM-DD')`;
  return ctx.db
    .select({
      bucket,
      attempted: int(sql`sum(${stats.attempted})`),
      succeeded: int(sql`sum(${stats.succeeded})`),
      failed: int(sql`sum(${stats.failed})`),
      blocked: int(sql`sum(${stats.blocked})`),
      tokensIn: int(sql`sum(${stats.tokensIn})`),
      tokensOut: int(sql`sum(${stats.tokensOut})`),
      costMicros: micros(sql`sum(${stats.costUsd})`),
      durationMs: int(sql`sum(${stats.durationMs})`),
    })
    .from(stats)
    .where(statsWhere(scope, from, to))
    .groupBy(sql`1`);
}

export interface RatingBucketRow {
  bucket: string;
  good: number;
  bad: number;
}

/** Ratings credited to the scope, per bucket of their last change (UTC), for days `from`..`to` (inclusive). */
export async function ratingsByBucket(ctx: Ctx, scope: MetricsScope, period: MetricsPeriod, from: string, to: string): Promise<RatingBucketRow[]> {
  const bucket = sql<string>`to_char(date_trunc(${UNIT[period]}, ${ratings.updatedAt} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;
  const start = new Date(`${from}T00:00:00.000Z`);
  const end = new Date(`${addDays(to, 1)}T00:00:00.000Z`);
  return ctx.db
    .select({
      bucket,
      good: int(sql`count(*) FILTER (WHERE ${ratings.rating} = 'good')`),
      bad: int(sql`count(*) FILTER (WHERE ${ratings.rating} = 'bad')`),
    })
    .from(ratings)
    .where(
      and(
        eq(ratings.workspaceId, scope.workspaceId),
        scope.agentId !== undefined ? eq(ratings.agentId, scope.agentId) : undefined,
        gte(ratings.updatedAt, start),
        lt(ratings.updatedAt, end),
      ),
    )
    .groupBy(sql`1`);
}

export interface CostRow {
  costMicros: number;
  tokensIn: number;
  tokensOut: number;
  executions: number;
}

const costColumns = {
  costMicros: micros(sql`sum(${stats.costUsd})`),
  tokensIn: int(sql`sum(${stats.tokensIn})`),
  tokensOut: int(sql`sum(${stats.tokensOut})`),
  executions: int(sql`sum(${stats.attempted})`),
};

export async function costsByDay(ctx: Ctx, workspaceId: string, from: string, to: string): Promise<(CostRow & { day: string })[]> {
  return ctx.db
    .select({ day: stats.day, ...costColumns })
    .from(stats)
    .where(statsWhere({ workspaceId }, from, to))
    .groupBy(stats.day);
}

export async function costsByAgent(ctx: Ctx, workspaceId: string, from: string, to: string): Promise<(CostRow & { agentId: string; agentName: string | null })[]> {
  return ctx.db
    .select({ agentId: stats.agentId, agentName: agents.name, ...costColumns })
    .from(stats)
    // The agent's row may be gone from the workspace's lists (deleted) but is kept, so its name still shows.
    .leftJoin(agents, and(eq(agents.id, stats.agentId), eq(agents.workspaceId, stats.workspaceId)))
    .where(statsWhere({ workspaceId }, from, to))
    .groupBy(stats.agentId, agents.name);
}

export async function costsByModel(ctx: Ctx, workspaceId: string, from: string, to: string): Promise<(CostRow & { model: string })[]> {
  return ctx.db
    .select({ model: stats.model, ...costColumns })
    .from(stats)
    .where(statsWhere({ workspaceId }, from, to))
    .groupBy(stats.model);
}

/** Cron runs charged to the workspace, per cron (the rollup's `cron_id`; '' is every execution outside a cron run). */
export async function costsByCron(ctx: Ctx, workspaceId: string, from: string, to: string): Promise<(CostRow & { cronId: string; cronName: string | null })[]> {
  return ctx.db
    .select({ cronId: stats.cronId, cronName: crons.name, ...costColumns })
    .from(stats)
    .leftJoin(crons, eq(crons.id, stats.cronId))
    .where(and(statsWhere({ workspaceId }, from, to), ne(stats.cronId, '')))
    .groupBy(stats.cronId, crons.name);
}

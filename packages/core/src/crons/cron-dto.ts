// A cron as the API answers it (ZCron), and a run (ZCronRun). Computed figures (next runs, description, status,
// success rate, what the caller may do) come from the rules, never from the client.
import { cronRuns, tickets } from '@mc/db';
import { and, inArray, sql, type SQL } from 'drizzle-orm';
import { rows as rawRows } from '@mc/db';
import type { Ctx } from '../context';
import type { CronRow, CronTargetInfo } from './cron-access';
import { visibleWorkspaceIds } from './cron-access';
import { cronAbilities, cronStatus, CRON_NEXT_RUNS, CRON_SUCCESS_RATE_WINDOW, viewerSeesWorkspace, type CronViewer } from './crons.rules';
import { describeSchedule, nextRuns, parseSchedule, type ParsedSchedule, type ScheduleKind } from './schedule';

export interface CronTask {
  title: string;
  instructions: string;
  labels: string[];
  priority: 'urgent' | 'high' | 'medium' | 'low';
  createTicket: boolean;
}
export interface CronRetry {
  maxAttempts: number;
  backoff: 'exponential' | 'fixed';
  baseSeconds: number;
  maxSeconds: number;
}

const parsedCache = new Map<string, ParsedSchedule | null>();

/** A stored schedule, parsed (cached by text: the same schedule parses once per process). Null if it no longer parses. */
export function storedSchedule(schedule: string): ParsedSchedule | null {
  let p = parsedCache.get(schedule);
  if (p === undefined) {
    try {
      p = parseSchedule(schedule);
    } catch {
      p = null;
    }
    if (parsedCache.size > 5000) parsedCache.clear();
    parsedCache.set(schedule, p);
  }
  return p;
}

const describedCache = new Map<string, string>();

/** The plain words of a stored schedule in its zone, cached (cronstrue costs ~0.3 ms a call; a list page asks 50 times). */
function describeStored(parsed: ParsedSchedule, timezone: string): string {
  if (parsed.kind === 'once') return describeSchedule(parsed, timezone);
  const key = `${timezone}|${parsed.source}`;
  let words = describedCache.get(key);
  if (words === undefined) {
    words = describeSchedule(parsed, timezone);
    if (describedCache.size > 5000) describedCache.clear();
    describedCache.set(key, words);
  }
  return words;
}

/** Runs of a cron pending or under way in workspaces the viewer sees: how many, and since when (the earliest start, or creation while still pending). */
export interface CronRunning {
  runs: number;
  since: string;
}

export function toCronDto(cron: CronRow, targets: CronTargetInfo[], viewer: CronViewer, successRate: number | null, now: Date, running: CronRunning | null = null) {
  const parsed = storedSchedule(cron.schedule);
  const visible = targets.filter((t) => viewerSeesWorkspace(viewer, t.workspaceId));
  const task = cron.task as unknown as CronTask;
  const retry = cron.retry as unknown as CronRetry;
  const upcoming = parsed && cron.enabled && cron.nextDueAt ? nextRuns(parsed, cron.timezone, now, CRON_NEXT_RUNS).map((d) => d.toISOString()) : [];
  return {
    id: cron.id,
    name: cron.name,
    schedule: cron.schedule,
    scheduleKind: cron.scheduleKind as ScheduleKind,
    timezone: cron.timezone,
    description: parsed ? describeStored(parsed, cron.timezone) : cron.schedule,
    nextRuns: upcoming,
    // A gateway-fired cron's next_due_at is not advanced by the scheduler (its gateway fires it): its next slot instead.
    nextDueAt: cron.gatewayId !== null ? (upcoming[0] ?? null) : (cron.nextDueAt?.toISOString() ?? null),
    status: cronStatus(cron),
    enabled: cron.enabled,
    pausedReason: cron.pausedReason,
    owner: cron.owner as 'mission_control' | 'gateway',
    gatewayId: cron.gatewayId,
    gatewayJobId: cron.gatewayJobId,
    sync:
      cron.gatewayId === null
        ? null
        : {
            state: (cron.syncState ?? 'pending') as 'ok' | 'pending' | 'conflict' | 'error',
            error: cron.syncState === 'conflict' ? null : cron.syncError,
            conflict: cron.syncState === 'conflict' ? cron.syncError : null,
            conflictResolution: (cron.conflictResolution ?? null) as 'mission_control' | 'gateway' | null,
            lastSyncedAt: cron.lastSyncedAt?.toISOString() ?? null,
          },
    readOnly: cron.readOnly,
    readOnlyReason: cron.readOnlyReason,
    missedRunPolicy: cron.missedRunPolicy as 'record' | 'force_run',
    missedStreak: cron.missedStreak,
    targets: visible.map((t) => ({ workspaceId: t.workspaceId, agentId: t.agentId, agentName: t.agentName, agentStatus: t.agentStatus })),
    hiddenTargets: targets.length - visible.length,
    task: {
      title: task.title,
      instructions: task.instructions ?? '',
      labels: task.labels ?? [],
      priority: task.priority ?? 'medium',
      createTicket: task.createTicket ?? true,
    },
    retry: { maxAttempts: retry.maxAttempts, backoff: retry.backoff, baseSeconds: retry.baseSeconds, maxSeconds: retry.maxSeconds },
    concurrency: cron.concurrency as 'skip' | 'queue_one' | 'allow',
    catchUp: cron.catchUp as 'once' | 'skip',
    failureStreak: cron.failureStreak,
    lastRun: cron.lastRunAt && cron.lastRunStatus ? { status: cron.lastRunStatus, at: cron.lastRunAt.toISOString() } : null,
    running,
    successRate,
    can: cronAbilities(
      viewer,
      targets.map((t) => t.workspaceId),
      cron,
    ),
    createdBy: cron.createdBy,
    createdAt: cron.createdAt.toISOString(),
    updatedAt: cron.updatedAt.toISOString(),
    version: cron.version,
  };
}
export type CronDto = ReturnType<typeof toCronDto>;

/**
 * The success rate of each cron over its latest CRON_SUCCESS_RATE_WINDOW finished runs in workspaces the viewer
 * sees: one statement for a page of crons, each a walk of `cron_runs_cron_idx` (cron_id, slot) from the newest.
 */
export async function successRates(ctx: Ctx, cronIds: string[], viewer: CronViewer): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (cronIds.length === 0) return out;
  const ids = visibleWorkspaceIds(viewer);
  if (ids !== null && ids.length === 0) return out;
  const visible: SQL = ids === null ? sql`true` : sql`r.workspace_id IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`;
  const list = sql.join(cronIds.map((id) => sql`(${id})`), sql`, `);
  const result = await rawRows<{ cron_id: string; ok: string | number; n: string | number }>(
    ctx.db,
    sql`SELECT c.cron_id, count(*) FILTER (WHERE x.status = 'success') AS ok, count(*) AS n
      FROM (VALUES ${list}) AS c(cron_id)
      CROSS JOIN LATERAL (
        SELECT r.status FROM ${cronRuns} r
        WHERE r.cron_id = c.cron_id AND r.status IN ('success', 'failed') AND ${visible}
        ORDER BY r.slot DESC LIMIT ${CRON_SUCCESS_RATE_WINDOW}
      ) x
      GROUP BY c.cron_id`,
  );
  for (const r of result) if (Number(r.n) > 0) out.set(r.cron_id, Number(r.ok) / Number(r.n));
  return out;
}

/**
 * The runs pending or under way of a page of crons, in workspaces the viewer sees: one statement, a scan of the
 * partial index `cron_runs_active_idx` (cron_id, agent_id, slot WHERE status IN ('pending', 'running')).
 */
export async function runningRuns(ctx: Ctx, cronIds: string[], viewer: CronViewer): Promise<Map<string, CronRunning>> {
  const out = new Map<string, CronRunning>();
  if (cronIds.length === 0) return out;
  const ids = visibleWorkspaceIds(viewer);
  if (ids !== null && ids.length === 0) return out;
  const result = await ctx.db
    .select({
      cronId: cronRuns.cronId,
      n: sql<string>`count(*)::text`,
      since: sql<string>`min(coalesce(${cronRuns.startedAt}, ${cronRuns.createdAt}))`.mapWith(cronRuns.createdAt),
    })
    .from(cronRuns)
    .where(and(inArray(cronRuns.cronId, cronIds), sql`${cronRuns.status} IN ('pending', 'running')`, ids === null ? undefined : inArray(cronRuns.workspaceId, ids)))
    .groupBy(cronRuns.cronId);
  for (const r of result) out.set(r.cronId, { runs: Number(r.n), since: new Date(r.since as unknown as Date | string).toISOString() });
  return out;
}

/** Answers for a page of crons: their targets, success rates and runs under way in three statements. */
export async function cronAnswers(ctx: Ctx, rows: CronRow[], viewer: CronViewer, loadTargets: (ids: string[]) => Promise<Map<string, CronTargetInfo[]>>) {
  const ids = rows.map((r) => r.id);
  const [targets, rates, running] = await Promise.all([loadTargets(ids), successRates(ctx, ids, viewer), runningRuns(ctx, ids, viewer)]);
  const now = ctx.clock.now();
  return rows.map((r) => toCronDto(r, targets.get(r.id) ?? [], viewer, rates.get(r.id) ?? null, now, running.get(r.id) ?? null));
}

/** The tickets a run links, as the history shows them (bounded: a run has one ticket per attempt at most). */
export interface CronRunTicket {
  id: string;
  number: number;
  title: string;
  status: string;
}

/**
 * The tickets of a page of runs, each in its run's workspace: one statement on the tickets' primary key for the
 * whole page. A ticket deleted since is left out (its id stays in `ticketIds`).
 */
export async function runTickets(ctx: Ctx, runs: Pick<CronRunRow, 'workspaceId' | 'ticketIds'>[]): Promise<Map<string, CronRunTicket & { workspaceId: string }>> {
  const out = new Map<string, CronRunTicket & { workspaceId: string }>();
  const ids = [...new Set(runs.flatMap((r) => r.ticketIds ?? []))];
  if (ids.length === 0) return out;
  const workspaces = [...new Set(runs.map((r) => r.workspaceId))];
  const found = await ctx.db
    .select({ id: tickets.id, workspaceId: tickets.workspaceId, number: tickets.number, title: tickets.title, status: tickets.status })
    .from(tickets)
    .where(and(inArray(tickets.id, ids), inArray(tickets.workspaceId, workspaces)));
  for (const t of found) out.set(t.id, t);
  return out;
}

export type CronRunRow = typeof cronRuns.$inferSelect;

/**
 * Usage of a run: the sums of the executions that carry its id (executions_cron_run_idx), in its workspace. The outer
 * columns are written qualified by hand: inside a one-table select Drizzle renders a column unqualified, which the
 * subquery would read as the execution's own.
 */
const usageOf = (expr: string) => sql.raw(`(SELECT ${expr} FROM executions e WHERE e.cron_run_id = cron_runs.id AND e.workspace_id = cron_runs.workspace_id)`);
export const runUsageColumns = {
  tokensIn: sql<string>`${usageOf('coalesce(sum(e.tokens_in), 0)::text')}`.mapWith(Number),
  tokensOut: sql<string>`${usageOf('coalesce(sum(e.tokens_out), 0)::text')}`.mapWith(Number),
  costUsd: sql<string>`${usageOf('coalesce(sum(e.cost_usd), 0)::numeric(20, 6)::text')}`,
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toCronRunDto(r: CronRunRow & { tokensIn?: number; tokensOut?: number; costUsd?: string }, known?: Map<string, CronRunTicket & { workspaceId: string }>) {
  const ticketIds = r.ticketIds ?? [];
  const linked: CronRunTicket[] = [];
  for (const id of ticketIds) {
    const t = known?.get(id);
    if (t && t.workspaceId === r.workspaceId) linked.push({ id: t.id, number: t.number, title: t.title, status: t.status });
  }
  return {
    id: r.id,
    cronId: r.cronId,
    slot: r.slot.toISOString(),
    targetAgentId: r.agentId,
    workspaceId: r.workspaceId,
    chargedWorkspaceId: r.workspaceId,
    trigger: r.trigger as 'schedule' | 'manual' | 'catch_up',
    status: r.status as 'pending' | 'running' | 'success' | 'failed' | 'skipped' | 'missed',
    reason: r.reason,
    attempt: r.attempt,
    attempts: (r.attempts ?? []) as Record<string, never>[],
    startTime: iso(r.startedAt),
    endTime: iso(r.endedAt),
    durationMs: r.durationMs,
    output: r.output,
    ticketIds,
    tickets: linked,
    tokensIn: r.tokensIn ?? 0,
    tokensOut: r.tokensOut ?? 0,
    costUsd: r.costUsd ?? '0.000000',
    dueAt: iso(r.dueAt),
    createdAt: r.createdAt.toISOString(),
  };
}

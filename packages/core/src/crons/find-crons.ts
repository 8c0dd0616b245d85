// Reading crons: the global view (every workspace the caller sees), one cron, its runs, and a schedule preview.
import { cronRuns, cronTargets, crons } from '@mc/db';
import { and, eq, exists, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context';
import { pageTotal, planPage, toPage, type PageQuery, type SortColumns, type TotalMode } from '../shared/pagination';
import { requirePrincipal } from '../shared/guards';
import { requireWorkspaceAccess } from '../shared/workspace-access';
import { cronViewer, cronVisibleSql, loadTargets, requireCron, visibleWorkspaceIds, type CronRow } from './cron-access';
import { cronAnswers, runTickets, runUsageColumns, toCronRunDto, type CronRunRow } from './cron-dto';
import type { CronStatus } from './crons.rules';
import { describeSchedule, nextRuns, parseSchedule, validateTimezone } from './schedule';

export const CRON_SORT_FIELDS = ['createdAt', 'name', 'nextDueAt'] as const;
export const CRON_RUN_SORT_FIELDS = ['slot', 'createdAt'] as const;

const sortColumns: SortColumns<CronRow> = {
  createdAt: { column: crons.createdAt, value: (r) => r.createdAt },
  name: { column: crons.name, value: (r) => r.name },
  nextDueAt: { column: crons.nextDueAt, value: (r) => r.nextDueAt },
};
const idColumn = { column: crons.id, value: (r: CronRow) => r.id };

export interface FindCronsInput extends PageQuery {
  workspaceId?: string;
  agentId?: string;
  status?: CronStatus;
  owner?: 'mission_control' | 'gateway';
  total?: TotalMode;
}

const STATUS_SQL: Record<CronStatus, () => SQL> = {
  active: () => and(eq(crons.enabled, true), eq(crons.failureStreak, 0))!,
  paused: () => eq(crons.enabled, false),
  failing: () => and(eq(crons.enabled, true), gt(crons.failureStreak, 0))!,
};

/**
 * GET /crons — every cron with a target in a workspace the caller sees (the instance admin: all; an agent: those
 * targeting its workspace), filtered and paged like every list. The default sort walks `crons_created_idx`, each row
 * checked by a probe of `cron_targets` (its primary key leads with cron_id); `meta.total` per ADR 0016.
 */
export async function findCrons(ctx: Ctx, input: FindCronsInput) {
  const viewer = await cronViewer(ctx);
  const where: (SQL | undefined)[] = [cronVisibleSql(ctx, viewer)];
  if (input.workspaceId) {
    const { workspace } = await requireWorkspaceAccess(ctx, input.workspaceId, 'crons.read');
    where.push(exists(ctx.db.select({ one: sql`1` }).from(cronTargets).where(and(eq(cronTargets.cronId, crons.id), eq(cronTargets.workspaceId, workspace.id)))));
  }
  if (input.agentId) {
    // Only a target the caller can see counts: an agent of a hidden workspace finds nothing.
    const ids = visibleWorkspaceIds(viewer);
    where.push(
      exists(
        ctx.db
          .select({ one: sql`1` })
          .from(cronTargets)
          .where(
            and(
              eq(cronTargets.cronId, crons.id),
              eq(cronTargets.agentId, input.agentId),
              ids === null ? undefined : ids.length ? inArray(cronTargets.workspaceId, ids) : sql`false`,
            ),
          ),
      ),
    );
  }
  if (input.status) where.push(STATUS_SQL[input.status]());
  if (input.owner) where.push(eq(crons.owner, input.owner));
  const plan = planPage(input, sortColumns, idColumn);
  const filter = and(...where);
  const rowsOut = await ctx.db.select().from(crons).where(and(filter, plan.where)).orderBy(...plan.orderBy).limit(plan.limit).offset(plan.offset);
  const total = await pageTotal(ctx.db, plan, input.total, rowsOut.length, crons, filter);
  const page = toPage(rowsOut, input, plan, sortColumns, idColumn, (r) => r, total);
  return { ...page, items: await cronAnswers(ctx, page.items, viewer, (ids) => loadTargets(ctx, ids)) };
}

/** GET /crons/{id} */
export async function getCron(ctx: Ctx, cronId: string) {
  const viewer = await cronViewer(ctx);
  const { cron, targets } = await requireCron(ctx, cronId, viewer);
  const [dto] = await cronAnswers(ctx, [cron], viewer, async () => new Map([[cron.id, targets]]));
  return dto;
}

export interface FindCronRunsInput extends PageQuery {
  status?: string;
  agentId?: string;
  total?: TotalMode;
}

const runSortColumns: SortColumns<CronRunRow> = {
  slot: { column: cronRuns.slot, value: (r) => r.slot },
  createdAt: { column: cronRuns.createdAt, value: (r) => r.createdAt },
};
const runIdColumn = { column: cronRuns.id, value: (r: CronRunRow) => r.id };

/**
 * GET /crons/{id}/runs — newest slot first by default (a walk of `cron_runs_cron_idx`), runs of targets in
 * workspaces the caller sees; tokens and cost summed from the executions that carry each run's id.
 */
export async function findCronRuns(ctx: Ctx, cronId: string, input: FindCronRunsInput) {
  const viewer = await cronViewer(ctx);
  const { cron } = await requireCron(ctx, cronId, viewer);
  const ids = visibleWorkspaceIds(viewer);
  const filter = and(
    eq(cronRuns.cronId, cron.id),
    ids === null ? undefined : inArray(cronRuns.workspaceId, ids),
    input.status ? eq(cronRuns.status, input.status) : undefined,
    input.agentId ? eq(cronRuns.agentId, input.agentId) : undefined,
  );
  const plan = planPage(input, runSortColumns, runIdColumn);
  const rowsOut = await ctx.db
    .select({ run: cronRuns, ...runUsageColumns })
    .from(cronRuns)
    .where(and(filter, plan.where))
    .orderBy(...plan.orderBy)
    .limit(plan.limit)
    .offset(plan.offset);
  const flat = rowsOut.map((r) => ({ ...r.run, tokensIn: r.tokensIn, tokensOut: r.tokensOut, costUsd: r.costUsd }));
  const [total, known] = await Promise.all([pageTotal(ctx.db, plan, input.total, flat.length, cronRuns, filter), runTickets(ctx, flat)]);
  return toPage(flat, input, plan, runSortColumns, runIdColumn, (r) => toCronRunDto(r, known), total);
}

/** POST /crons/preview — what a schedule means, by the server's rules, for the dashboard's live preview. */
export function previewSchedule(ctx: Ctx, input: { schedule: string; timezone: string; count?: number }) {
  requirePrincipal(ctx);
  const parsed = parseSchedule(input.schedule, 'schedule');
  const timezone = validateTimezone(input.timezone, 'timezone');
  return {
    schedule: parsed.source,
    scheduleKind: parsed.kind,
    timezone,
    description: describeSchedule(parsed, timezone),
    nextRuns: nextRuns(parsed, timezone, ctx.clock.now(), input.count ?? 3).map((d) => d.toISOString()),
  };
}

import { activity, memberships } from '@mc/db';
import { and, eq, gte, inArray, like, lt, sql, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context';
import { validation } from '../errors';
import { parseSearch } from '../shared/full-text';
import { escapeLike } from '../shared/like';
import { isNewestFirst, pageRows } from '../shared/search-windows';
import { planPage, toPage, type Page, type PageQuery, type SortColumns } from '../shared/pagination';
import { requireUser } from '../shared/guards';
import { memberWorkspaceIds, requireWorkspaceAccess } from '../shared/workspace-access';

export const ACTIVITY_SORT_FIELDS = ['createdAt'] as const;


export interface FindActivityInput extends PageQuery {
  workspaceId?: string;
  actorId?: string;
  agentId?: string;
  action?: string;
  status?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  q?: string;
}

// Explicit columns: never the generated `search` vector (it is as large as the text it indexes).
const columns = {
  id: activity.id,
  workspaceId: activity.workspaceId,
  actorKind: activity.actorKind,
  actorId: activity.actorId,
  actorName: activity.actorName,
  action: activity.action,
  targetKind: activity.targetKind,
  targetId: activity.targetId,
  summary: activity.summary,
  metadata: activity.metadata,
  status: activity.status,
  requestId: activity.requestId,
  createdAt: activity.createdAt,
};

type Row = { [K in keyof typeof columns]: (typeof activity.$inferSelect)[K] };

const sortColumns: SortColumns<Row> = { createdAt: { column: activity.createdAt, value: (r) => r.createdAt } };
const timeColumns = { time: activity.createdAt, week: activity.createdWeek };
const idColumn = { column: activity.id, value: (r: Row) => r.id };

export function toActivityDto(r: Row) {
  return {
    id: r.id,
    workspaceId: r.workspaceId,
    actor: { kind: r.actorKind as 'user' | 'agent' | 'system', id: r.actorId, name: r.actorName },
    action: r.action,
    target: { kind: r.targetKind, id: r.targetId },
    summary: r.summary,
    status: r.status,
    metadata: (r.metadata ?? {}) as Record<string, unknown>,
    requestId: r.requestId,
    createdAt: r.createdAt.toISOString(),
  };
}

/**
 * The activity log as the caller may see it: entries of their workspaces; instance-level entries (no
 * workspace) and every workspace for an instance admin.
 *
 * Every filter is served by an index walk in `created_at` order that stops after one page (bench/README.md,
 * "bench:activity", has the plans at a million rows): `(workspace_id, created_at, id)`, `(action, workspace_id,
 * created_at, id)`, `(status, workspace_id, created_at, id)`, `(actor_id, created_at)`, `(created_at, id)`. Words
 * (`q`) go through the GIN index of (workspace, week, words), newest weeks first (shared/search-windows.ts,
 * docs/adr/0006-word-search.md), or a walk of the time index for common words (PostgreSQL picks from its statistics).
 */
export async function findActivity(ctx: Ctx, input: FindActivityInput): Promise<Page<ReturnType<typeof toActivityDto>>> {
  const me = requireUser(ctx);
  if (input.from && input.to && input.from > input.to) {
    throw validation([{ field: 'from', in: 'query', message: 'must not be after `to`' }], '`from` must not be after `to`');
  }
  const where: (SQL | undefined)[] = [];
  const actor = input.actorId ?? input.agentId;
  if (actor) where.push(eq(activity.actorId, actor));
  if (input.action) where.push(actionFilter(input.action));
  if (input.status) where.push(eq(activity.status, input.status));
  if (input.targetId) where.push(eq(activity.targetId, input.targetId));
  if (input.from) where.push(gte(activity.createdAt, input.from));
  if (input.to) where.push(lt(activity.createdAt, input.to));
  const search = parseSearch(input.q);

  const plan = planPage(input, sortColumns, idColumn);
  let scope: SQL | undefined;
  if (input.workspaceId) {
    const { workspace } = await requireWorkspaceAccess(ctx, input.workspaceId, 'activity.read');
    scope = eq(activity.workspaceId, workspace.id);
  } else if (!me.isInstanceAdmin) {
    if (!search) return toPage(await findInMemberships(ctx, me.userId, input, where, plan), input, plan, sortColumns, idColumn, toActivityDto);
    // Words across the caller's workspaces: one scan of the (workspace, week, words) GIN index for all of them.
    const mine = await memberWorkspaceIds(ctx, me.userId);
    if (mine.length === 0) return toPage([], input, plan, sortColumns, idColumn, toActivityDto);
    scope = inArray(activity.workspaceId, mine);
  }
  const query = (words: SQL | undefined, window: SQL | undefined, limit: number, offset: number): Promise<Row[]> =>
    ctx.db
      .select(columns)
      .from(activity)
      .where(and(scope, ...where, words, window, plan.where))
      .orderBy(...plan.orderBy)
      .limit(limit)
      .offset(offset);
  const rows = await pageRows({
    search,
    searchColumn: activity.search,
    time: timeColumns,
    newestFirst: isNewestFirst(input.sort, 'createdAt'),
    now: ctx.clock.now(),
    limit: plan.limit,
    offset: plan.offset,
    query,
  });
  return toPage(rows, input, plan, sortColumns, idColumn, toActivityDto);
}

/**
 * The newest entries of each of the user's workspaces (one short index walk per workspace, LATERAL), merged. A
 * plain `workspace_id IN (…)` would walk the whole log's time index and skip other workspaces' entries, which is
 * unbounded when the user's workspaces are a small part of a large instance.
 */
async function findInMemberships(
  ctx: Ctx,
  userId: string,
  input: FindActivityInput,
  where: (SQL | undefined)[],
  plan: ReturnType<typeof planPage>,
): Promise<Row[]> {
  const a = ctx.db
    .select(columns)
    .from(activity)
    .where(and(eq(activity.workspaceId, memberships.workspaceId), ...where, plan.where))
    .orderBy(...plan.orderBy)
    .limit(plan.offset + plan.limit)
    .as('a');
  // The same order over the merged rows (the cursor condition already applies inside).
  const merged = planPage({ ...input, cursor: undefined }, { createdAt: { column: a.createdAt, value: (r: Row) => r.createdAt } }, { column: a.id, value: (r: Row) => r.id });
  const fields = Object.fromEntries(Object.keys(columns).map((k) => [k, a[k as keyof typeof columns]])) as unknown as typeof columns;
  return ctx.db
    .select(fields)
    .from(memberships)
    .crossJoinLateral(a)
    .where(eq(memberships.userId, userId))
    .orderBy(...merged.orderBy)
    .limit(plan.limit)
    .offset(plan.offset);
}

/**
 * `?action=`: an exact action, or a family `ticket.*` — every action of the family, which is the generated
 * `action_family` column (indexed in time order) for a one-word family, a prefix for a deeper one (`a.b.*`).
 */
function actionFilter(action: string): SQL {
  if (!action.endsWith('.*')) return eq(activity.action, action);
  const family = action.slice(0, -2);
  return family.includes('.') ? like(activity.action, `${escapeLike(family)}.%`) : eq(activity.actionFamily, family);
}

import type { ExecutionStatus } from '@mc/contracts';
import { agents, executions, memberships } from '@mc/db';
import { and, eq, exists, gte, inArray, lt, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { requirePrincipal } from '../shared/guards';
import type { Ctx } from '../context';
import { notFound, validation } from '../errors';
import { LIST_TOTAL_CAP, pageTotal, planPage, SEARCH_TOTAL_CAP, toPage, type PageQuery, type SortColumns, type TotalMode } from '../shared/pagination';
import { inWorkspaces, listStatement, perWorkspace, type WorkspaceSet } from '../shared/per-workspace';
import { memberWorkspaceIds, requireWorkspaceAccess } from '../shared/workspace-access';
import { executionColumns, toExecutionDto, type ExecutionRow } from './execution-dto';
import { parseSearch, searchCondition } from '../shared/full-text';
import { isNewestFirst, pageRows } from '../shared/search-windows';
import { normalizeModel } from './pricing.rules';

export const EXECUTION_SORT_FIELDS = ['startedAt', 'durationMs', 'costUsd'] as const;

export interface FindExecutionsInput extends PageQuery {
  workspaceId?: string;
  agentId?: string;
  ticketId?: string;
  status?: ExecutionStatus[];
  model?: string;
  /** Started at or after (inclusive). */
  from?: Date;
  /** Started before (exclusive). */
  to?: Date;
  q?: string;
  /** How `meta.total` is computed on an offset page (default `page`: no count, docs/adr/0016-list-totals.md). */
  total?: TotalMode;
}

type Row = ExecutionRow & { agentName: string | null };

// Running executions have no duration and unpriced ones no cost; keyset paging needs a total order without NULLs,
// so these sort as -1 (before every real value ascending, after them descending).
const durationKey = sql<number>`coalesce(${executions.durationMs}, -1)` as unknown as AnyColumn;
const costKey = sql<string>`coalesce(${executions.costUsd}, -1)` as unknown as AnyColumn;

const sortColumns: SortColumns<Row> = {
  startedAt: { column: executions.startedAt, value: (r) => r.startedAt, kind: 'timestamp' },
  durationMs: { column: durationKey, value: (r) => r.durationMs ?? -1, kind: 'integer' },
  costUsd: { column: costKey, value: (r) => r.costUsd ?? '-1', kind: 'decimal' },
};
const idColumn = { column: executions.id, value: (r: Row) => r.id };
const timeColumns = { time: executions.startedAt, week: executions.startedWeek };

const rowColumns = { ...executionColumns, agentName: agents.name };

const toDto = (r: Row) => toExecutionDto(r, r.agentName);

/**
 * The statement of GET /executions (after the caller's access is checked). Without words, each sort walks an index
 * of the workspace — `executions_workspace_started_idx`, `executions_workspace_duration_idx`,
 * `executions_workspace_cost_idx` (workspace, key, id), `executions_status_started_idx` for one status,
 * `executions_agent_started_idx` for one agent — and stops after `limit + 1` rows; a person without `?workspaceId=`
 * walks each of their workspaces (every workspace for the instance admin), merged (shared/per-workspace.ts). With
 * words (`q`) the rows come window by window through the GIN index (shared/search-windows.ts, ADR 0006): `statement`
 * is then absent and `searchRows` reads them. Exported so that a test can EXPLAIN the statement.
 */
export async function executionListQuery(ctx: Ctx, input: FindExecutionsInput) {
  const me = requirePrincipal(ctx);
  const search = parseSearch(input.q);
  let scope: SQL | undefined;
  let across: WorkspaceSet | undefined;
  if (input.workspaceId) {
    const { workspace } = await requireWorkspaceAccess(ctx, input.workspaceId, 'executions.read');
    scope = eq(executions.workspaceId, workspace.id);
  } else if (me.kind === 'agent') {
    scope = eq(executions.workspaceId, me.workspaceId);
  } else if (!search) {
    across = me.isInstanceAdmin ? 'all' : { userId: me.userId };
  } else if (!me.isInstanceAdmin) {
    // Constants, not a subquery: the planner then knows the workspaces (and uses the (workspace, words) index for q).
    const mine = await memberWorkspaceIds(ctx, me.userId);
    scope = mine.length === 0 ? sql`false` : inArray(executions.workspaceId, mine);
  }
  if (input.from && input.to && input.from > input.to) {
    throw validation([{ field: 'from', in: 'query', message: 'must not be after `to`' }], '`from` must not be after `to`');
  }
  const where: (SQL | undefined)[] = [];
  if (input.agentId) where.push(eq(executions.agentId, input.agentId));
  if (input.ticketId) where.push(eq(executions.ticketId, input.ticketId));
  if (input.status?.length) where.push(inArray(executions.status, input.status));
  if (input.model) where.push(eq(executions.model, normalizeModel(input.model)));
  if (input.from) where.push(gte(executions.startedAt, input.from));
  if (input.to) where.push(lt(executions.startedAt, input.to));
  const plan = planPage(input, sortColumns, idColumn);
  const select = (inWorkspace: SQL | undefined, words?: SQL, window?: SQL) =>
    ctx.db
      .select(rowColumns)
      .from(executions)
      .leftJoin(agents, eq(agents.id, executions.agentId))
      .where(and(inWorkspace, ...where, words, window, plan.where))
      .orderBy(...plan.orderBy);
  const words = search ? searchCondition(executions.search, search) : undefined;
  if (across) {
    const statement = perWorkspace<Row>(ctx, across, 'executions', plan, (ws) => select(sql`${executions.workspaceId} = ${ws}`));
    return { plan, search, filter: and(inWorkspaces(ctx, across, executions.workspaceId), ...where), statement, rows: () => statement.run() };
  }
  const statement = search ? undefined : listStatement<Row>(select(scope).limit(plan.limit).offset(plan.offset));
  const rows = (): Promise<Row[]> =>
    pageRows({
      search,
      searchColumn: executions.search,
      time: timeColumns,
      newestFirst: isNewestFirst(input.sort, 'startedAt'),
      now: ctx.clock.now(),
      limit: plan.limit,
      offset: plan.offset,
      query: (w, window, limit, offset) => select(scope, w, window).limit(limit).offset(offset),
    });
  return { plan, search, filter: and(scope, ...where, words), statement, rows };
}

/**
 * GET /executions — runs the caller may see: an agent, those of its workspace; a person, those of their workspaces
 * (every workspace for an instance admin); `workspaceId` narrows (404 if the caller cannot see it). `q` searches the
 * model, summary and decisions (full text: whole words, `word*` a prefix). Sorted by start (newest first by default),
 * duration or cost; offset or cursor paging; `meta.total` as `input.total` asks (docs/adr/0016-list-totals.md).
 */
export async function findExecutions(ctx: Ctx, input: FindExecutionsInput) {
  const { plan, search, filter, rows } = await executionListQuery(ctx, input);
  const rowsOut = await rows();
  const total = await pageTotal(ctx.db, plan, input.total, rowsOut.length, executions, filter, search ? SEARCH_TOTAL_CAP : LIST_TOTAL_CAP);
  return toPage(rowsOut, input, plan, sortColumns, idColumn, toDto, total);
}

/**
 * GET /executions/{id} — agents of the workspace, its members (viewers too: every role may read executions),
 * instance admins; anyone else 404. Who may see it is part of the query: one statement, and an execution of a
 * workspace the caller cannot see is never loaded.
 */
export async function getExecution(ctx: Ctx, executionId: string) {
  const me = requirePrincipal(ctx);
  const visible =
    me.kind === 'agent'
      ? eq(executions.workspaceId, me.workspaceId)
      : me.isInstanceAdmin
        ? undefined
        : exists(
            ctx.db
              .select({ one: sql`1` })
              .from(memberships)
              .where(and(eq(memberships.workspaceId, executions.workspaceId), eq(memberships.userId, me.userId))),
          );
  const [row] = await ctx.db
    .select(rowColumns)
    .from(executions)
    .leftJoin(agents, eq(agents.id, executions.agentId))
    .where(and(eq(executions.id, executionId), visible))
    .limit(1);
  if (!row) throw notFound('execution');
  return toDto(row);
}

import type { WorkspaceRole } from '@mc/contracts';
import { memberships, workspaces } from '@mc/db';
import type { Db } from '@mc/db';
import { and, count, desc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { escapeLike } from '../shared/like';
import { requireUser } from '../shared/guards';
import type { Ctx } from '../context';
import { planPage, toPage, type PageQuery, type SortColumns } from '../shared/pagination';
import { toWorkspaceDto } from './workspace-dto';
import { defaultWorkspaceIdSql } from './workspaces.repo';

export const WORKSPACE_SORT_FIELDS = ['createdAt', 'updatedAt', 'name', 'slug'] as const;
export const DEFAULT_SORT = '-createdAt';

/** `GET /workspaces` as most callers send it, prepared once per database handle. */
function prepareMemberFirstPage(db: Db) {
  return db
    .select({
      workspace: workspaces,
      role: memberships.role,
      defaultId: defaultWorkspaceIdSql,
      total: sql<number>`count(*) over ()`.mapWith(Number),
    })
    .from(workspaces)
    .innerJoin(memberships, and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, sql.placeholder('userId'))))
    .where(isNull(workspaces.archivedAt))
    .orderBy(desc(workspaces.createdAt), desc(workspaces.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('mc_list_workspaces_member');
}
const preparedLists = new WeakMap<Db, ReturnType<typeof prepareMemberFirstPage>>();
function memberFirstPage(db: Db) {
  let p = preparedLists.get(db);
  if (!p) {
    p = prepareMemberFirstPage(db);
    preparedLists.set(db, p);
  }
  return p;
}

export interface FindWorkspacesInput extends PageQuery {
  /** true: only archived; false (default): only active. */
  archived?: boolean;
  q?: string;
}

type Row = { workspace: typeof workspaces.$inferSelect; role: string | null; defaultId: string | null; total: number };

const sortColumns: SortColumns<Row> = {
  createdAt: { column: workspaces.createdAt, value: (r) => r.workspace.createdAt },
  updatedAt: { column: workspaces.updatedAt, value: (r) => r.workspace.updatedAt },
  name: { column: workspaces.name, value: (r) => r.workspace.name },
  slug: { column: workspaces.slug, value: (r) => r.workspace.slug },
};
const idColumn = { column: workspaces.id, value: (r: Row) => r.workspace.id };

/**
 * GET /workspaces — the caller's workspaces (all of them for an instance admin), in one query: the role, the
 * default marker and the total ride along.
 */
export async function findWorkspaces(ctx: Ctx, input: FindWorkspacesInput) {
  const me = requireUser(ctx);
  const plan = planPage(input, sortColumns, idColumn);
  const where: (SQL | undefined)[] = [input.archived ? isNotNull(workspaces.archivedAt) : isNull(workspaces.archivedAt), plan.where];
  if (!me.isInstanceAdmin) where.push(isNotNull(memberships.role));
  if (input.q) {
    const p = `%${escapeLike(input.q)}%`;
    where.push(or(ilike(workspaces.name, p), ilike(workspaces.slug, p)));
  }
  const join = and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, me.userId));
  // The common case (a member's first page, default sort) is a prepared statement: building and planning the
  // query again on every request cost more than running it (bench/README.md).
  const common = !me.isInstanceAdmin && !input.archived && !input.q && !input.cursor && input.sort === DEFAULT_SORT;
  const base = ctx.db
    .select({
      workspace: workspaces,
      role: memberships.role,
      defaultId: defaultWorkspaceIdSql,
      total: sql<number>`count(*) over ()`.mapWith(Number),
    })
    .from(workspaces);
  const query = me.isInstanceAdmin ? base.leftJoin(memberships, join) : base.innerJoin(memberships, join);
  const rowsOut = (
    common
      ? await memberFirstPage(ctx.db).execute({ userId: me.userId, limit: plan.limit, offset: plan.offset })
      : await query
          .where(and(...where))
          .orderBy(...plan.orderBy)
          .limit(plan.limit)
          .offset(plan.offset)
  ) as Row[];
  let total: number | undefined;
  if (plan.mode === 'offset') {
    total = rowsOut[0]?.total;
    if (total === undefined) {
      // An offset past the end returns no rows, so the window count is unknown: count once.
      total = plan.offset === 0 ? 0 : await countWorkspaces(ctx, me.isInstanceAdmin, join, where);
    }
  }
  return toPage(rowsOut, input, plan, sortColumns, idColumn, (r) => toWorkspaceDto(r.workspace, r.role as WorkspaceRole | null, r.defaultId, ctx.principal), total);
}

async function countWorkspaces(ctx: Ctx, all: boolean, join: SQL | undefined, where: (SQL | undefined)[]): Promise<number> {
  const q = ctx.db.select({ n: count() }).from(workspaces);
  const [row] = await (all ? q.leftJoin(memberships, join) : q.innerJoin(memberships, join)).where(and(...where));
  return Number(row?.n ?? 0);
}

// A list over several workspaces (a member of several, the instance admin) as one short index walk per workspace:
// each workspace's rows in list order, stopped after `offset + limit + 1`, merged and cut to the page. A plain
// `workspace_id IN (…)` cannot walk a (workspace, sort key, id) index in order across workspaces: PostgreSQL reads
// every matching row and sorts them, or walks a global index and skips the other workspaces' rows, which is
// unbounded when the caller's workspaces are a small part of a large instance (issue 13, bench/README.md "lists").
import { memberships, workspaces } from '@mc/db';
import { and, eq, inArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context';
import type { PagePlan } from './pagination';

/** The workspaces a list spans: every workspace (`all`: the instance admin) or a user's, optionally only in some roles. */
export type WorkspaceSet = 'all' | { userId: string; roles?: readonly string[] };

/** The builder of one workspace's rows: a select with its filters, the plan's cursor condition and ORDER BY. */
interface OneWorkspace {
  limit(n: number): { as(alias: string): unknown };
}

/** A list's statement: what the list runs, and its SQL (the plan tests EXPLAIN exactly this). */
export interface ListStatement<Row> {
  toSQL(): { sql: string; params: unknown[] };
  run(): Promise<Row[]>;
}

/** A single statement built with the query builder, as a ListStatement. */
export function listStatement<Row>(query: PromiseLike<unknown> & { toSQL(): { sql: string; params: unknown[] } }): ListStatement<Row> {
  return { toSQL: () => query.toSQL(), run: async () => (await query) as Row[] };
}

/**
 * The statement of a page over `set`: `oneWorkspace(workspaceId)` builds the list's statement for one workspace
 * (`workspaceId` is the SQL of the walked workspace, to compare with the list's workspace column), ordered by
 * `plan.orderBy`. The subquery is aliased as the list's table (`alias`), so that the plan's ORDER BY, written over
 * the table's columns, sorts the merged rows as well. Its rows are those the one-workspace statement selects.
 */
export function perWorkspace<Row>(ctx: Ctx, set: WorkspaceSet, alias: string, plan: PagePlan, oneWorkspace: (workspaceId: SQL) => OneWorkspace): ListStatement<Row> {
  const mine =
    set === 'all'
      ? ctx.db.select({ workspaceId: sql<string>`${workspaces.id}`.as('workspace_id') }).from(workspaces).as('mine')
      : ctx.db
          .select({ workspaceId: sql<string>`${memberships.workspaceId}`.as('workspace_id') })
          .from(memberships)
          .where(and(eq(memberships.userId, set.userId), set.roles ? inArray(memberships.role, [...set.roles]) : undefined))
          .as('mine');
  // The walk of one workspace stops after the rows the merged page can need (its offset, its rows, one more).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const one = oneWorkspace(sql`mine.workspace_id`).limit(plan.offset + plan.limit).as(alias) as any;
  // The subquery's own fields (through its alias, so that each keeps its column's mapping), not those of `mine`.
  const fields = Object.fromEntries(Object.keys(one._.selectedFields).map((k) => [k, one[k]]));
  const query = ctx.db
    .select(fields)
    .from(mine)
    .crossJoinLateral(one)
    .orderBy(...plan.orderBy)
    .limit(plan.limit)
    .offset(plan.offset);
  return { toSQL: () => query.toSQL(), run: async () => (await query) as Row[] };
}

/** `column` in the workspaces of `set`, as one condition (for a count over the same rows; none for `all`). */
export function inWorkspaces(ctx: Ctx, set: WorkspaceSet, column: AnyColumn): SQL | undefined {
  if (set === 'all') return undefined;
  return inArray(
    column,
    ctx.db
      .select({ id: memberships.workspaceId })
      .from(memberships)
      .where(and(eq(memberships.userId, set.userId), set.roles ? inArray(memberships.role, [...set.roles]) : undefined)),
  );
}

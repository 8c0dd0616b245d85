import { activity, memberships } from '@mc/db';
import { and, eq, gte, ilike, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context';
import { DomainError } from '../errors';
import { planPage, toPage, type Page, type PageQuery, type SortColumns } from '../shared/pagination';
import { requireUser } from '../auth/guards';
import { requireWorkspaceAccess } from '../workspaces/workspace-access';

export const ACTIVITY_SORT_FIELDS = ['createdAt'] as const;

export interface FindActivityInput extends PageQuery {
  workspaceId?: string;
  actorId?: string;
  agentId?: string;
  action?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  q?: string;
}

type Row = typeof activity.$inferSelect;

const sortColumns: SortColumns<Row> = { createdAt: { column: activity.createdAt, value: (r) => r.createdAt } };
const idColumn = { column: activity.id, value: (r: Row) => r.id };

export function toActivityDto(r: Row) {
  return {
    id: r.id,
    workspaceId: r.workspaceId,
    actor: { kind: r.actorKind as 'user' | 'agent' | 'system', id: r.actorId, name: r.actorName },
    action: r.action,
    target: { kind: r.targetKind, id: r.targetId },
    summary: r.summary,
    metadata: (r.metadata ?? {}) as Record<string, unknown>,
    requestId: r.requestId,
    createdAt: r.createdAt.toISOString(),
  };
}

/**
 * The activity log as the caller may see it: entries of their workspaces; instance-level entries (no
 * workspace) and every workspace for an instance admin.
 */
export async function findActivity(ctx: Ctx, input: FindActivityInput): Promise<Page<ReturnType<typeof toActivityDto>>> {
  const me = requireUser(ctx);
  const where: (SQL | undefined)[] = [];
  if (input.workspaceId) {
    const { workspace } = await requireWorkspaceAccess(ctx, input.workspaceId, 'activity.read');
    where.push(eq(activity.workspaceId, workspace.id));
  } else if (!me.isInstanceAdmin) {
    where.push(
      inArray(
        activity.workspaceId,
        ctx.db.select({ id: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, me.userId)),
      ),
    );
  }
  if (input.from && input.to && input.from > input.to) {
    throw new DomainError('VALIDATION_ERROR', '`from` must not be after `to`', {
      issues: [{ field: 'from', in: 'query', message: 'must not be after `to`' }],
    });
  }
  const actor = input.actorId ?? input.agentId;
  if (actor) where.push(eq(activity.actorId, actor));
  if (input.action) {
    // `workspace.*` selects a family of actions.
    where.push(input.action.endsWith('.*') ? ilike(activity.action, `${escapeLike(input.action.slice(0, -1))}%`) : eq(activity.action, input.action));
  }
  if (input.targetId) where.push(eq(activity.targetId, input.targetId));
  if (input.from) where.push(gte(activity.createdAt, input.from));
  if (input.to) where.push(lt(activity.createdAt, input.to));
  if (input.q) {
    const pattern = `%${escapeLike(input.q)}%`;
    where.push(or(ilike(activity.summary, pattern), ilike(activity.actorName, pattern), ilike(activity.action, pattern)));
  }
  const plan = planPage(input, sortColumns, idColumn);
  const rowsOut = await ctx.db
    .select()
    .from(activity)
    .where(and(...where, plan.where))
    .orderBy(...plan.orderBy)
    .limit(plan.limit)
    .offset(plan.offset);
  return toPage(rowsOut, input, plan, sortColumns, idColumn, toActivityDto);
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

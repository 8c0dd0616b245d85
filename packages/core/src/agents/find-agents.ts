import { agents, memberships } from '@mc/db';
import { and, eq, ilike, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import { escapeLike } from '../shared/like';
import { requireAgent, requirePrincipal } from '../shared/guards';
import type { Ctx } from '../context';
import { notFound } from '../errors';
import { planPage, toPage, type PageQuery, type SortColumns } from '../shared/pagination';
import { requireWorkspaceAccess } from '../shared/workspace-access';
import { requireAgentAccess } from './agent-access';
import { toAgentDto, type AgentRow } from './agent-dto';
import type { AgentStatus } from './agents.rules';

export const AGENT_SORT_FIELDS = ['createdAt', 'name', 'status', 'updatedAt'] as const;

export interface FindAgentsInput extends PageQuery {
  workspaceId?: string;
  status?: Exclude<AgentStatus, 'deleted'>;
  capability?: string;
  q?: string;
}

type Row = { agent: AgentRow };

const sortColumns: SortColumns<Row> = {
  createdAt: { column: agents.createdAt, value: (r) => r.agent.createdAt },
  updatedAt: { column: agents.updatedAt, value: (r) => r.agent.updatedAt },
  name: { column: agents.name, value: (r) => r.agent.name },
  status: { column: agents.status, value: (r) => r.agent.status },
};
const idColumn = { column: agents.id, value: (r: Row) => r.agent.id };

/**
 * GET /agents — for an agent, its own workspace's agents; for a person, the agents of one workspace
 * (`workspaceId`) or of all their workspaces. Deleted agents are never listed.
 */
export async function findAgents(ctx: Ctx, input: FindAgentsInput) {
  const me = requirePrincipal(ctx);
  const where: (SQL | undefined)[] = [ne(agents.status, 'deleted')];
  if (me.kind === 'agent') {
    if (input.workspaceId && input.workspaceId !== me.workspaceId) {
      await requireWorkspaceAccess(ctx, input.workspaceId, 'agents.read'); // 404 for another workspace
    }
    where.push(eq(agents.workspaceId, me.workspaceId));
  } else if (input.workspaceId) {
    const { workspace } = await requireWorkspaceAccess(ctx, input.workspaceId, 'agents.read');
    where.push(eq(agents.workspaceId, workspace.id));
  } else if (!me.isInstanceAdmin) {
    where.push(
      inArray(agents.workspaceId, ctx.db.select({ id: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, me.userId))),
    );
  }
  if (input.status) where.push(eq(agents.status, input.status));
  if (input.capability) where.push(sql`${agents.capabilities} @> ${JSON.stringify([input.capability])}::jsonb`);
  if (input.q) {
    const p = `%${escapeLike(input.q)}%`;
    where.push(or(ilike(agents.name, p), ilike(agents.description, p)));
  }
  const plan = planPage(input, sortColumns, idColumn);
  const rowsOut = (await ctx.db
    .select({ agent: agents, total: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(agents)
    .where(and(...where, plan.where))
    .orderBy(...plan.orderBy)
    .limit(plan.limit)
    .offset(plan.offset)) as (Row & { total: number })[];
  let total: number | undefined;
  if (plan.mode === 'offset') {
    total = rowsOut[0]?.total;
    if (total === undefined && plan.offset > 0) {
      // An offset past the end returns no rows, so the window count is unknown: count once.
      const [row] = await ctx.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(agents).where(and(...where));
      total = row?.n ?? 0;
    }
    total ??= 0;
  }
  const now = ctx.clock.now();
  return toPage(rowsOut, input, plan, sortColumns, idColumn, (r) => toAgentDto(r.agent, ctx.principal, now), total);
}

/** GET /agents/{id} — deleted agents still answer (with status `deleted`) so that history can name them. */
export async function getAgent(ctx: Ctx, agentId: string) {
  const { agent } = await requireAgentAccess(ctx, agentId);
  if (agent.status === 'deleted' && ctx.principal.kind === 'agent') throw notFound('agent');
  return toAgentDto(agent, ctx.principal, ctx.clock.now());
}

/** GET /agents/me — the calling agent. */
export async function getMyAgent(ctx: Ctx) {
  const me = requireAgent(ctx);
  return getAgent(ctx, me.agentId);
}

import { agents } from '@mc/db';
import { and, eq, ilike, ne, or, sql, type SQL } from 'drizzle-orm';
import { escapeLike } from '../shared/like';
import { requireAgent, requirePrincipal } from '../shared/guards';
import type { Ctx } from '../context';
import { notFound } from '../errors';
import { pageTotal, planPage, toPage, type PageQuery, type SortColumns, type TotalMode } from '../shared/pagination';
import { inWorkspaces, listStatement, perWorkspace, type WorkspaceSet } from '../shared/per-workspace';
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
  /** How `meta.total` is computed on an offset page (default `page`: no count, docs/adr/0016-list-totals.md). */
  total?: TotalMode;
}

const sortColumns: SortColumns<AgentRow> = {
  createdAt: { column: agents.createdAt, value: (r) => r.createdAt },
  updatedAt: { column: agents.updatedAt, value: (r) => r.updatedAt },
  name: { column: agents.name, value: (r) => r.name },
  status: { column: agents.status, value: (r) => r.status },
};
const idColumn = { column: agents.id, value: (r: AgentRow) => r.id };

/**
 * The statement of GET /agents (after the caller's access is checked). Each single-field sort walks one of the
 * partial `agents_workspace_*` indexes (workspace, field, id; deleted agents left out) and stops after `limit + 1`
 * rows; a person without `?workspaceId=` walks each of their workspaces (every workspace for the instance admin),
 * merged (shared/per-workspace.ts). Exported so that a test can EXPLAIN exactly this statement.
 */
export async function agentListQuery(ctx: Ctx, input: FindAgentsInput) {
  const me = requirePrincipal(ctx);
  let scope: SQL | undefined;
  let across: WorkspaceSet | undefined;
  if (me.kind === 'agent') {
    if (input.workspaceId && input.workspaceId !== me.workspaceId) {
      await requireWorkspaceAccess(ctx, input.workspaceId, 'agents.read'); // 404 for another workspace
    }
    scope = eq(agents.workspaceId, me.workspaceId);
  } else if (input.workspaceId) {
    const { workspace } = await requireWorkspaceAccess(ctx, input.workspaceId, 'agents.read');
    scope = eq(agents.workspaceId, workspace.id);
  } else {
    across = me.isInstanceAdmin ? 'all' : { userId: me.userId };
  }
  const where: (SQL | undefined)[] = [ne(agents.status, 'deleted')];
  if (input.status) where.push(eq(agents.status, input.status));
  if (input.capability) where.push(sql`${agents.capabilities} @> ${JSON.stringify([input.capability])}::jsonb`);
  if (input.q) {
    const p = `%${escapeLike(input.q)}%`;
    where.push(or(ilike(agents.name, p), ilike(agents.description, p)));
  }
  const plan = planPage(input, sortColumns, idColumn);
  const oneWorkspace = (inWorkspace: SQL | undefined) =>
    ctx.db
      .select()
      .from(agents)
      .where(and(inWorkspace, ...where, plan.where))
      .orderBy(...plan.orderBy);
  if (!across) {
    return { plan, filter: and(scope, ...where), statement: listStatement<AgentRow>(oneWorkspace(scope).limit(plan.limit).offset(plan.offset)) };
  }
  return {
    plan,
    filter: and(inWorkspaces(ctx, across, agents.workspaceId), ...where),
    statement: perWorkspace<AgentRow>(ctx, across, 'agents', plan, (ws) => oneWorkspace(sql`${agents.workspaceId} = ${ws}`)),
  };
}

/**
 * GET /agents — for an agent, its own workspace's agents; for a person, the agents of one workspace
 * (`workspaceId`) or of all their workspaces. Deleted agents are never listed. `meta.total` as `input.total` asks.
 */
export async function findAgents(ctx: Ctx, input: FindAgentsInput) {
  const { plan, filter, statement } = await agentListQuery(ctx, input);
  const rowsOut = await statement.run();
  const total = await pageTotal(ctx.db, plan, input.total, rowsOut.length, agents, filter);
  const now = ctx.clock.now();
  return toPage(rowsOut, input, plan, sortColumns, idColumn, (r) => toAgentDto(r, ctx.principal, now), total);
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

import { agents } from '@mc/db';
import { eq } from 'drizzle-orm';
import { requirePrincipal } from '../shared/guards';
import type { Ctx } from '../context';
import { DomainError, forbidden, notFound } from '../errors';
import { assertWorkspaceOpen, requireWorkspaceAccess, type WorkspaceAccess } from '../shared/workspace-access';
import { roleAllows } from '../shared/workspaces.rules';
import type { AgentRow } from './agent-dto';

export interface AgentAccess {
  agent: AgentRow;
  access: WorkspaceAccess;
  /** The caller is this agent. */
  isSelf: boolean;
  /** The caller may manage agents of this workspace (admin or owner, or instance admin). */
  canManage: boolean;
}

/**
 * Load an agent the caller may see: people of its workspace, and agents of the same workspace. Anything else is
 * 404, as is an unknown id. `lock` takes a row lock for the rest of the transaction.
 */
export async function requireAgentAccess(ctx: Ctx, agentId: string, opts: { lock?: boolean } = {}): Promise<AgentAccess> {
  const me = requirePrincipal(ctx);
  const q = ctx.db.select().from(agents).where(eq(agents.id, agentId)).limit(1);
  const [agent] = opts.lock ? await q.for('update') : await q;
  if (!agent || (me.kind === 'agent' && agent.workspaceId !== me.workspaceId)) throw notFound('agent');
  let access: WorkspaceAccess;
  try {
    access = await requireWorkspaceAccess(ctx, agent.workspaceId, 'agents.read');
  } catch (err) {
    if (err instanceof DomainError && err.code === 'NOT_FOUND') throw notFound('agent');
    throw err;
  }
  const isSelf = me.kind === 'agent' && me.agentId === agent.id;
  const canManage = me.kind === 'user' && roleAllows(access.effectiveRole, 'agents.manage');
  return { agent, access, isSelf, canManage };
}

/**
 * Managers only (workspace admin/owner); the agent itself when `selfAllowed`. Refused in an archived workspace,
 * unless the change only takes access away (`revokesAccess`: deactivating or deleting an agent; ADR 0003).
 */
export function assertCanManage(a: AgentAccess, opts: { selfAllowed?: boolean; revokesAccess?: boolean } = {}) {
  if (a.canManage || (opts.selfAllowed && a.isSelf)) {
    if (!opts.revokesAccess) assertWorkspaceOpen(a.access.workspace);
    return;
  }
  throw forbidden(opts.selfAllowed ? 'only the agent itself or a workspace admin can do this' : 'only a workspace admin can do this');
}

import type { RatingTargetKind } from '@mc/contracts';
import { executions, tickets } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import { requirePrincipal } from '../shared/guards';
import type { Ctx } from '../context';
import { DomainError, notFound } from '../errors';
import { requireWorkspaceAccess, type WorkspaceAccess } from '../shared/workspace-access';
import type { WorkspacePermission } from '../shared/workspaces.rules';
import { creditedAgent } from '../tickets/tickets.rules';

export interface RatingTarget {
  kind: RatingTargetKind;
  id: string;
  workspaceId: string;
  /** Who the work is credited to: the execution's agent; the ticket's holder, else its assigned agent; else nobody. */
  agentId: string | null;
  /** For the activity log: `#42 Fix login` or `execution exe_…`. */
  label: string;
  access: WorkspaceAccess;
}

/**
 * Load a ticket or an execution the caller may see (scoped by workspace in the query for agents, through the
 * membership for people) and check `permission` in its workspace. Unknown or invisible → 404 naming the kind.
 */
export async function requireRatingTarget(ctx: Ctx, kind: RatingTargetKind, id: string, permission: WorkspacePermission): Promise<RatingTarget> {
  const me = requirePrincipal(ctx);
  const ownWorkspace = me.kind === 'agent' ? me.workspaceId : undefined;
  let found: Omit<RatingTarget, 'access'> | undefined;
  if (kind === 'ticket') {
    const [t] = await ctx.db
      .select({ id: tickets.id, workspaceId: tickets.workspaceId, number: tickets.number, title: tickets.title, holder: tickets.claimedByAgentId, assignee: tickets.assigneeAgentId })
      .from(tickets)
      .where(and(eq(tickets.id, id), ownWorkspace ? eq(tickets.workspaceId, ownWorkspace) : undefined))
      .limit(1);
    // The lifecycle keeps the holder on record after done (tickets.rules.ts: `end`), so finished work is credited to whoever did it.
    if (t) found = { kind, id: t.id, workspaceId: t.workspaceId, agentId: creditedAgent({ claimedByAgentId: t.holder, assigneeAgentId: t.assignee }), label: `#${t.number} ${t.title}` };
  } else {
    const [e] = await ctx.db
      .select({ id: executions.id, workspaceId: executions.workspaceId, agentId: executions.agentId })
      .from(executions)
      .where(and(eq(executions.id, id), ownWorkspace ? eq(executions.workspaceId, ownWorkspace) : undefined))
      .limit(1);
    if (e) found = { kind, id: e.id, workspaceId: e.workspaceId, agentId: e.agentId, label: `execution ${e.id}` };
  }
  if (!found) throw notFound(kind);
  try {
    return { ...found, access: await requireWorkspaceAccess(ctx, found.workspaceId, permission) };
  } catch (err) {
    if (err instanceof DomainError && err.code === 'NOT_FOUND') throw notFound(kind);
    throw err;
  }
}

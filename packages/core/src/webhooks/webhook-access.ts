import type { WorkspaceRole } from '@mc/contracts';
import { memberships, webhookEndpoints, workspaces } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import { requireUser } from '../shared/guards';
import type { Ctx } from '../context';
import { forbidden, notFound } from '../errors';
import { assertWorkspaceOpen, requireWorkspaceAccess, type WorkspaceRow } from '../shared/workspace-access';
import { roleAllows } from '../shared/workspaces.rules';
import type { WorkspaceSet } from '../shared/per-workspace';

export type WebhookRow = typeof webhookEndpoints.$inferSelect;

/**
 * Webhooks are for workspace admins only (reading them too: URLs and payloads may carry integration details).
 * `write` also refuses an archived workspace. Not a member → 404; a member without the role → 403.
 */
export async function requireWebhookAdmin(ctx: Ctx, workspaceIdOrSlug: string, opts: { write: boolean }): Promise<WorkspaceRow> {
  requireUser(ctx);
  const access = await requireWorkspaceAccess(ctx, workspaceIdOrSlug, opts.write ? 'webhooks.manage' : 'workspace.read');
  if (!roleAllows(access.effectiveRole, 'webhooks.read')) throw forbidden('only a workspace admin can manage webhooks');
  return access.workspace;
}

/**
 * One endpoint by id, in the same query as the caller's membership of its workspace (tenancy in the query):
 * an endpoint of a workspace the caller is not in is 404, like one that does not exist.
 */
export async function requireWebhookAccess(ctx: Ctx, webhookId: string, opts: { write: boolean; lock?: boolean }): Promise<{ webhook: WebhookRow; workspace: WorkspaceRow }> {
  const me = requireUser(ctx);
  const q = ctx.db
    .select({ webhook: webhookEndpoints, workspace: workspaces, role: memberships.role })
    .from(webhookEndpoints)
    .innerJoin(workspaces, eq(workspaces.id, webhookEndpoints.workspaceId))
    .leftJoin(memberships, and(eq(memberships.workspaceId, webhookEndpoints.workspaceId), eq(memberships.userId, me.userId)))
    .where(and(eq(webhookEndpoints.id, webhookId), me.isInstanceAdmin ? undefined : eq(memberships.userId, me.userId)))
    .limit(1);
  const [row] = opts.lock ? await q.for('update', { of: webhookEndpoints }) : await q;
  if (!row) throw notFound('webhook');
  const role: WorkspaceRole = me.isInstanceAdmin ? 'owner' : (row.role as WorkspaceRole);
  if (!roleAllows(role, opts.write ? 'webhooks.manage' : 'webhooks.read')) throw forbidden('only a workspace admin can manage webhooks');
  if (opts.write) assertWorkspaceOpen(row.workspace);
  return { webhook: row.webhook, workspace: row.workspace };
}

/**
 * The workspaces the caller administers (an instance admin: every workspace), for the lists without a workspace
 * filter: walked one workspace at a time, counted with `inWorkspaces` (shared/per-workspace.ts).
 */
export function administered(ctx: Ctx): WorkspaceSet {
  const me = requireUser(ctx);
  return me.isInstanceAdmin ? 'all' : { userId: me.userId, roles: ['owner', 'admin'] };
}

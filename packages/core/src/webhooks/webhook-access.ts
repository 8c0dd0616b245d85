import type { WorkspaceRole } from '@mc/contracts';
import { memberships, webhookEndpoints, workspaces } from '@mc/db';
import { and, eq, inArray, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { requireUser } from '../shared/guards';
import type { Ctx } from '../context';
import { forbidden, notFound } from '../errors';
import { assertWorkspaceOpen, requireWorkspaceAccess, type WorkspaceRow } from '../shared/workspace-access';
import { roleAllows } from '../shared/workspaces.rules';

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
 * Condition "in a workspace the caller administers" for lists without a workspace filter (an instance admin:
 * every workspace).
 */
export function administeredWorkspaces(ctx: Ctx, column: AnyColumn): SQL | undefined {
  const me = requireUser(ctx);
  if (me.isInstanceAdmin) return undefined;
  return inArray(
    column,
    ctx.db
      .select({ id: memberships.workspaceId })
      .from(memberships)
      .where(and(eq(memberships.userId, me.userId), or(eq(memberships.role, 'owner'), eq(memberships.role, 'admin')))),
  );
}

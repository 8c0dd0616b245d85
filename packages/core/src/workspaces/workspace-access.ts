import type { WorkspaceRole } from '@mc/contracts';
import { memberships, workspaces } from '@mc/db';
import { and, eq, or } from 'drizzle-orm';
import { requireUser } from '../auth/guards';
import type { Ctx } from '../context';
import { DomainError, forbidden, notFound } from '../errors';
import { roleAllows, WRITE_PERMISSIONS, type WorkspacePermission } from './workspaces.rules';

export type WorkspaceRow = typeof workspaces.$inferSelect;

export interface WorkspaceAccess {
  workspace: WorkspaceRow;
  /** The caller's own role; null for an instance admin who is not a member. */
  role: WorkspaceRole | null;
  /** The role the rules apply: the caller's, or `owner` for an instance admin. */
  effectiveRole: WorkspaceRole;
}

/**
 * Load a workspace (by id or slug) with the caller's role in one query, and check `permission`.
 * Not a member → 404 (no existence leak); a member without the permission → 403.
 */
export async function requireWorkspaceAccess(ctx: Ctx, idOrSlug: string, permission: WorkspacePermission): Promise<WorkspaceAccess> {
  const me = requireUser(ctx);
  const [row] = await ctx.db
    .select({ workspace: workspaces, role: memberships.role })
    .from(workspaces)
    .leftJoin(memberships, and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, me.userId)))
    .where(or(eq(workspaces.id, idOrSlug), eq(workspaces.slug, idOrSlug)))
    .limit(1);
  if (!row || (!row.role && !me.isInstanceAdmin)) throw notFound('workspace');
  const role = (row.role as WorkspaceRole | null) ?? null;
  const effectiveRole: WorkspaceRole = me.isInstanceAdmin ? 'owner' : role!;
  if (!roleAllows(effectiveRole, permission)) throw forbidden(`your role (${effectiveRole}) cannot do this here`);
  if (row.workspace.archivedAt && WRITE_PERMISSIONS.has(permission)) {
    throw new DomainError('CONFLICT', 'this workspace is archived; restore it first');
  }
  return { workspace: row.workspace, role, effectiveRole };
}

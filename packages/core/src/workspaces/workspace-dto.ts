import type { WorkspaceRole } from '@mc/contracts';
import type { Principal } from '../context';
import type { WorkspaceRow } from '../shared/workspace-access';
import { canManageRole, roleAllows, WORKSPACE_PERMISSIONS, WRITE_PERMISSIONS, type WorkspacePermission } from '../shared/workspaces.rules';

const ALL_ROLES: WorkspaceRole[] = ['owner', 'admin', 'member', 'viewer'];

/**
 * What the caller may do here, computed from the rules table so that clients (the dashboard) show the right
 * controls without re-implementing the rules.
 */
const permissionCache = new Map<string, { permissions: Record<WorkspacePermission, boolean>; grantableRoles: WorkspaceRole[] }>();

export function permissionsFor(w: WorkspaceRow, role: WorkspaceRole | null, viewer: Principal) {
  const effective: WorkspaceRole | null = viewer.kind === 'user' && viewer.isInstanceAdmin ? 'owner' : role;
  const archived = !!w.archivedAt;
  // The answer depends only on (effective role, archived): computed once per pair, not per row.
  const key = `${effective}:${archived}`;
  let cached = permissionCache.get(key);
  if (!cached) {
    const permissions = Object.fromEntries(
      (Object.keys(WORKSPACE_PERMISSIONS) as WorkspacePermission[]).map((p) => [
        p,
        !!effective && roleAllows(effective, p) && !(archived && WRITE_PERMISSIONS.has(p)),
      ]),
    ) as Record<WorkspacePermission, boolean>;
    const grantableRoles = effective && !archived ? ALL_ROLES.filter((r) => roleAllows(effective, 'members.manage') && canManageRole(effective, r)) : [];
    cached = { permissions, grantableRoles };
    permissionCache.set(key, cached);
  }
  return { permissions: { ...cached.permissions }, grantableRoles: [...cached.grantableRoles] };
}

export function toWorkspaceDto(w: WorkspaceRow, role: WorkspaceRole | null, defaultWorkspaceId: string | null, viewer: Principal) {
  return {
    id: w.id,
    slug: w.slug,
    name: w.name,
    mission: w.mission,
    emoji: w.emoji,
    color: w.color,
    budget: {
      monthlyTokenLimit: w.monthlyTokenLimit ?? null,
      monthlyCostLimitUsd: w.monthlyCostLimitUsd === null ? null : Number(w.monthlyCostLimitUsd),
      hardStop: w.hardStop,
    },
    defaultRepository: w.defaultRepository,
    archived: w.archivedAt !== null,
    archivedAt: w.archivedAt?.toISOString() ?? null,
    isDefault: w.id === defaultWorkspaceId,
    role,
    ...permissionsFor(w, role, viewer),
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
    version: w.version,
  };
}
export type WorkspaceDto = ReturnType<typeof toWorkspaceDto>;

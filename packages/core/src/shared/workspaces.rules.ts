// Who may do what in a workspace: the one table. An instance admin acts as an owner everywhere.
import type { WorkspaceRole } from '@mc/contracts';

export const ROLE_RANK: Record<WorkspaceRole, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export const WORKSPACE_PERMISSIONS = {
  'workspace.read': ['owner', 'admin', 'member', 'viewer'],
  'workspace.update': ['owner', 'admin'],
  'workspace.archive': ['owner'],
  'workspace.budget': ['owner', 'admin'],
  'members.read': ['owner', 'admin', 'member', 'viewer'],
  'members.manage': ['owner', 'admin'],
  /** See the workspace's pending invitations (an archived workspace still shows them, read-only). */
  'invitations.read': ['owner', 'admin'],
  'activity.read': ['owner', 'admin', 'member', 'viewer'],
  'agents.read': ['owner', 'admin', 'member', 'viewer'],
  'agents.manage': ['owner', 'admin'],
  'tickets.read': ['owner', 'admin', 'member', 'viewer'],
  'tickets.write': ['owner', 'admin', 'member'],
  'tickets.manage': ['owner', 'admin'],
  /**
   * Hand a ticket to an agent: an execution starts and the task is POSTed to the agent's endpoint (POST
   * /tickets/{id}/dispatch). Members too, as they create and move tickets; not viewers, and not agents (see
   * AGENT_WORKSPACE_PERMISSIONS: an agent does not start work for another agent, whose runs its workspace pays for).
   */
  'tickets.dispatch': ['owner', 'admin', 'member'],
  /** See webhook endpoints and their deliveries: admins only (URLs and payloads may carry integration details). */
  'webhooks.read': ['owner', 'admin'],
  /** Register, change, rotate, redeliver and delete webhook endpoints. */
  'webhooks.manage': ['owner', 'admin'],
  /** Executions of the workspace's agents: their usage, cost, decisions and summaries. */
  'executions.read': ['owner', 'admin', 'member', 'viewer'],
  /** Execution metrics, cost breakdowns and rating summaries of the workspace and its agents. */
  'metrics.read': ['owner', 'admin', 'member', 'viewer'],
  /** Rate a ticket's or an execution's work good or bad (people only: agents do not grade work). */
  'ratings.write': ['owner', 'admin', 'member'],
  /** See the crons that target the workspace and their runs (a cron spans workspaces: see crons/crons.rules.ts). */
  'crons.read': ['owner', 'admin', 'member', 'viewer'],
  /** Create, change, run or delete a cron: needed in EVERY workspace it targets (crons/crons.rules.ts). */
  'crons.manage': ['owner', 'admin'],
  /** See the workspace's OpenClaw gateways: state, version, hosted agents, last error (never a token). */
  'gateways.read': ['owner', 'admin', 'member', 'viewer'],
  /** Register, change, delete, sync a gateway and add its hosted agents as agents (gateways/gateways.rules.ts). */
  'gateways.manage': ['owner', 'admin'],
} as const satisfies Record<string, readonly WorkspaceRole[]>;

export type WorkspacePermission = keyof typeof WORKSPACE_PERMISSIONS;

/**
 * Permissions that change the workspace; refused while it is archived (restoring it is the exception). Doors that
 * write without one of these (the claim, an agent's move, starting an execution) call the same guard,
 * `assertWorkspaceOpen` / `workspaceOpenSql` in workspace-access.ts; see ARCHIVED_WORKSPACE_ALLOWS for what an
 * archived workspace still takes (ADR 0003).
 */
export const WRITE_PERMISSIONS: ReadonlySet<WorkspacePermission> = new Set([
  'workspace.update',
  'workspace.budget',
  'members.manage',
  'agents.manage',
  'tickets.write',
  'tickets.manage',
  'tickets.dispatch',
  'webhooks.manage',
  'ratings.write',
  'crons.manage',
  'gateways.manage',
]);

/**
 * An archived workspace is frozen (ADR 0003): every door that writes in it answers 409 CONFLICT with
 * `details.reason: "workspace_archived"` and `/tickets/available` offers nothing. What it still takes, and why:
 */
export const ARCHIVED_WORKSPACE_ALLOWS = {
  /** Runs started before the archive may report and finish (PATCH /executions/{id}), so their cost is not lost. */
  inFlightExecutionReports: true,
  /** Heartbeats record liveness (and keep the caller's leases, so nothing moves in a frozen workspace). */
  heartbeats: true,
  /** Access can always be taken away: deactivating or deleting an agent, a member leaving. */
  revokingAccess: true,
  /** Restoring it (owner): `PATCH /workspaces/{id} {archived: false}`. */
  restore: true,
} as const;

export const WORKSPACE_ARCHIVED_MESSAGE = 'this workspace is archived; restore it first';

export function roleAllows(role: WorkspaceRole, permission: WorkspacePermission): boolean {
  return (WORKSPACE_PERMISSIONS[permission] as readonly WorkspaceRole[]).includes(role);
}

/**
 * May an actor with `actorRole` give (or take away) `targetRole`? Owners manage everyone; admins manage
 * admins, members and viewers but never owners; nobody else manages roles.
 */
export function canManageRole(actorRole: WorkspaceRole, targetRole: WorkspaceRole): boolean {
  if (actorRole === 'owner') return true;
  if (actorRole === 'admin') return targetRole !== 'owner';
  return false;
}

/**
 * What an agent may do in its one workspace (API.md, Roles): read the workspace and its people, never manage
 * it. Agent-specific actions (claiming tickets, rotating its own key) are checked by their own use cases.
 */
export const AGENT_WORKSPACE_PERMISSIONS: ReadonlySet<WorkspacePermission> = new Set([
  'workspace.read',
  'members.read',
  'agents.read',
  'tickets.read',
  'tickets.write',
  'metrics.read',
  'executions.read',
  'crons.read',
  'gateways.read',
]);

// Crons as data: who may see and do what, how a cron's status reads, and the figures its answer carries.
// A cron is instance-level: its targets (agents) may sit in several workspaces.
import type { WorkspaceRole } from '@mc/contracts';
import { roleAllows } from '../shared/workspaces.rules';

export const CRON_ID_PREFIX = 'crn';

/**
 * Who may do what with a cron (issue 14):
 * - see it: anyone who can see ONE of its targets' workspaces (any role; an instance admin sees all; an agent sees
 *   the crons that target it or its workspace). Targets in workspaces the caller cannot see are left out and counted
 *   (`hiddenTargets`); so are their runs. A cron the caller cannot see is 404.
 * - create, edit, run or delete it: `crons.manage` (owner or admin) in EVERY workspace it targets, or instance
 *   admin; never an agent (403). A visible cron the caller may not manage is 403.
 * - archived workspaces (ADR 0003): a cron cannot be created with, or given, a target in an archived workspace
 *   (409 workspace_archived). While it keeps a target there, the only change it takes is a pause (or dropping that
 *   target); its runs there are skipped (WORKSPACE_ARCHIVED) and "run now" leaves it out (409 workspace_archived when
 *   nothing else is left). It can always be deleted.
 */
export const CRON_RULES = {
  readPermission: 'crons.read',
  managePermission: 'crons.manage',
  managerNeedsEveryTargetWorkspace: true,
  agentsMayManage: false,
} as const;

/** How the caller stands in each workspace: the instance admin everywhere, a person by membership, an agent in its own. */
export type CronViewer =
  | { kind: 'instance_admin' }
  | { kind: 'member'; userId: string; roles: ReadonlyMap<string, WorkspaceRole> }
  | { kind: 'agent'; agentId: string; workspaceId: string };

export function viewerSeesWorkspace(viewer: CronViewer, workspaceId: string): boolean {
  switch (viewer.kind) {
    case 'instance_admin':
      return true;
    case 'member':
      return viewer.roles.has(workspaceId);
    case 'agent':
      return viewer.workspaceId === workspaceId;
  }
}

/** May the viewer manage a cron with targets in these workspaces? (Every one, by CRON_RULES.) */
export function viewerManages(viewer: CronViewer, targetWorkspaceIds: Iterable<string>): boolean {
  if (viewer.kind === 'instance_admin') return true;
  if (viewer.kind === 'agent') return false;
  let any = false;
  for (const ws of targetWorkspaceIds) {
    any = true;
    const role = viewer.roles.get(ws);
    if (!role || !roleAllows(role, CRON_RULES.managePermission)) return false;
  }
  return any;
}

/**
 * Crons that live on an OpenClaw gateway (issue 15, ADR 0020):
 * - a cron that targets a gateway agent (an agent linked to a gateway) has that one target: several gateway targets
 *   are several crons (400 on create/update otherwise); the gateway fires it, the scheduler never does;
 * - a read-only one (a built-in job of the gateway, or one Mission Control cannot express) takes no edit, run or
 *   delete (409 `read_only`), except its missed-run policy, which is Mission Control's own;
 * - a gateway-owned one (made on the gateway) is deleted on the gateway: deleting it here is refused (409
 *   `gateway_owned`), since the next sync would bring it back (there are no tombstones).
 */
export const CRON_GATEWAY_RULES = {
  gatewayTargetIsOnlyTarget: true,
  readOnlyRefuses: ['edit', 'run', 'delete'],
  readOnlyAllowsFields: ['missedRunPolicy'],
  gatewayOwnedDelete: 'refused',
} as const;

/** What the caller may do, for the dashboard to ask the server instead of guessing. */
export function cronAbilities(viewer: CronViewer, targetWorkspaceIds: Iterable<string>, cron: { readOnly?: boolean; owner?: string; gatewayId?: string | null } = {}) {
  const manage = viewerManages(viewer, targetWorkspaceIds);
  const writable = manage && !cron.readOnly;
  const onGateway = cron.gatewayId != null;
  return { edit: writable, run: writable && !onGateway, delete: writable && cron.owner !== 'gateway', setMissedRunPolicy: manage && onGateway };
}

/** Why a change to a gateway cron is refused (409 reason and words), or null: the rules above as a check. */
export function gatewayCronRefusal(
  cron: { readOnly: boolean; owner: string; gatewayId: string | null },
  op: 'edit' | 'run' | 'delete',
  fields: readonly string[] = [],
): { reason: 'read_only' | 'gateway_owned' | 'gateway_fired'; message: string } | null {
  if (cron.readOnly && !(op === 'edit' && fields.every((f) => (CRON_GATEWAY_RULES.readOnlyAllowsFields as readonly string[]).includes(f))))
    return { reason: 'read_only', message: 'this cron is a gateway job Mission Control does not change (built-in, or not expressible here): change it on the gateway' };
  if (op === 'delete' && cron.owner === 'gateway') return { reason: 'gateway_owned', message: 'this cron was made on its gateway: delete it there (the next sync removes it here)' };
  if (op === 'run' && cron.gatewayId !== null) return { reason: 'gateway_fired', message: 'this cron is fired by its gateway: run it there (its run is recorded here)' };
  return null;
}

export type CronStatus = 'active' | 'paused' | 'failing';

/** paused: disabled; failing: enabled with failed runs in a row; active otherwise. */
export function cronStatus(c: { enabled: boolean; failureStreak: number }): CronStatus {
  if (!c.enabled) return 'paused';
  return c.failureStreak > 0 ? 'failing' : 'active';
}

/** How many next slots a cron's answer lists. */
export const CRON_NEXT_RUNS = 3;
/** The success rate is over this many of the latest finished runs (success or failed). */
export const CRON_SUCCESS_RATE_WINDOW = 20;
/** Run statuses the success rate counts. */
export const CRON_FINISHED_STATUSES = ['success', 'failed'] as const;

/** A run's target is runnable now when its workspace is open and its agent active. */
export function targetSkipReason(t: { workspaceArchived: boolean; agentStatus: string | null }): string | null {
  if (t.workspaceArchived) return 'WORKSPACE_ARCHIVED';
  if (t.agentStatus !== 'active') return 'AGENT_INACTIVE';
  return null;
}

/** Agent statuses a cron may target (a pending agent can be approved later; its runs are skipped until then). */
export const CRON_TARGETABLE_AGENT_STATUSES = ['pending', 'active', 'deactivated'] as const;

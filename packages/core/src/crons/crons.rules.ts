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

/** What the caller may do, for the dashboard to ask the server instead of guessing. */
export function cronAbilities(viewer: CronViewer, targetWorkspaceIds: Iterable<string>) {
  const manage = viewerManages(viewer, targetWorkspaceIds);
  return { edit: manage, run: manage, delete: manage };
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

'use client';
// Workspace settings: identity (with optimistic concurrency), budget, default workspace, archive/restore.
import { ArchiveWorkspace } from '@/src/features/settings/archive-workspace';
import { BudgetSettings } from '@/src/features/settings/budget-settings';
import { DefaultWorkspace } from '@/src/features/settings/default-workspace';
import { GeneralSettings } from '@/src/features/settings/general-settings';
import { PullRequestSettings } from '@/src/features/settings/pull-request-settings';
import { Notice, useTitle } from '@/src/ui/components';
import { useSession } from '@/src/ui/session';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function WorkspaceSettingsPage() {
  const { workspace: w } = useWorkspace();
  const { me } = useSession();
  useTitle(`Settings · ${w.name}`);
  // What the caller may do here comes with the workspace (computed from the rules in core; false while archived).
  const p = w.permissions;

  return (
    <div className="space-y-6">
      {!p['workspace.update'] && !w.archived && <Notice>Only owners and admins can change these settings. You can read them.</Notice>}
      <GeneralSettings key={w.id} editable={!!p['workspace.update']} />
      <PullRequestSettings key={`pr-${w.id}`} editable={!!p['workspace.update']} />
      <BudgetSettings key={`budget-${w.id}`} editable={!!p['workspace.budget']} />
      {me.user.isInstanceAdmin && <DefaultWorkspace />}
      {p['workspace.archive'] && <ArchiveWorkspace />}
    </div>
  );
}

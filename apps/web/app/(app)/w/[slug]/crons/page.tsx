'use client';
// The crons with a target in this workspace (a cron may also target others; those targets show as far as the
// caller can see them). Kept live by the workspace's event stream.
import { CronList } from '@/src/features/crons/cron-list';
import { canManageCrons } from '@/src/features/crons/permissions';
import { LinkButton, useTitle } from '@/src/ui/components';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function WorkspaceCronsPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Crons · ${w.name}`);
  const action = canManageCrons(w) ? (
    <LinkButton href={`/crons/new?workspaceId=${encodeURIComponent(w.id)}`} variant="primary" size="sm">
      New cron
    </LinkButton>
  ) : undefined;
  return <CronList workspaceId={w.id} actions={action} />;
}

'use client';
// Every cron the caller can see, across workspaces (CRON-02): filtered by workspace, agent, status and owner,
// paged with "Load more"; "New cron" for whoever may create one somewhere.
import { CronList } from '@/src/features/crons/cron-list';
import { canManageCrons } from '@/src/features/crons/permissions';
import { LinkButton, PageHeader, useTitle } from '@/src/ui/components';
import { useSession } from '@/src/ui/session';

export default function CronsPage() {
  useTitle('Crons');
  const { workspaces } = useSession();
  const mayCreate = (workspaces ?? []).some(canManageCrons);
  return (
    <>
      <PageHeader
        title="Crons"
        description="Scheduled work for agents, in every workspace you can see. Times show in each cron's own time zone; hover for UTC."
        actions={mayCreate ? <LinkButton href="/crons/new" variant="primary">New cron</LinkButton> : undefined}
      />
      <CronList />
    </>
  );
}

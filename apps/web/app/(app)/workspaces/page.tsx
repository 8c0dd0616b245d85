'use client';
// All workspaces the caller can see (all of them for an instance admin), archived ones on request, "create", and the
// caller's pending invitations (accept or decline).
import { CreateWorkspace } from '@/src/features/workspaces/create-workspace';
import { WorkspaceList } from '@/src/features/workspaces/workspace-list';
import { MyInvitations } from '@/src/features/invitations/my-invitations';
import { PageHeader, useTitle } from '@/src/ui/components';

export default function WorkspacesPage() {
  useTitle('Workspaces');
  return (
    <>
      <PageHeader title="Workspaces" description="Each workspace has its own mission, members, agents and budget." />
      <MyInvitations />
      <div className="grid gap-8 lg:grid-cols-[1fr_22rem]">
        <WorkspaceList />
        <aside>
          <CreateWorkspace />
        </aside>
      </div>
    </>
  );
}

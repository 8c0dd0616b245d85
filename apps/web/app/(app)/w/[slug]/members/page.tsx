'use client';
// Members of a workspace: add or invite by e-mail, pending invitations (revoke), change roles, remove, leave.
// Controls follow the caller's permissions and grantable roles as the API reports them on the workspace (the rules
// live in core); the API decides — whether an address is added at once (201) or invited (202) too — and its refusals
// are shown.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { AddMember } from '@/src/features/members/add-member';
import { MembersTable } from '@/src/features/members/members-table';
import { useMemberChanged, useMembers } from '@/src/features/members/queries';
import { api } from '@/src/data/client';
import { Card, ConfirmDialog, Notice, useTitle } from '@/src/ui/components';
import { WorkspaceInvitations } from '@/src/ui/invitations';
import { useSession } from '@/src/ui/session';
import { ROLE_LABEL, type Member } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function MembersPage() {
  const { workspace: w } = useWorkspace();
  const { me, refreshWorkspaces } = useSession();
  const router = useRouter();
  useTitle(`Members · ${w.name}`);
  const query = useMembers(w.id);
  const members = query.data ?? (query.isError ? [] : null);
  const changed = useMemberChanged(w.id);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [invitationsKey, setInvitationsKey] = useState(0);
  const manager = !!w.permissions['members.manage'];

  const grantable = w.grantableRoles;
  const removingSelf = removing?.userId === me.user.id;

  return (
    <div className="space-y-6">
      {notice && <Notice tone="success">{notice}</Notice>}
      {manager && (
        <AddMember
          workspaceId={w.id}
          grantable={grantable}
          onAdded={(m) => (setNotice(`${m.name} was added as ${ROLE_LABEL[m.role].toLowerCase()}.`), changed())}
          onInvited={(sent) => {
            setNotice(`Invitation sent to ${sent.invitation.email}. They can accept it for 14 days; it is listed under Pending invitations until then.`);
            setInvitationsKey((k) => k + 1);
          }}
        />
      )}
      {!manager && !w.archived && (
        <p className="text-sm text-slate-500">You are {w.role === 'viewer' ? 'a viewer' : 'a member'} here; owners and admins manage who belongs to this workspace.</p>
      )}
      <Card title="Members" description={members ? `${members.length} ${members.length === 1 ? 'person' : 'people'} in ${w.name}` : undefined}>
        <MembersTable
          members={members}
          error={query.error}
          selfId={me.user.id}
          manager={manager}
          grantable={grantable}
          workspaceId={w.id}
          onChanged={changed}
          onRemove={setRemoving}
        />
      </Card>
      {/* Seeing invitations takes the role that sends them (`invitations.read`); an archived workspace still shows them, read-only. */}
      {w.permissions['invitations.read'] && (
        <WorkspaceInvitations workspaceId={w.id} reloadKey={invitationsKey} canRevoke={(inv) => manager && grantable.includes(inv.role)} onChanged={(message) => setNotice(message)} />
      )}
      <ConfirmDialog
        open={removing !== null}
        title={removingSelf ? `Leave ${w.name}?` : `Remove ${removing?.name ?? ''}?`}
        confirmLabel={removingSelf ? 'Leave workspace' : 'Remove member'}
        onClose={() => setRemoving(null)}
        onConfirm={async () => {
          if (!removing) return;
          await api.delete('/workspaces/{id}/members/{userId}', { params: { path: { id: w.id, userId: removing.userId } } });
          if (removingSelf) {
            await refreshWorkspaces();
            // An instance admin can still see the workspace; everyone else loses it.
            if (me.user.isInstanceAdmin) {
              setNotice('You left this workspace.');
              changed();
            } else router.push('/workspaces');
          } else {
            setNotice(`${removing.name} was removed from ${w.name}.`);
            changed();
          }
        }}
      >
        {removingSelf ? 'You will lose access to this workspace unless someone adds you again.' : `${removing?.name ?? ''} (${removing?.email ?? ''}) will lose access to ${w.name} at once.`}
      </ConfirmDialog>
    </div>
  );
}

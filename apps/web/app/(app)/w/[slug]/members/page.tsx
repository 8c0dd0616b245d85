'use client';
// Members of a workspace: add or invite by e-mail, pending invitations (revoke), change roles, remove, leave.
// Controls follow the caller's permissions and grantable roles as the API reports them on the workspace (the rules
// live in core); the API decides — whether an address is added at once (201) or invited (202) too — and its refusals
// are shown.
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { api, apiList, toApiError, type ApiError } from '@/src/ui/api';
import { Badge, Button, Card, ConfirmDialog, EmptyState, ErrorAlert, Loading, Notice, RoleBadge, SelectField, TextField, Time, useTitle } from '@/src/ui/components';
import { WorkspaceInvitations } from '@/src/ui/invitations';
import { useSession } from '@/src/ui/session';
import { ROLE_LABEL, type InvitationSent, type Member, type WorkspaceRole } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function MembersPage() {
  const { workspace: w, role } = useWorkspace();
  const { me, refreshWorkspaces } = useSession();
  const router = useRouter();
  useTitle(`Members · ${w.name}`);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [invitationsKey, setInvitationsKey] = useState(0);
  const manager = !!w.permissions['members.manage'];
  // Seeing invitations takes the role that sends them; an archived workspace still shows them (read-only).
  const seesInvitations = manager || (w.archived && (role === 'owner' || role === 'admin' || me.user.isInstanceAdmin));

  const load = useCallback(async () => {
    try {
      const { items } = await apiList<Member>(`/workspaces/${w.id}/members`);
      setMembers(items);
      setError(null);
    } catch (err) {
      setError(toApiError(err));
      setMembers((m) => m ?? []);
    }
  }, [w.id]);

  useEffect(() => {
    void load();
  }, [load]);

  const grantable = w.grantableRoles;
  const removingSelf = removing?.userId === me.user.id;

  return (
    <div className="space-y-6">
      {notice && <Notice tone="success">{notice}</Notice>}
      {manager && (
        <AddMember
          workspaceId={w.id}
          grantable={grantable}
          onAdded={(m) => (setNotice(`${m.name} was added as ${ROLE_LABEL[m.role].toLowerCase()}.`), void load())}
          onInvited={(sent) => {
            setNotice(`Invitation sent to ${sent.invitation.email}. They can accept it for 14 days; it is listed under Pending invitations until then.`);
            setInvitationsKey((k) => k + 1);
          }}
        />
      )}
      {!manager && !w.archived && (
        <p className="text-sm text-slate-500">You are {role === 'viewer' ? 'a viewer' : 'a member'} here; owners and admins manage who belongs to this workspace.</p>
      )}
      <Card title="Members" description={members ? `${members.length} ${members.length === 1 ? 'person' : 'people'} in ${w.name}` : undefined}>
        <ErrorAlert error={error} className="mb-4" />
        {members === null ? (
          <Loading />
        ) : members.length === 0 ? (
          <EmptyState icon="👥" title="No members">
            Add people by their e-mail address.
          </EmptyState>
        ) : (
          <div className="relative -mx-5 -my-4 overflow-x-auto">
            <table className="min-w-full text-sm" data-testid="members-table">
              <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="px-5 py-2.5">Name</th>
                  <th scope="col" className="px-3 py-2.5">Email</th>
                  <th scope="col" className="px-3 py-2.5">Role</th>
                  <th scope="col" className="px-3 py-2.5">Added</th>
                  <th scope="col" className="px-5 py-2.5 text-right">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {members.map((m) => (
                  <MemberRow
                    key={m.userId}
                    member={m}
                    isSelf={m.userId === me.user.id}
                    canEdit={manager && grantable.includes(m.role)}
                    grantable={grantable}
                    workspaceId={w.id}
                    onChanged={(updated) => setMembers((list) => list?.map((x) => (x.userId === updated.userId ? updated : x)) ?? null)}
                    onRemove={() => setRemoving(m)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {seesInvitations && (
        <WorkspaceInvitations
          workspaceId={w.id}
          reloadKey={invitationsKey}
          canRevoke={(inv) => manager && grantable.includes(inv.role)}
          onChanged={(message) => setNotice(message)}
        />
      )}
      <ConfirmDialog
        open={removing !== null}
        title={removingSelf ? `Leave ${w.name}?` : `Remove ${removing?.name ?? ''}?`}
        confirmLabel={removingSelf ? 'Leave workspace' : 'Remove member'}
        onClose={() => setRemoving(null)}
        onConfirm={async () => {
          if (!removing) return;
          await api('DELETE', `/workspaces/${w.id}/members/${encodeURIComponent(removing.userId)}`);
          if (removingSelf) {
            await refreshWorkspaces();
            // An instance admin can still see the workspace; everyone else loses it.
            if (me.user.isInstanceAdmin) {
              setNotice('You left this workspace.');
              void load();
            } else router.push('/workspaces');
          } else {
            setNotice(`${removing.name} was removed from ${w.name}.`);
            void load();
          }
        }}
      >
        {removingSelf
          ? "You will lose access to this workspace unless someone adds you again."
          : `${removing?.name ?? ''} (${removing?.email ?? ''}) will lose access to ${w.name} at once.`}
      </ConfirmDialog>
    </div>
  );
}

function MemberRow({
  member: m,
  isSelf,
  canEdit,
  grantable,
  workspaceId,
  onChanged,
  onRemove,
}: {
  member: Member;
  isSelf: boolean;
  canEdit: boolean;
  grantable: WorkspaceRole[];
  workspaceId: string;
  onChanged: (m: Member) => void;
  onRemove: () => void;
}) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function changeRole(role: WorkspaceRole) {
    setPending(true);
    setError(null);
    try {
      onChanged(await api<Member>('PATCH', `/workspaces/${workspaceId}/members/${encodeURIComponent(m.userId)}`, { role }));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  const options = grantable.includes(m.role) ? grantable : [m.role, ...grantable];
  return (
    <tr data-testid={`member-${m.email}`}>
      <td className="px-5 py-3 font-medium text-slate-900">
        {m.name} {isSelf && <Badge tone="indigo">you</Badge>}
      </td>
      <td className="px-3 py-3 text-slate-600">{m.email}</td>
      <td className="px-3 py-3">
        {canEdit ? (
          <div>
            <SelectField
              id={`role-${m.userId}`}
              label={`Role for ${m.name}`}
              hideLabel
              value={m.role}
              disabled={pending}
              onChange={(e) => void changeRole(e.target.value as WorkspaceRole)}
              className="w-32"
            >
              {options.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABEL[r]}
                </option>
              ))}
            </SelectField>
            {error && (
              <p role="alert" className="mt-1 max-w-xs text-xs text-rose-600">
                {error.message}
              </p>
            )}
          </div>
        ) : (
          <RoleBadge role={m.role} />
        )}
      </td>
      <td className="px-3 py-3 whitespace-nowrap text-slate-500">
        <Time iso={m.createdAt} relative />
      </td>
      <td className="px-5 py-3 text-right">
        {isSelf ? (
          <Button size="sm" variant="secondary" onClick={onRemove}>
            Leave
          </Button>
        ) : (
          canEdit && (
            <Button size="sm" variant="secondary" onClick={onRemove} aria-label={`Remove ${m.name}`}>
              Remove
            </Button>
          )
        )}
      </td>
    </tr>
  );
}

function AddMember({
  workspaceId,
  grantable,
  onAdded,
  onInvited,
}: {
  workspaceId: string;
  grantable: WorkspaceRole[];
  onAdded: (m: Member) => void;
  onInvited: (sent: InvitationSent) => void;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('member');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      // 201 is the member (added at once); 202 is an invitation, the same answer for every address.
      const answer = await api<Member | InvitationSent>('POST', `/workspaces/${workspaceId}/members`, { email, role });
      setEmail('');
      setRole('member');
      if ('status' in answer && answer.status === 'invited') onInvited(answer);
      else onAdded(answer as Member);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card
      title="Add a member"
      description="People you already share a workspace with are added at once; anyone else gets an invitation to accept. An address without an account waits until an instance admin creates it."
    >
      <form onSubmit={submit} className="flex flex-wrap items-start gap-3">
        <TextField
          id="add-member-email"
          label="Email"
          type="email"
          required
          placeholder="name@example.com"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={error?.fieldError('email')}
          className="min-w-[16rem] flex-1"
        />
        <SelectField id="add-member-role" label="Role" value={role} onChange={(e) => setRole(e.target.value as WorkspaceRole)} error={error?.fieldError('role')} className="w-36">
          {grantable.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </SelectField>
        <div className="pt-6">
          <Button type="submit" loading={pending}>
            Add member
          </Button>
        </div>
      </form>
      {error && (
        <div className="mt-3">
          <ErrorAlert error={error} fields={['email', 'role']} />
        </div>
      )}
    </Card>
  );
}

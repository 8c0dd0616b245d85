'use client';
// The workspace's members: name, e-mail, role (a select where the server lets the caller grant that role), when they
// were added, and Leave / Remove.
import { useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/data/client';
import { Badge, Button, EmptyState, RoleBadge, SelectField, Time } from '@/src/ui/components';
import { Table, type Column } from '@/src/ui/table';
import { ROLE_LABEL, type Member, type WorkspaceRole } from '@/src/ui/types';

export function MembersTable({
  members,
  error,
  selfId,
  manager,
  grantable,
  workspaceId,
  onChanged,
  onRemove,
}: {
  members: Member[] | null;
  error: unknown;
  selfId: string;
  /** The caller may manage members (`members.manage`). */
  manager: boolean;
  /** The roles the caller may give or take away, as the server reports them. */
  grantable: WorkspaceRole[];
  workspaceId: string;
  onChanged: (m: Member) => void;
  onRemove: (m: Member) => void;
}) {
  const canEdit = (m: Member) => manager && grantable.includes(m.role);
  const columns: Column<Member>[] = [
    {
      id: 'name',
      header: 'Name',
      className: 'font-medium text-slate-900',
      cell: (m) => (
        <>
          {m.name} {m.userId === selfId && <Badge tone="indigo">you</Badge>}
        </>
      ),
    },
    { id: 'email', header: 'Email', className: 'text-slate-600', cell: (m) => m.email },
    {
      id: 'role',
      header: 'Role',
      cell: (m) => (canEdit(m) ? <RoleSelect member={m} grantable={grantable} workspaceId={workspaceId} onChanged={onChanged} /> : <RoleBadge role={m.role} />),
    },
    { id: 'added', header: 'Added', className: 'whitespace-nowrap text-slate-500', cell: (m) => <Time iso={m.createdAt} relative /> },
    {
      id: 'actions',
      header: 'Actions',
      srOnlyHeader: true,
      align: 'right',
      cell: (m) =>
        m.userId === selfId ? (
          <Button size="sm" variant="secondary" onClick={() => onRemove(m)}>
            Leave
          </Button>
        ) : (
          canEdit(m) && (
            <Button size="sm" variant="secondary" onClick={() => onRemove(m)} aria-label={`Remove ${m.name}`}>
              Remove
            </Button>
          )
        ),
    },
  ];
  return (
    <Table
      label="Members"
      testId="members-table"
      columns={columns}
      rows={members}
      rowKey={(m) => m.userId}
      rowProps={(m) => ({ 'data-testid': `member-${m.email}` })}
      error={error}
      className="-mx-5 -my-4"
      empty={
        <EmptyState icon="👥" title="No members">
          Add people by their e-mail address.
        </EmptyState>
      }
    />
  );
}

function RoleSelect({ member: m, grantable, workspaceId, onChanged }: { member: Member; grantable: WorkspaceRole[]; workspaceId: string; onChanged: (m: Member) => void }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function changeRole(role: WorkspaceRole) {
    setPending(true);
    setError(null);
    try {
      onChanged((await api.patch('/workspaces/{id}/members/{userId}', { params: { path: { id: workspaceId, userId: m.userId } }, body: { role } })) as Member);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  const options = grantable.includes(m.role) ? grantable : [m.role, ...grantable];
  return (
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
  );
}

'use client';
import { Badge, Button, EmptyState, Time } from '@/src/ui/components';
import { Table, type Column } from '@/src/ui/table';
import { useUpdateUser, type User } from './queries';

/** Every account of the instance, with make/remove admin, enable/disable and delete (not on your own row). */
export function UsersTable({ users, error, selfId, onDelete }: { users: User[] | undefined; error: unknown; selfId: string; onDelete: (u: User) => void }) {
  const update = useUpdateUser(selfId);
  // One write at a time is shown: its row spins and its refusal is said under that row's status.
  const target = update.isPending || update.isError ? update.variables?.user.id : undefined;
  const pendingOf = (u: User) => (update.isPending && target === u.id ? ('isInstanceAdmin' in update.variables.change ? 'admin' : 'disabled') : null);
  const columns: Column<User>[] = [
    {
      id: 'name',
      header: 'Name',
      className: 'font-medium text-slate-900',
      cell: (u) => (
        <>
          {u.name} {u.id === selfId && <Badge tone="indigo">you</Badge>}
        </>
      ),
    },
    { id: 'email', header: 'Email', className: 'text-slate-600', cell: (u) => u.email },
    {
      id: 'status',
      header: 'Status',
      cell: (u) => (
        <>
          <div className="flex flex-wrap gap-1">
            {u.isInstanceAdmin && <Badge tone="sky">Instance admin</Badge>}
            {u.disabled ? <Badge tone="rose">Disabled</Badge> : <Badge tone="emerald">Active</Badge>}
            {!u.hasPassword && (
              <Badge tone="amber" title="Has not set a password yet">
                No password yet
              </Badge>
            )}
          </div>
          {update.error && target === u.id && (
            <p role="alert" className="mt-1 max-w-xs text-xs text-rose-600">
              {update.error.message}
            </p>
          )}
        </>
      ),
    },
    { id: 'created', header: 'Created', className: 'whitespace-nowrap text-slate-500', cell: (u) => <Time iso={u.createdAt} relative /> },
    {
      id: 'actions',
      header: 'Actions',
      srOnlyHeader: true,
      align: 'right',
      cell: (u) => {
        const pending = pendingOf(u);
        const isSelf = u.id === selfId;
        return (
          <div className="flex justify-end gap-1.5">
            <Button size="sm" variant="secondary" loading={pending === 'admin'} disabled={pending !== null} onClick={() => update.mutate({ user: u, change: { isInstanceAdmin: !u.isInstanceAdmin } })}>
              {u.isInstanceAdmin ? 'Remove admin' : 'Make admin'}
            </Button>
            {!isSelf && (
              <Button size="sm" variant="secondary" loading={pending === 'disabled'} disabled={pending !== null} onClick={() => update.mutate({ user: u, change: { disabled: !u.disabled } })}>
                {u.disabled ? 'Enable' : 'Disable'}
              </Button>
            )}
            {!isSelf && (
              <Button size="sm" variant="ghost" className="text-rose-600 hover:bg-rose-50 hover:text-rose-700" disabled={pending !== null} onClick={() => onDelete(u)}>
                Delete
              </Button>
            )}
          </div>
        );
      },
    },
  ];
  return (
    <Table
      label="Users"
      testId="users-table"
      columns={columns}
      rows={users}
      rowKey={(u) => u.id}
      rowProps={(u) => ({ 'data-testid': `user-${u.email}`, className: u.disabled ? 'bg-slate-50/60' : undefined })}
      error={error}
      className="-mx-5 -mb-4"
      empty={<EmptyState icon="👤" title="No users" />}
    />
  );
}

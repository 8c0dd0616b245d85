'use client';
import { Badge, Button, ScrollRegion, Time } from '@/src/ui/components';
import { useUpdateUser, type User } from './queries';

/** Every account of the instance, with make/remove admin, enable/disable and delete (not on your own row). */
export function UsersTable({ users, selfId, onDelete }: { users: User[]; selfId: string; onDelete: (u: User) => void }) {
  return (
    <ScrollRegion label="Users" className="-mx-5 -mb-4">
      <table className="min-w-full text-sm" data-testid="users-table">
        <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
          <tr>
            <th scope="col" className="px-5 py-2.5">Name</th>
            <th scope="col" className="px-3 py-2.5">Email</th>
            <th scope="col" className="px-3 py-2.5">Status</th>
            <th scope="col" className="px-3 py-2.5">Created</th>
            <th scope="col" className="px-5 py-2.5 text-right">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((u) => (
            <UserRow key={u.id} user={u} selfId={selfId} onDelete={() => onDelete(u)} />
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function UserRow({ user: u, selfId, onDelete }: { user: User; selfId: string; onDelete: () => void }) {
  const update = useUpdateUser(selfId);
  const isSelf = u.id === selfId;
  const pending = update.isPending ? ('isInstanceAdmin' in update.variables.change ? 'admin' : 'disabled') : null;
  return (
    <tr data-testid={`user-${u.email}`} className={u.disabled ? 'bg-slate-50/60' : undefined}>
      <td className="px-5 py-3 font-medium text-slate-900">
        {u.name} {isSelf && <Badge tone="indigo">you</Badge>}
      </td>
      <td className="px-3 py-3 text-slate-600">{u.email}</td>
      <td className="px-3 py-3">
        <div className="flex flex-wrap gap-1">
          {u.isInstanceAdmin && <Badge tone="sky">Instance admin</Badge>}
          {u.disabled ? <Badge tone="rose">Disabled</Badge> : <Badge tone="emerald">Active</Badge>}
          {!u.hasPassword && <Badge tone="amber" title="Has not set a password yet">No password yet</Badge>}
        </div>
        {update.error && (
          <p role="alert" className="mt-1 max-w-xs text-xs text-rose-600">
            {update.error.message}
          </p>
        )}
      </td>
      <td className="px-3 py-3 whitespace-nowrap text-slate-500">
        <Time iso={u.createdAt} relative />
      </td>
      <td className="px-5 py-3">
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
            <Button size="sm" variant="ghost" className="text-rose-600 hover:bg-rose-50 hover:text-rose-700" disabled={pending !== null} onClick={onDelete}>
              Delete
            </Button>
          )}
        </div>
      </td>
    </tr>
  );
}

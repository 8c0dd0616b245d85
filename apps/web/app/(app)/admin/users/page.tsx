'use client';
// Instance admin: the people of this instance — create (with a one-time set-password link), grant or remove
// admin, disable or enable, delete.
import { useCallback, useEffect, useState } from 'react';
import { api, apiList, toApiError, type ApiError } from '@/src/ui/api';
import { Badge, Button, Card, Checkbox, ConfirmDialog, CopyBox, EmptyState, ErrorAlert, Loading, Notice, PageHeader, ScrollRegion, TextField, Time, useTitle } from '@/src/ui/components';
import { useSession } from '@/src/ui/session';
import type { CreatedUser, User } from '@/src/ui/types';

export default function UsersPage() {
  useTitle('Users');
  const { me, refreshMe } = useSession();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers((await apiList<User>('/users')).items);
      setError(null);
    } catch (err) {
      setError(toApiError(err));
      setUsers((u) => u ?? []);
    }
  }, []);

  useEffect(() => {
    if (me.user.isInstanceAdmin) void load();
  }, [load, me.user.isInstanceAdmin]);

  if (!me.user.isInstanceAdmin) {
    return (
      <>
        <PageHeader title="Users" />
        <EmptyState icon="🔒" title="Instance admins only">
          Ask an instance admin to create accounts or change them.
        </EmptyState>
      </>
    );
  }

  const replace = (u: User) => {
    setUsers((list) => list?.map((x) => (x.id === u.id ? u : x)) ?? null);
    // Removing your own admin changes what this dashboard may show you.
    if (u.id === me.user.id) void refreshMe();
  };

  return (
    <>
      <PageHeader title="Users" description="Everyone who can sign in to this instance. Add them to workspaces from each workspace's Members page." />
      <div className="space-y-6">
        {notice && <Notice tone="success">{notice}</Notice>}
        {created?.setPasswordUrl && <SetPasswordLink user={created} onDone={() => setCreated(null)} />}
        <CreateUser
          onCreated={(u) => {
            setCreated(u);
            setNotice(u.setPasswordUrl ? null : `${u.name} can now sign in as ${u.email}.`);
            const { setPasswordUrl: _link, ...user } = u;
            setUsers((list) => [...(list ?? []), user]);
          }}
        />
        <Card title="All users" description={users ? `${users.length} ${users.length === 1 ? 'account' : 'accounts'}` : undefined}>
          <ErrorAlert error={error} className="mb-4" />
          {users === null ? (
            <Loading />
          ) : users.length === 0 ? (
            <EmptyState icon="👤" title="No users" />
          ) : (
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
                    <UserRow key={u.id} user={u} isSelf={u.id === me.user.id} onChanged={replace} onDelete={() => setDeleting(u)} />
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )}
        </Card>
      </div>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? ''}?`}
        confirmLabel="Delete user"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await api('DELETE', `/users/${encodeURIComponent(deleting.id)}`);
          setUsers((list) => list?.filter((x) => x.id !== deleting.id) ?? null);
          setNotice(`${deleting.name} was deleted.`);
        }}
      >
        {deleting?.email} loses access at once and is removed from every workspace. Their past activity stays in the log. Disabling is the reversible alternative.
      </ConfirmDialog>
    </>
  );
}

function UserRow({ user: u, isSelf, onChanged, onDelete }: { user: User; isSelf: boolean; onChanged: (u: User) => void; onDelete: () => void }) {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function patch(what: string, body: Partial<Pick<User, 'isInstanceAdmin' | 'disabled'>>) {
    setPending(what);
    setError(null);
    try {
      onChanged(await api<User>('PATCH', `/users/${encodeURIComponent(u.id)}`, { ...body, version: u.version }));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(null);
    }
  }

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
        {error && (
          <p role="alert" className="mt-1 max-w-xs text-xs text-rose-600">
            {error.message}
          </p>
        )}
      </td>
      <td className="px-3 py-3 whitespace-nowrap text-slate-500">
        <Time iso={u.createdAt} relative />
      </td>
      <td className="px-5 py-3">
        <div className="flex justify-end gap-1.5">
          <Button size="sm" variant="secondary" loading={pending === 'admin'} disabled={pending !== null} onClick={() => void patch('admin', { isInstanceAdmin: !u.isInstanceAdmin })}>
            {u.isInstanceAdmin ? 'Remove admin' : 'Make admin'}
          </Button>
          {!isSelf && (
            <Button size="sm" variant="secondary" loading={pending === 'disabled'} disabled={pending !== null} onClick={() => void patch('disabled', { disabled: !u.disabled })}>
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

function CreateUser({ onCreated }: { onCreated: (u: CreatedUser) => void }) {
  const empty = { name: '', email: '', password: '', isInstanceAdmin: false };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const u = await api<CreatedUser>('POST', '/users', {
        name: form.name,
        email: form.email,
        password: form.password || undefined,
        isInstanceAdmin: form.isInstanceAdmin || undefined,
      });
      setForm(empty);
      onCreated(u);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card title="Create a user">
      <form onSubmit={submit} className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField id="new-user-name" label="Name" required maxLength={100} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={error?.fieldError('name')} />
          <TextField id="new-user-email" label="Email" type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} error={error?.fieldError('email')} />
          <TextField
            id="new-user-password"
            label="Password (optional)"
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            hint="At least 10 characters. Leave empty to get a one-time set-password link instead."
            error={error?.fieldError('password')}
          />
        </div>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <Checkbox id="new-user-admin" label="Instance admin" hint="Can manage users and sees every workspace." checked={form.isInstanceAdmin} onChange={(e) => setForm({ ...form, isInstanceAdmin: e.target.checked })} />
          <Button type="submit" loading={pending}>
            Create user
          </Button>
        </div>
        <ErrorAlert error={error} fields={['name', 'email', 'password']} />
      </form>
    </Card>
  );
}

function SetPasswordLink({ user, onDone }: { user: CreatedUser; onDone: () => void }) {
  return (
    <section aria-labelledby="set-password-link-heading" className="rounded-lg border border-emerald-300 bg-emerald-50 p-5 shadow-sm">
      <h2 id="set-password-link-heading" className="text-base font-semibold text-emerald-900">
        {user.name} was created
      </h2>
      <p className="my-2 text-sm text-emerald-900">
        Send this one-time link to <strong>{user.email}</strong> so they can choose a password. It is valid for 7 days and is shown only now.
      </p>
      <CopyBox value={user.setPasswordUrl ?? ''} testId="set-password-url" label="Set-password link" />
      <div className="mt-4 flex justify-end">
        <Button onClick={onDone}>Done</Button>
      </div>
    </section>
  );
}

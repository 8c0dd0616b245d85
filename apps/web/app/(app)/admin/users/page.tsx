'use client';
// Instance admin: the people of this instance — create (with a one-time set-password link), grant or remove
// admin, disable or enable, delete.
import { useState } from 'react';
import { CreateUser, SetPasswordLink } from '@/src/features/users/create-user';
import { useDeleteUser, useUsers, type CreatedUser, type User } from '@/src/features/users/queries';
import { UsersTable } from '@/src/features/users/users-table';
import { Card, ConfirmDialog, EmptyState, Notice, PageHeader, useTitle } from '@/src/ui/components';
import { useSession } from '@/src/ui/session';

export default function UsersPage() {
  useTitle('Users');
  const { me } = useSession();
  const isAdmin = me.user.isInstanceAdmin;
  const { data: users, error } = useUsers(isAdmin);
  const remove = useDeleteUser();
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (!isAdmin) {
    return (
      <>
        <PageHeader title="Users" />
        <EmptyState icon="🔒" title="Instance admins only">
          Ask an instance admin to create accounts or change them.
        </EmptyState>
      </>
    );
  }

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
          }}
        />
        <Card title="All users" description={users ? `${users.length} ${users.length === 1 ? 'account' : 'accounts'}` : undefined}>
          <UsersTable users={users} error={error} selfId={me.user.id} onDelete={setDeleting} />
        </Card>
      </div>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? ''}?`}
        confirmLabel="Delete user"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await remove.mutateAsync(deleting);
          setNotice(`${deleting.name} was deleted.`);
        }}
      >
        {deleting?.email} loses access at once and is removed from every workspace. Their past activity stays in the log. Disabling is the reversible alternative.
      </ConfirmDialog>
    </>
  );
}

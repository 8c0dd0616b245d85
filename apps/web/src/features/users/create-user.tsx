'use client';
import { useState } from 'react';
import { Button, Card, Checkbox, CopyBox, ErrorAlert, TextField } from '@/src/ui/components';
import { useCreateUser, type CreatedUser } from './queries';

const EMPTY = { name: '', email: '', password: '', isInstanceAdmin: false };

/** "Create a user": with a password, or without one to get a one-time set-password link. */
export function CreateUser({ onCreated }: { onCreated: (u: CreatedUser) => void }) {
  const [form, setForm] = useState(EMPTY);
  const create = useCreateUser();
  const error = create.error;

  function submit(e: React.FormEvent) {
    e.preventDefault();
    create.mutate(
      { name: form.name, email: form.email, password: form.password || undefined, isInstanceAdmin: form.isInstanceAdmin || undefined },
      {
        onSuccess: (u) => {
          setForm(EMPTY);
          onCreated(u);
        },
      },
    );
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
          <Button type="submit" loading={create.isPending}>
            Create user
          </Button>
        </div>
        <ErrorAlert error={error} fields={['name', 'email', 'password']} />
      </form>
    </Card>
  );
}

/** The one-time set-password link of a user just created, shown once. */
export function SetPasswordLink({ user, onDone }: { user: CreatedUser; onDone: () => void }) {
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

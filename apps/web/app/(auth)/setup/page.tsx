'use client';
// First-run setup: create the instance admin (only while the instance has no user), then sign in.
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useSetup, useSetupStatus } from '@/src/features/auth/queries';
import { Button, ErrorAlert, Loading, TextField, useTitle } from '@/src/ui/components';

const FIELDS = ['name', 'email', 'password'];

export default function SetupPage() {
  useTitle('Set up');
  const router = useRouter();
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const status = useSetupStatus();
  const setup = useSetup();
  const error = setup.error ?? status.error;
  // Checked once per visit: the answer of an earlier visit may be stale (setup done since).
  const checking = status.isPending || (status.isFetching && !status.isFetchedAfterMount);

  useEffect(() => {
    if (status.isFetchedAfterMount && status.data?.needsSetup === false) router.replace('/login');
  }, [status.isFetchedAfterMount, status.data, router]);

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setup.mutate(form, {
      onSuccess: () => router.replace('/'),
      onError: (err) => {
        // Someone finished setup in the meantime: this instance is taken, sign in instead.
        if (err.code === 'CONFLICT') setTimeout(() => router.replace('/login'), 2500);
      },
    });
  }

  if (checking || status.data?.needsSetup === false) return <Loading label="Checking this instance…" />;

  return (
    <>
      <h1 className="text-xl font-semibold text-slate-900">Welcome to Mission Control</h1>
      <p className="mt-1 text-sm text-slate-600">Create the instance admin account. You can invite everyone else afterwards.</p>
      <form onSubmit={submit} className="mt-6 space-y-4">
        <TextField
          id="setup-name"
          label="Name"
          autoComplete="name"
          required
          autoFocus
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          error={error?.fieldError('name')}
        />
        <TextField
          id="setup-email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
          error={error?.fieldError('email')}
        />
        <TextField
          id="setup-password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 10 characters."
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
          error={error?.fieldError('password')}
        />
        <ErrorAlert error={error} fields={FIELDS} />
        <Button type="submit" loading={setup.isPending || setup.isSuccess} className="w-full">
          Complete setup
        </Button>
      </form>
    </>
  );
}

'use client';
// First-run setup: create the instance admin (only while the instance has no user), then sign in.
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/ui/api';
import { Button, ErrorAlert, Loading, TextField, useTitle } from '@/src/ui/components';

const FIELDS = ['name', 'email', 'password'];

export default function SetupPage() {
  useTitle('Set up');
  const router = useRouter();
  const [checking, setChecking] = useState(true);
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    let live = true;
    api<{ needsSetup: boolean }>('GET', '/setup', undefined, { quiet401: true })
      .then(({ needsSetup }) => {
        if (!live) return;
        if (!needsSetup) router.replace('/login');
        else setChecking(false);
      })
      .catch((err) => {
        if (!live) return;
        setError(toApiError(err));
        setChecking(false);
      });
    return () => {
      live = false;
    };
  }, [router]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      await api('POST', '/setup', form, { quiet401: true });
      router.replace('/');
    } catch (err) {
      const apiErr = toApiError(err);
      setError(apiErr);
      setPending(false);
      // Someone finished setup in the meantime: this instance is taken, sign in instead.
      if (apiErr.code === 'CONFLICT') setTimeout(() => router.replace('/login'), 2500);
    }
  }

  if (checking) return <Loading label="Checking this instance…" />;

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
        <Button type="submit" loading={pending} className="w-full">
          Complete setup
        </Button>
      </form>
    </>
  );
}

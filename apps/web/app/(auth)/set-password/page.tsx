'use client';
// Set a password with the one-time token of a set-password link, then sign in.
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useState } from 'react';
import { useSetPassword } from '@/src/features/auth/queries';
import { Button, ErrorAlert, Loading, TextField, useTitle } from '@/src/ui/components';

export default function SetPasswordPage() {
  useTitle('Set your password');
  return (
    <Suspense fallback={<Loading />}>
      <SetPasswordForm />
    </Suspense>
  );
}

function SetPasswordForm() {
  const router = useRouter();
  const token = useSearchParams().get('token') ?? '';
  const [password, setPassword] = useState('');
  const setPasswordCall = useSetPassword();
  const error = setPasswordCall.error;

  if (!token) {
    return (
      <>
        <h1 className="text-xl font-semibold text-slate-900">Set your password</h1>
        <p role="alert" className="mt-3 text-sm text-rose-700">
          This link has no token. Open the complete link you were given, or ask an admin for a new one.
        </p>
        <Link href="/login" className="mt-6 inline-block text-sm font-medium text-indigo-600 hover:text-indigo-500">
          Go to sign in
        </Link>
      </>
    );
  }

  function submit(e: React.FormEvent) {
    e.preventDefault();
    setPasswordCall.mutate({ token, password }, { onSuccess: (user) => router.replace(`/login?passwordSet=1&email=${encodeURIComponent(user.email)}`) });
  }

  const tokenProblem = error?.fieldError('token');
  return (
    <>
      <h1 className="text-xl font-semibold text-slate-900">Set your password</h1>
      <p className="mt-1 text-sm text-slate-600">Choose a password for your Mission Control account.</p>
      <form onSubmit={submit} className="mt-6 space-y-4">
        <TextField
          id="set-password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          autoFocus
          hint="At least 10 characters."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={error?.fieldError('password')}
        />
        {tokenProblem ? (
          <div role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3.5 py-2.5 text-sm text-rose-800">
            {error?.message ?? tokenProblem}
          </div>
        ) : (
          <ErrorAlert error={error} fields={['password']} />
        )}
        <Button type="submit" loading={setPasswordCall.isPending || setPasswordCall.isSuccess} className="w-full">
          Set password
        </Button>
      </form>
    </>
  );
}

'use client';
// Sign in with e-mail and password (sets the HTTP-only session cookie), then continue to ?next= or home.
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useState } from 'react';
import { api, safeNext, toApiError, type ApiError } from '@/src/ui/api';
import { Button, ErrorAlert, Loading, Notice, TextField, useTitle } from '@/src/ui/components';
import type { Me } from '@/src/ui/types';

export default function LoginPage() {
  useTitle('Sign in');
  return (
    <Suspense fallback={<Loading />}>
      <LoginForm />
    </Suspense>
  );
}

function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  // The form shows at once (no keystroke lost); a fresh instance goes to setup, a signed-in visitor moves on.
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const { needsSetup } = await api<{ needsSetup: boolean }>('GET', '/setup', undefined, { quiet401: true });
        if (needsSetup) return live && router.replace('/setup');
        await api<Me>('GET', '/me', undefined, { quiet401: true });
        if (live) router.replace(next);
      } catch {
        // not signed in: stay on the form
      }
    })();
    return () => {
      live = false;
    };
  }, [router, next]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      await api('POST', '/auth/login', { email, password }, { quiet401: true });
      router.replace(next);
    } catch (err) {
      setError(toApiError(err));
      setPending(false);
    }
  }

  return (
    <>
      <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
      <p className="mt-1 text-sm text-slate-600">Use the account an admin created for you.</p>
      {params.get('passwordSet') && (
        <Notice tone="success" className="mt-4">
          Your password is set. Sign in with it now.
        </Notice>
      )}
      <form onSubmit={submit} className="mt-6 space-y-4">
        <TextField
          id="login-email"
          label="Email"
          type="email"
          autoComplete="username"
          required
          autoFocus={!email}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={error?.fieldError('email')}
        />
        <TextField
          id="login-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          autoFocus={!!email}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={error?.fieldError('password')}
        />
        <ErrorAlert error={error} fields={['email', 'password']} />
        <Button type="submit" loading={pending} className="w-full">
          Sign in
        </Button>
      </form>
      <p className="mt-6 text-xs text-slate-500">Forgot your password? Ask an instance admin for a new set-password link.</p>
    </>
  );
}

'use client';
// Sign in with e-mail and password (sets the HTTP-only session cookie), then continue to ?next= or home.
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useState } from 'react';
import { safeNext } from '@/src/data/client';
import { useCurrentUser, useLogin, useSetupStatus } from '@/src/features/auth/queries';
import { Button, ErrorAlert, Loading, Notice, TextField, useTitle } from '@/src/ui/components';

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
  const login = useLogin();
  const error = login.error;

  // The form shows at once (no keystroke lost); a fresh instance goes to setup, a signed-in visitor moves on (an
  // answer read now, not one cached from an earlier session).
  const setup = useSetupStatus();
  const me = useCurrentUser(setup.data?.needsSetup === false);
  const signedIn = me.isFetchedAfterMount && me.isSuccess;
  useEffect(() => {
    if (setup.data?.needsSetup) router.replace('/setup');
    else if (signedIn) router.replace(next);
  }, [setup.data, signedIn, router, next]);

  function submit(e: React.FormEvent) {
    e.preventDefault();
    login.mutate({ email, password }, { onSuccess: () => router.replace(next) });
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
        <Button type="submit" loading={login.isPending || login.isSuccess} className="w-full">
          Sign in
        </Button>
      </form>
      <p className="mt-6 text-xs text-slate-500">Forgot your password? Ask an instance admin for a new set-password link.</p>
    </>
  );
}

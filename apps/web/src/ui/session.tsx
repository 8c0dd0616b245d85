'use client';
// The signed-in user (GET /me) and their workspaces, for every page of the signed-in shell. Without a session
// the visitor goes to /setup (fresh instance) or /login?next=<here>.
import { useRouter } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, apiList, setUnauthenticatedHandler, toApiError, type ApiError } from './api';
import { Button, Spinner } from './components';
import type { Me, Workspace } from './types';

interface Session {
  me: Me;
  /** Active workspaces the caller can see (all of them for an instance admin), by name; null while loading. */
  workspaces: Workspace[] | null;
  workspacesError: ApiError | null;
  refreshWorkspaces(): Promise<void>;
  refreshMe(): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession() outside <SessionProvider>');
  return s;
}

/** Where a visitor without a session belongs: the first-run setup or the login page (coming back here after). */
export async function signInPath(): Promise<string> {
  try {
    const { needsSetup } = await api<{ needsSetup: boolean }>('GET', '/setup', undefined, { quiet401: true });
    if (needsSetup) return '/setup';
  } catch {
    // fall through to the login page
  }
  const here = window.location.pathname + window.location.search;
  return here === '/' || here.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [workspaces, setWorkspaces] = useState<Workspace[] | null>(null);
  const [workspacesError, setWorkspacesError] = useState<ApiError | null>(null);
  const leaving = useRef(false);

  const toSignIn = useCallback(async () => {
    if (leaving.current) return;
    leaving.current = true;
    router.replace(await signInPath());
  }, [router]);

  const loadMe = useCallback(async () => {
    setError(null);
    try {
      setMe(await api<Me>('GET', '/me', undefined, { quiet401: true }));
    } catch (err) {
      const e = toApiError(err);
      if (e.status === 401) await toSignIn();
      else setError(e);
    }
  }, [toSignIn]);

  const refreshWorkspaces = useCallback(async () => {
    try {
      const { items } = await apiList<Workspace>('/workspaces?limit=200&sort=name');
      setWorkspaces(items);
      setWorkspacesError(null);
    } catch (err) {
      setWorkspacesError(toApiError(err));
      setWorkspaces((w) => w ?? []);
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => void toSignIn());
    void loadMe();
    return () => setUnauthenticatedHandler(null);
  }, [loadMe, toSignIn]);

  useEffect(() => {
    if (me) void refreshWorkspaces();
  }, [me?.user.id, refreshWorkspaces]); // eslint-disable-line react-hooks/exhaustive-deps

  const signOut = useCallback(async () => {
    leaving.current = true;
    try {
      await api('POST', '/auth/logout', undefined, { quiet401: true });
    } catch {
      // the session is gone either way
    }
    // A full load drops every cached page and piece of state of the signed-in user.
    window.location.assign('/login');
  }, []);

  const value = useMemo<Session | null>(
    () => (me ? { me, workspaces, workspacesError, refreshWorkspaces, refreshMe: loadMe, signOut } : null),
    [me, workspaces, workspacesError, refreshWorkspaces, loadMe, signOut],
  );

  if (!value) {
    return (
      <div className="flex min-h-screen items-center justify-center">
        {error ? (
          <div role="alert" className="max-w-sm text-center">
            <p className="text-sm font-medium text-slate-900">Mission Control could not load your account.</p>
            <p className="mt-1 text-sm text-slate-500">{error.message}</p>
            <Button className="mt-4" onClick={() => void loadMe()}>
              Try again
            </Button>
          </div>
        ) : (
          <div className="flex items-center gap-2 text-sm text-slate-500" role="status">
            <Spinner /> Loading…
          </div>
        )}
      </div>
    );
  }
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

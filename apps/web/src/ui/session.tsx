'use client';
// The signed-in user (GET /me) and their workspaces, for every page of the signed-in shell, read through the query
// cache (keys.me(), keys.workspaces()). Without a session the visitor goes to /setup (fresh instance) or
// /login?next=<here>.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { api, setUnauthenticatedHandler, type ApiError, type Schemas } from '../data/client';
import { globalKey, keys } from '../data/keys';
import { Button, Spinner } from './components';

type Me = Schemas['Me'];
type Workspace = Schemas['Workspace'];

interface Session {
  me: Me;
  /** Active workspaces the caller can see (all of them for an instance admin), by name; null while loading. */
  workspaces: Workspace[] | null;
  workspacesError: ApiError | null;
  /** Re-read every workspace list and workspace (after a create, an edit, a join). */
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
    const { needsSetup } = await api.get('/setup', { quiet401: true });
    if (needsSetup) return '/setup';
  } catch {
    // fall through to the login page
  }
  const here = window.location.pathname + window.location.search;
  return here === '/' || here.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

/** The workspace switcher's list: every active workspace the caller sees, by name. */
const SWITCHER = { limit: 200, sort: 'name' } as const;

export function SessionProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const leaving = useRef(false);

  const toSignIn = useCallback(async () => {
    if (leaving.current) return;
    leaving.current = true;
    const path = await signInPath();
    // The session is gone: nothing cached belongs to whoever signs in next.
    queryClient.clear();
    router.replace(path);
  }, [router, queryClient]);

  const meQuery = useQuery({
    queryKey: keys.me(),
    queryFn: ({ signal }) => api.get('/me', { signal, quiet401: true }),
    retry: false,
  });
  const me = meQuery.data ?? null;
  const meError = meQuery.error;
  const workspacesQuery = useQuery({
    queryKey: [...keys.workspaces(), SWITCHER],
    queryFn: ({ signal }) => api.get('/workspaces', { params: { query: SWITCHER }, signal }),
    enabled: me !== null,
  });

  useEffect(() => {
    if (meError?.status === 401) void toSignIn();
  }, [meError, toSignIn]);

  useEffect(() => {
    setUnauthenticatedHandler(() => void toSignIn());
    return () => setUnauthenticatedHandler(null);
  }, [toSignIn]);

  const refreshWorkspaces = useCallback(() => queryClient.invalidateQueries({ queryKey: globalKey('workspaces') }), [queryClient]);
  const refreshMe = useCallback(() => queryClient.invalidateQueries({ queryKey: keys.me() }), [queryClient]);

  const signOut = useCallback(async () => {
    leaving.current = true;
    try {
      await api.post('/auth/logout', { quiet401: true });
    } catch {
      // the session is gone either way
    }
    // A full load drops every cached page and piece of state of the signed-in user.
    window.location.assign('/login');
  }, []);

  const workspaces = workspacesQuery.data ?? (workspacesQuery.isError ? [] : null);
  const workspacesError = workspacesQuery.error;
  const value = useMemo<Session | null>(
    () => (me ? { me, workspaces, workspacesError, refreshWorkspaces, refreshMe, signOut } : null),
    [me, workspaces, workspacesError, refreshWorkspaces, refreshMe, signOut],
  );

  if (!value) {
    const error = meError && meError.status !== 401 ? meError : null;
    return (
      <div className="flex min-h-screen items-center justify-center">
        {error ? (
          <div role="alert" className="max-w-sm text-center">
            <p className="text-sm font-medium text-slate-900">Mission Control could not load your account.</p>
            <p className="mt-1 text-sm text-slate-500">{error.message}</p>
            <Button className="mt-4" onClick={() => void meQuery.refetch()}>
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

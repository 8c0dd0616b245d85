'use client';
// One workspace (GET /workspaces/{slug}, the query keys.workspace(slug)) for the pages under /w/[slug]: header,
// tabs, the loaded DTO, and the workspace's live event stream, which keeps every query of its pages current.
import Link from 'next/link';
import { useParams, usePathname, useRouter } from 'next/navigation';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { api } from '../data/client';
import { keys } from '../data/keys';
import { Badge, Button, EmptyState, ErrorAlert, Loading, RoleBadge, WorkspaceAvatar, cx } from './components';
import { useSession } from './session';
import { useLiveEvents } from '../data/live';
import type { Workspace } from './types';

interface WorkspaceState {
  /** The workspace as the caller sees it: `role`, and what the caller may do here in `permissions` (the server's rules). */
  workspace: Workspace;
  /** Replace the loaded workspace with a fresher copy (after an edit); follows a slug change in the URL. */
  setWorkspace(ws: Workspace): void;
  reload(): Promise<Workspace | null>;
}

const WorkspaceContext = createContext<WorkspaceState | null>(null);

export function useWorkspace(): WorkspaceState {
  const s = useContext(WorkspaceContext);
  if (!s) throw new Error('useWorkspace() outside <WorkspaceShell>');
  return s;
}

export function WorkspaceShell({ children }: { children: ReactNode }) {
  const { slug: rawSlug } = useParams<{ slug: string }>();
  const slug = decodeURIComponent(rawSlug);
  const pathname = usePathname();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { refreshWorkspaces } = useSession();
  // Keyed by slug: another workspace starts from "loading", so no page shows (or writes to) the old one meanwhile.
  const query = useQuery({
    queryKey: keys.workspace(slug),
    queryFn: ({ signal }) => api.get('/workspaces/{id}', { params: { path: { id: slug } }, signal }),
  });
  const workspace = query.data ?? null;
  const error = query.error;
  const refetch = query.refetch;

  const reload = useCallback(async () => (await refetch()).data ?? null, [refetch]);

  const setWorkspace = useCallback(
    (ws: Workspace) => {
      queryClient.setQueryData(keys.workspace(ws.slug), ws);
      if (ws.slug !== slug) {
        const rest = pathname.split('/').slice(3).join('/');
        router.replace(`/w/${encodeURIComponent(ws.slug)}${rest ? `/${rest}` : ''}`);
      }
      void refreshWorkspaces();
    },
    [queryClient, slug, pathname, router, refreshWorkspaces],
  );

  // Every page of the workspace is live: its events invalidate the queries they affect (one connection).
  useLiveEvents(workspace?.id);

  const value = useMemo(
    () => (workspace && workspace.slug === slug ? { workspace, setWorkspace, reload } : null),
    [workspace, slug, setWorkspace, reload],
  );

  if (error && !value) {
    return error.status === 404 ? (
      <EmptyState icon="🔭" title="Workspace not found" action={<Link className="text-sm font-medium text-indigo-600 hover:text-indigo-500" href="/workspaces">See all workspaces</Link>}>
        There is no workspace <span className="font-mono">{slug}</span>, or you are not a member of it.
      </EmptyState>
    ) : (
      <div className="space-y-3">
        <ErrorAlert error={error} />
        <Button variant="secondary" onClick={() => void reload()}>
          Try again
        </Button>
      </div>
    );
  }
  if (!value) return <Loading />;

  const base = `/w/${encodeURIComponent(value.workspace.slug)}`;
  const tabs = [
    { href: base, label: 'Overview', active: pathname === base },
    { href: `${base}/board`, label: 'Board', active: pathname.startsWith(`${base}/board`) || pathname.startsWith(`${base}/tickets`) },
    { href: `${base}/agents`, label: 'Agents', active: pathname.startsWith(`${base}/agents`) },
    { href: `${base}/members`, label: 'Members', active: pathname.startsWith(`${base}/members`) },
    { href: `${base}/activity`, label: 'Activity', active: pathname.startsWith(`${base}/activity`) },
    { href: `${base}/crons`, label: 'Crons', active: pathname.startsWith(`${base}/crons`) },
    ...(value.workspace.permissions['gateways.read'] ? [{ href: `${base}/gateways`, label: 'Gateways', active: pathname.startsWith(`${base}/gateways`) }] : []),
    ...(value.workspace.permissions['executions.read'] ? [{ href: `${base}/executions`, label: 'Executions', active: pathname.startsWith(`${base}/executions`) }] : []),
    ...(value.workspace.permissions['metrics.read'] ? [{ href: `${base}/costs`, label: 'Costs', active: pathname.startsWith(`${base}/costs`) }] : []),
    ...(value.workspace.permissions['webhooks.read'] ? [{ href: `${base}/webhooks`, label: 'Webhooks', active: pathname.startsWith(`${base}/webhooks`) }] : []),
    { href: `${base}/settings`, label: 'Settings', active: pathname.startsWith(`${base}/settings`) },
  ];
  const w = value.workspace;

  return (
    <WorkspaceContext.Provider value={value}>
      <div className="mb-6">
        <div className="flex flex-wrap items-center gap-4">
          <WorkspaceAvatar emoji={w.emoji} color={w.color} size="lg" />
          <div className="min-w-0 flex-1">
            <div className="flex flex-wrap items-center gap-2">
              <h1 className="truncate text-2xl font-semibold tracking-tight text-slate-900" data-testid="workspace-name">
                {w.name}
              </h1>
              <RoleBadge role={w.role} />
              {w.isDefault && <Badge tone="sky">Default</Badge>}
              {w.archived && <Badge tone="amber">Archived</Badge>}
            </div>
            <p className="font-mono text-xs text-slate-500">/w/{w.slug}</p>
          </div>
        </div>
        {w.archived && (
          <div className="mt-4 rounded-md border border-amber-200 bg-amber-50 px-3.5 py-2.5 text-sm text-amber-900">
            This workspace is archived: you can read it, but nothing in it can change until an owner restores it in{' '}
            <Link className="font-medium underline" href={`${base}/settings`}>
              Settings
            </Link>
            .
          </div>
        )}
        <nav aria-label="Sections" className="mt-5 border-b border-slate-200">
          <ul className="-mb-px flex gap-1 overflow-x-auto">
            {tabs.map((t) => (
              <li key={t.href}>
                <Link
                  href={t.href}
                  aria-current={t.active ? 'page' : undefined}
                  className={cx(
                    'inline-block border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap focus-visible:outline-2 focus-visible:outline-indigo-600',
                    t.active ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-800',
                  )}
                >
                  {t.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </div>
      {children}
    </WorkspaceContext.Provider>
  );
}

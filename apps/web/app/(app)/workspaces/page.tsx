'use client';
// All workspaces the caller can see (all of them for an instance admin), archived ones on request, "create", and the
// caller's pending invitations (accept or decline).
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { api, qs, toApiError, type ApiError } from '@/src/ui/api';
import { Badge, Button, Card, Checkbox, EmptyState, ErrorAlert, Loading, PageHeader, RoleBadge, TextField, WorkspaceAvatar, useTitle } from '@/src/ui/components';
import { MyInvitations } from '@/src/ui/invitations';
import { useSession } from '@/src/ui/session';
import { useCursorList } from '@/src/ui/use-cursor-list';
import type { Workspace } from '@/src/ui/types';
import { WORKSPACE_FIELD_NAMES, WorkspaceFieldset, type WorkspaceFields } from '@/src/ui/workspace-form';

const PAGE = 60;

export default function WorkspacesPage() {
  useTitle('Workspaces');
  const [archived, setArchived] = useState(false);
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  // Debounce the text filter so typing does not fire a request per key.
  useEffect(() => {
    const t = setTimeout(() => setQuery(q.trim()), 250);
    return () => clearTimeout(t);
  }, [q]);

  const { items, total, error, hasMore, loadMore, loadingMore, reload } = useCursorList<Workspace>(
    `/workspaces${qs({ limit: PAGE, sort: 'name', archived: archived ? 'true' : 'false', q: query })}`,
  );

  return (
    <>
      <PageHeader title="Workspaces" description="Each workspace has its own mission, members, agents and budget." />
      <MyInvitations onJoined={reload} />
      <div className="grid gap-8 lg:grid-cols-[1fr_22rem]">
        <section aria-labelledby="ws-list-heading">
          <h2 id="ws-list-heading" className="sr-only">
            {archived ? 'Archived workspaces' : 'Active workspaces'}
          </h2>
          <div className="mb-4 flex flex-wrap items-end gap-4">
            <TextField id="ws-filter" label="Filter" hideLabel type="search" placeholder="Filter by name or slug…" value={q} onChange={(e) => setQ(e.target.value)} className="w-64" />
            <Checkbox id="ws-show-archived" label="Show archived" checked={archived} onChange={(e) => setArchived(e.target.checked)} />
            {total !== undefined && items && (
              <span className="ml-auto text-xs text-slate-500">
                {total} {archived ? 'archived' : 'active'} workspace{total === 1 ? '' : 's'}
              </span>
            )}
          </div>
          <ErrorAlert error={error} className="mb-4" />
          {items === null ? (
            <Loading />
          ) : items.length === 0 ? (
            <EmptyState icon={archived ? '🗄️' : '🛰️'} title={query ? 'No workspace matches this filter' : archived ? 'No archived workspaces' : 'No workspaces yet'}>
              {query ? 'Try another name or slug.' : archived ? 'Archived workspaces show up here and can be restored from their settings.' : 'Create your first workspace with the form on this page.'}
            </EmptyState>
          ) : (
            <>
              <ul className="grid gap-4 sm:grid-cols-2" data-testid="workspace-list">
                {items.map((w) => (
                  <li key={w.id}>
                    <WorkspaceCard workspace={w} />
                  </li>
                ))}
              </ul>
              {hasMore && (
                <div className="mt-6 flex justify-center">
                  <Button variant="secondary" onClick={loadMore} loading={loadingMore}>
                    Load more
                  </Button>
                </div>
              )}
            </>
          )}
        </section>
        <aside>
          <CreateWorkspace />
        </aside>
      </div>
    </>
  );
}

function WorkspaceCard({ workspace: w }: { workspace: Workspace }) {
  return (
    <Link
      href={`/w/${encodeURIComponent(w.slug)}`}
      className="group flex h-full flex-col rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 transition hover:shadow-md hover:ring-slate-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      style={{ borderTop: `4px solid ${w.color}` }}
    >
      <div className="flex items-start gap-3">
        <WorkspaceAvatar emoji={w.emoji} color={w.color} />
        <div className="min-w-0 flex-1">
          <h3 className="truncate font-semibold text-slate-900 group-hover:text-indigo-700">{w.name}</h3>
          <p className="truncate font-mono text-xs text-slate-500">/w/{w.slug}</p>
        </div>
      </div>
      <p className="mt-3 line-clamp-2 flex-1 text-sm text-slate-600">{w.mission || <span className="text-slate-500 italic">No mission yet</span>}</p>
      <div className="mt-3 flex flex-wrap gap-1.5">
        <RoleBadge role={w.role} />
        {w.isDefault && <Badge tone="sky">Default</Badge>}
        {w.archived && <Badge tone="amber">Archived</Badge>}
      </div>
    </Link>
  );
}

const EMPTY: WorkspaceFields = { name: '', slug: '', mission: '', emoji: '🚀', color: '#6366f1' };

function CreateWorkspace() {
  const router = useRouter();
  const { refreshWorkspaces } = useSession();
  const [form, setForm] = useState<WorkspaceFields>(EMPTY);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  // Remount the fieldset after a create so the slug follows the name again.
  const [formKey, setFormKey] = useState(0);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const body = { name: form.name, slug: form.slug, emoji: form.emoji || undefined, color: form.color, mission: form.mission || undefined };
      const ws = await api<Workspace>('POST', '/workspaces', body);
      await refreshWorkspaces();
      setForm(EMPTY);
      setFormKey((k) => k + 1);
      router.push(`/w/${encodeURIComponent(ws.slug)}`);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card title="New workspace" description="You become its owner.">
      <form onSubmit={submit} className="space-y-4">
        <WorkspaceFieldset key={formKey} idPrefix="new-ws" value={form} onChange={setForm} error={error} suggestSlug />
        <ErrorAlert error={error} fields={WORKSPACE_FIELD_NAMES} />
        <Button type="submit" loading={pending} className="w-full">
          Create workspace
        </Button>
      </form>
    </Card>
  );
}

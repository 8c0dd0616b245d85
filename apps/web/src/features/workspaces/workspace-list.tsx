'use client';
import { useEffect, useState } from 'react';
import { Button, Checkbox, EmptyState, ErrorAlert, Loading, TextField } from '@/src/ui/components';
import { useWorkspaceList } from './queries';
import { WorkspaceCard } from './workspace-card';

/** The workspaces the caller can see, filtered by text, archived ones on request, 60 at a time. */
export function WorkspaceList() {
  const [archived, setArchived] = useState(false);
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  // Debounce the text filter so typing does not fire a request per key.
  useEffect(() => {
    const t = setTimeout(() => setQuery(q.trim()), 250);
    return () => clearTimeout(t);
  }, [q]);
  const { items, total, error, hasMore, loadMore, loadingMore } = useWorkspaceList({ archived: archived ? 'true' : 'false', q: query });

  return (
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
              <Button variant="secondary" onClick={() => void loadMore()} loading={loadingMore}>
                Load more
              </Button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

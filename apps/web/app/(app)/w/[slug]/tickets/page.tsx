'use client';
// Tickets as a table: filter by status, priority, assignee, label, epic and text; sort; "Load more" pages on.
import { useState } from 'react';
import { qs } from '@/src/ui/api';
import { Button, Card, EmptyState, ErrorAlert, Loading, useTitle } from '@/src/ui/components';
import { createTicket } from '@/src/features/tickets/create-ticket';
import { useEpics } from '@/src/features/tickets/epics';
import { isFiltered, ListFilterForm, NO_FILTERS, type ListFilters } from '@/src/features/tickets/list/list-filters';
import { TicketsTable } from '@/src/features/tickets/list/tickets-table';
import { useLiveEvents } from '@/src/features/tickets/live-events';
import { NewTicketDialog } from '@/src/features/tickets/new-ticket-dialog';
import { usePeople } from '@/src/features/tickets/people';
import { TicketsHeader } from '@/src/features/tickets/tickets-header';
import type { Ticket } from '@/src/features/tickets/types';
import { useCursorList } from '@/src/ui/use-cursor-list';
import { useWorkspace } from '@/src/ui/workspace-context';

const PAGE = 50;

export default function TicketListPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Tickets · ${w.name}`);
  const people = usePeople(w.id);
  const { epics, create: createEpic } = useEpics(w.id);
  const base = `/w/${encodeURIComponent(w.slug)}`;
  const canWrite = !!w.permissions['tickets.write'] && !w.archived;
  const [draft, setDraft] = useState<ListFilters>(NO_FILTERS);
  const [applied, setApplied] = useState<ListFilters>(NO_FILTERS);
  const [creating, setCreating] = useState(false);
  const [stale, setStale] = useState(false);
  const list = useCursorList<Ticket>(`/tickets${qs({ workspaceId: w.id, limit: PAGE, ...applied, label: applied.label.trim(), q: applied.q.trim() })}`);
  const { items, error } = list;
  const reload = () => {
    setStale(false);
    list.reload();
  };

  // A table keeps its rows still while you read it: live changes offer a refresh instead of reshuffling.
  const live = useLiveEvents(w.id, (e) => e.ticketId && setStale(true));
  const filtered = isFiltered(applied);

  return (
    <div className="space-y-4">
      <TicketsHeader title="Tickets" live={live} other={{ href: `${base}/board`, label: 'Board view' }} onNew={canWrite ? () => setCreating(true) : undefined} />
      <ListFilterForm
        draft={draft}
        filtered={filtered}
        people={people}
        epics={epics}
        onChange={(k, v, now) => {
          setDraft((d) => ({ ...d, [k]: v }));
          if (now) setApplied((a) => ({ ...a, [k]: v }));
        }}
        onApply={() => setApplied({ ...draft })}
        onClear={() => (setDraft(NO_FILTERS), setApplied(NO_FILTERS))}
      />

      {stale && (
        <div className="flex items-center justify-between gap-3 rounded-md border border-sky-200 bg-sky-50 px-3.5 py-2 text-sm text-sky-900" role="status">
          Tickets changed since this list loaded.
          <Button size="sm" variant="secondary" onClick={() => reload()}>
            Refresh
          </Button>
        </div>
      )}
      <ErrorAlert error={error} fields={[]} />

      <Card>
        {items === null ? (
          <Loading />
        ) : items.length === 0 ? (
          <EmptyState icon="🎫" title={filtered ? 'No tickets match' : 'No tickets yet'}>
            {filtered ? 'Widen or clear the filters.' : 'Create one to give your agents work.'}
          </EmptyState>
        ) : (
          <>
            <TicketsTable tickets={items} people={people} base={base} />
            <div className="mt-8 flex justify-center">
              {list.hasMore ? (
                <Button variant="secondary" onClick={list.loadMore} loading={list.loadingMore}>
                  Load more
                </Button>
              ) : (
                <p className="text-xs text-slate-500">
                  {items.length} {items.length === 1 ? 'ticket' : 'tickets'}
                </p>
              )}
            </div>
          </>
        )}
      </Card>

      {canWrite && (
        <NewTicketDialog
          open={creating}
          epics={epics}
          people={people}
          canAssign={!!w.permissions['tickets.manage']}
          onClose={() => setCreating(false)}
          onCreate={async (t) => {
            const created = await createTicket(w.id, t);
            reload();
            return created;
          }}
          onCreateEpic={createEpic}
        />
      )}
    </div>
  );
}

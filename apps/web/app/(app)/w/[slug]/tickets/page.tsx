'use client';
// Tickets as a table: filter by status, priority, assignee, label, epic and text; sort; "Load more" pages on.
import { useState } from 'react';
import { useLiveEvents } from '@/src/data/live';
import { isFiltered, ListFilterForm, NO_FILTERS, type ListFilters } from '@/src/features/tickets/list/list-filters';
import { TicketsTable } from '@/src/features/tickets/list/tickets-table';
import { useTicketList } from '@/src/features/tickets/list/use-ticket-list';
import { NewTicketDialog } from '@/src/features/tickets/new-ticket-dialog';
import { usePeople } from '@/src/features/tickets/people';
import { useCreateTicket, useEpics } from '@/src/features/tickets/queries';
import { TicketsHeader } from '@/src/features/tickets/tickets-header';
import { Button, Card, EmptyState, ErrorAlert, Loading, useTitle } from '@/src/ui/components';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function TicketListPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Tickets · ${w.name}`);
  const live = useLiveEvents(w.id);
  const people = usePeople(w.id);
  const { epics, create: createEpic } = useEpics(w.id);
  const createTicket = useCreateTicket(w.id);
  const base = `/w/${encodeURIComponent(w.slug)}`;
  const canWrite = !!w.permissions['tickets.write'] && !w.archived;
  const [draft, setDraft] = useState<ListFilters>(NO_FILTERS);
  const [applied, setApplied] = useState<ListFilters>(NO_FILTERS);
  const [creating, setCreating] = useState(false);
  const list = useTicketList(w.id, applied);
  const { items, error } = list;
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
                <Button variant="secondary" onClick={() => void list.loadMore()} loading={list.loadingMore}>
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
          onCreate={createTicket.mutateAsync}
          onCreateEpic={createEpic}
        />
      )}
    </div>
  );
}

'use client';
// The ticket board: five columns, drag a card (or use its "Move ▾" menu) to move the ticket where the server says
// it may go. Moves are optimistic and roll back when the API refuses, saying why. Live: the workspace's event
// stream refreshes the tickets that agents and other people claim, move or comment on.
import { useState } from 'react';
import { ErrorAlert, Loading, useTitle } from '@/src/ui/components';
import { BoardFilterForm } from '@/src/features/board/board-filter-form';
import { isFiltered, useBoardFilters } from '@/src/features/board/board-filters';
import { BoardGrid } from '@/src/features/board/board-grid';
import { useBoard } from '@/src/features/board/use-board';
import { NewTicketDialog } from '@/src/features/tickets/new-ticket-dialog';
import { usePeople } from '@/src/features/tickets/people';
import { useCreateTicket, useEpics } from '@/src/features/tickets/queries';
import { RefusalAlert } from '@/src/features/tickets/refusal-alert';
import { TicketsHeader } from '@/src/features/tickets/tickets-header';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function BoardPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Board · ${w.name}`);
  const people = usePeople(w.id);
  const { epics, create: createEpic } = useEpics(w.id);
  const canWrite = !!w.permissions['tickets.write'] && !w.archived;
  const base = `/w/${encodeURIComponent(w.slug)}`;
  const filterState = useBoardFilters();
  const board = useBoard(w.id, filterState.filters);
  const createTicket = useCreateTicket(w.id);
  const [creating, setCreating] = useState(false);

  return (
    <div className="space-y-4">
      <TicketsHeader title="Board" live={board.live} other={{ href: `${base}/tickets`, label: 'List view' }} onNew={canWrite ? () => setCreating(true) : undefined} />
      <BoardFilterForm state={filterState} people={people} epics={epics} knownLabels={board.knownLabels} />
      {board.refusal && <RefusalAlert text={board.refusal.text} onDismiss={board.dismissRefusal} />}
      <p className="sr-only" role="status">
        {board.announce}
      </p>
      <ErrorAlert error={board.error} />
      {board.loaded ? (
        <BoardGrid board={board} people={people} base={base} filtered={isFiltered(filterState.filters)} />
      ) : (
        <Loading label="Loading the board…" />
      )}
      {canWrite && (
        <NewTicketDialog
          open={creating}
          epics={epics}
          people={people}
          canAssign={!!w.permissions['tickets.manage'] && !w.archived}
          onClose={() => setCreating(false)}
          onCreate={async (t) => {
            const created = await createTicket.mutateAsync(t);
            board.setAnnounce(`Created #${created.number}.`);
            return created;
          }}
          onCreateEpic={createEpic}
        />
      )}
    </div>
  );
}

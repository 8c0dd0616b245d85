'use client';
// The board's filter bar: search, assignee, label (with the labels on the board as suggestions), epic, Clear.
import { Button, TextField } from '@/src/ui/components';
import { AssigneeFilter, EpicFilter } from '@/src/features/tickets/filter-fields';
import type { People } from '@/src/features/tickets/people';
import type { Epic } from '@/src/features/tickets/types';
import { isFiltered, type useBoardFilters } from './board-filters';

export function BoardFilterForm({ state, people, epics, knownLabels }: { state: ReturnType<typeof useBoardFilters>; people: People; epics: Epic[]; knownLabels: string[] }) {
  const { filters, qDraft } = state;
  return (
    <form
      role="search"
      aria-label="Filter tickets"
      className="grid gap-3 rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-[1fr_12rem_10rem_12rem_auto]"
      onSubmit={(e) => {
        e.preventDefault();
        state.applyQ();
      }}
    >
      <TextField id="board-q" label="Search" type="search" placeholder="Title, description or #number" value={qDraft} onChange={(e) => state.setQDraft(e.target.value)} />
      <AssigneeFilter id="board-assignee" people={people} value={filters.assignee} onChange={(v) => state.set('assignee', v)} />
      <TextField id="board-label" label="Label" list="board-labels" placeholder="Any" value={filters.label} onChange={(e) => state.set('label', e.target.value)} />
      <datalist id="board-labels">
        {knownLabels.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
      <EpicFilter id="board-epic" epics={epics} value={filters.epic} onChange={(v) => state.set('epic', v)} />
      <div className="flex items-end">
        <Button variant="ghost" disabled={!isFiltered(filters) && !qDraft} onClick={state.clear}>
          Clear
        </Button>
      </div>
    </form>
  );
}

'use client';
// The board's filter bar: search, assignee, label (with the labels on the board as suggestions), epic, Clear.
import { agentOptionLabel } from '@/src/ui/agents';
import { Button, SelectField, TextField } from '@/src/ui/components';
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
      <SelectField id="board-assignee" label="Assignee" value={filters.assignee} onChange={(e) => state.set('assignee', e.target.value)}>
        <option value="">Anyone</option>
        {people.agents.length > 0 && (
          <optgroup label="Agents">
            {people.agents.map((a) => (
              <option key={a.id} value={a.id}>
                {agentOptionLabel(a)}
              </option>
            ))}
          </optgroup>
        )}
        <optgroup label="Members">
          {people.members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name}
            </option>
          ))}
        </optgroup>
      </SelectField>
      <TextField id="board-label" label="Label" list="board-labels" placeholder="Any" value={filters.label} onChange={(e) => state.set('label', e.target.value)} />
      <datalist id="board-labels">
        {knownLabels.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
      <SelectField id="board-epic" label="Epic" value={filters.epic} onChange={(e) => state.set('epic', e.target.value)}>
        <option value="">Any</option>
        {epics.map((ep) => (
          <option key={ep.id} value={ep.id}>
            {ep.title}
          </option>
        ))}
      </SelectField>
      <div className="flex items-end">
        <Button variant="ghost" disabled={!isFiltered(filters) && !qDraft} onClick={state.clear}>
          Clear
        </Button>
      </div>
    </form>
  );
}

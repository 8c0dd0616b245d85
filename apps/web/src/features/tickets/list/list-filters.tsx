'use client';
// The tickets list's filter form: text, status (or "Open"), priority, assignee, label, epic and sort. Selects apply
// at once; text fields on "Apply".
import { TICKET_PRIORITY_VALUES, TICKET_STATUS_VALUES } from '@mc/contracts/constants';
import { Button, Card, SelectField, TextField } from '@/src/ui/components';
import { PRIORITY_LABEL, STATUS_LABEL } from '@/src/ui/ticket-status';
import { AssigneeFilter, EpicFilter } from '../filter-fields';
import type { People } from '../people';
import type { Epic } from '../types';

export const SORTS = [
  { value: '-createdAt', label: 'Newest' },
  { value: 'createdAt', label: 'Oldest' },
  { value: '-updatedAt', label: 'Recently updated' },
  { value: 'priority,-createdAt', label: 'Priority' },
  { value: '-number', label: 'Number ↓' },
] as const;

export interface ListFilters {
  status: string;
  priority: string;
  assigneeId: string;
  label: string;
  epicId: string;
  q: string;
  sort: string;
}
export const NO_FILTERS: ListFilters = { status: '', priority: '', assigneeId: '', label: '', epicId: '', q: '', sort: '-createdAt' };

/** Any filter set (the sort does not count). */
export function isFiltered(f: ListFilters): boolean {
  return JSON.stringify({ ...f, sort: '' }) !== JSON.stringify({ ...NO_FILTERS, sort: '' });
}

export function ListFilterForm({
  draft,
  filtered,
  people,
  epics,
  onChange,
  onApply,
  onClear,
}: {
  draft: ListFilters;
  filtered: boolean;
  people: People;
  epics: Epic[];
  onChange(k: keyof ListFilters, v: string, applyNow?: boolean): void;
  onApply(): void;
  onClear(): void;
}) {
  return (
    <Card>
      <form
        role="search"
        aria-label="Filter tickets"
        className="grid gap-3 sm:grid-cols-3 lg:grid-cols-[1fr_9rem_8rem_10rem_8rem_9rem_9rem]"
        onSubmit={(e) => {
          e.preventDefault();
          onApply();
        }}
      >
        <TextField id="list-q" label="Search" type="search" placeholder="Text or #number" value={draft.q} onChange={(e) => onChange('q', e.target.value)} />
        <SelectField id="list-status" label="Status" value={draft.status} onChange={(e) => onChange('status', e.target.value, true)}>
          <option value="">Any</option>
          <option value="todo,in_progress,pr_review">Open</option>
          {TICKET_STATUS_VALUES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </SelectField>
        <SelectField id="list-priority" label="Priority" value={draft.priority} onChange={(e) => onChange('priority', e.target.value, true)}>
          <option value="">Any</option>
          {TICKET_PRIORITY_VALUES.map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABEL[p]}
            </option>
          ))}
        </SelectField>
        <AssigneeFilter id="list-assignee" people={people} value={draft.assigneeId} onChange={(v) => onChange('assigneeId', v, true)} />
        <TextField id="list-label" label="Label" placeholder="Any" value={draft.label} onChange={(e) => onChange('label', e.target.value)} />
        <EpicFilter id="list-epic" epics={epics} value={draft.epicId} onChange={(v) => onChange('epicId', v, true)} />
        <SelectField id="list-sort" label="Sort" value={draft.sort} onChange={(e) => onChange('sort', e.target.value, true)}>
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </SelectField>
        <div className="flex gap-2 sm:col-span-3 lg:col-span-7">
          <Button type="submit">Apply</Button>
          {filtered && (
            <Button variant="ghost" onClick={onClear}>
              Clear
            </Button>
          )}
        </div>
      </form>
    </Card>
  );
}

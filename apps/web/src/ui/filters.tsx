'use client';
// Pieces shared by the filter forms of list pages (activity, executions): the form itself (a draft applied on
// submit, Clear), the full-text search field, the date range, the agent picker and the Apply / Clear buttons.
import type { ReactNode } from 'react';
import { agentOptionLabel } from './agents';
import { Button, Card, SelectField, TextField } from './components';

/** What a log page gives its filter form: the draft and the applied filters, the agents to pick from, field errors. */
export interface LogFilterProps<F> {
  draft: F;
  onDraft: (f: F) => void;
  applied: F;
  onApply: (f: F) => void;
  agents: { id: string; name: string; status: string }[];
  fieldError: (name: string) => string | undefined;
}

/**
 * A card holding a filter form whose fields edit a draft; submitting applies the draft, Clear empties both. The
 * fields are the children (cells of a 6-column grid on wide screens); `actionsClassName` spans the buttons' cell.
 */
export function FilterForm<F extends object>({
  label,
  draft,
  applied,
  empty,
  onDraft,
  onApply,
  actionsClassName,
  children,
}: {
  label: string;
  draft: F;
  applied: F;
  empty: F;
  onDraft: (f: F) => void;
  onApply: (f: F) => void;
  actionsClassName?: string;
  children: ReactNode;
}) {
  const any = (f: F) => Object.values(f).some(Boolean);
  return (
    <Card>
      <form
        className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6"
        aria-label={label}
        onSubmit={(e) => {
          e.preventDefault();
          onApply({ ...draft });
        }}
      >
        {children}
        <FilterActions
          className={actionsClassName}
          dirty={any(applied) || any(draft)}
          onClear={() => {
            onDraft(empty);
            onApply(empty);
          }}
        />
      </form>
    </Card>
  );
}

/** The full-text search of a log (the API's `q`: whole words, `word*` for a prefix). */
export function TextSearchField({ id, value, onChange, error }: { id: string; value: string; onChange: (q: string) => void; error?: string }) {
  return (
    <TextField
      id={id}
      className="lg:col-span-2"
      label="Search"
      type="search"
      placeholder="Whole words; deplo* for a word start"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
    />
  );
}

/** Two date fields (`from`, `to`), each bounding the other. */
export function DateRangeFields({
  idPrefix,
  from,
  to,
  onChange,
  fieldError,
  labels = ['From', 'To'],
}: {
  idPrefix: string;
  from: string;
  to: string;
  onChange: (patch: { from?: string; to?: string }) => void;
  fieldError: (name: 'from' | 'to') => string | undefined;
  labels?: [string, string];
}) {
  return (
    <>
      <TextField id={`${idPrefix}-from`} label={labels[0]} type="date" value={from} max={to || undefined} onChange={(e) => onChange({ from: e.target.value })} error={fieldError('from')} />
      <TextField id={`${idPrefix}-to`} label={labels[1]} type="date" value={to} min={from || undefined} onChange={(e) => onChange({ to: e.target.value })} error={fieldError('to')} />
    </>
  );
}

/** A select of the agents that have history here (deactivated ones marked), with "Any agent" as the empty choice. */
export function AgentSelect({
  id,
  agents,
  value,
  onChange,
  error,
}: {
  id: string;
  agents: { id: string; name: string; status: string }[];
  value: string;
  onChange: (agentId: string) => void;
  error?: string;
}) {
  return (
    <SelectField id={id} label="Agent" value={value} onChange={(e) => onChange(e.target.value)} error={error}>
      <option value="">Any agent</option>
      {agents.map((a) => (
        <option key={a.id} value={a.id}>
          {agentOptionLabel(a)}
        </option>
      ))}
    </SelectField>
  );
}

/** "Apply filters", and "Clear" while anything is typed or applied. */
export function FilterActions({ dirty, onClear, className, children }: { dirty: boolean; onClear: () => void; className?: string; children?: ReactNode }) {
  return (
    <div className={`flex items-end gap-2 ${className ?? ''}`}>
      <Button type="submit">Apply filters</Button>
      {dirty && (
        <Button variant="ghost" onClick={onClear}>
          Clear
        </Button>
      )}
      {children}
    </div>
  );
}

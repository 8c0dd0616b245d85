'use client';
// The filter form of the executions list: text, agent, status, model and start dates; applied on submit.
import { Card, SelectField, TextField } from '@/src/ui/components';
import { EXECUTION_STATUSES, EXECUTION_STATUS_LABEL, type AgentName } from '@/src/ui/executions';
import { AgentSelect, FilterActions } from '@/src/ui/filters';

export interface ExecutionFilters {
  agentId: string;
  status: string;
  model: string;
  q: string;
  from: string;
  to: string;
}
export const NO_EXECUTION_FILTERS: ExecutionFilters = { agentId: '', status: '', model: '', q: '', from: '', to: '' };

export function ExecutionFiltersForm({
  draft,
  onDraft,
  applied,
  onApply,
  agents,
  fieldError,
}: {
  draft: ExecutionFilters;
  onDraft: (f: ExecutionFilters) => void;
  applied: ExecutionFilters;
  onApply: (f: ExecutionFilters) => void;
  agents: AgentName[];
  fieldError: (name: string) => string | undefined;
}) {
  const set = (patch: Partial<ExecutionFilters>) => onDraft({ ...draft, ...patch });
  return (
    <Card>
      <form
        className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6"
        onSubmit={(e) => {
          e.preventDefault();
          onApply({ ...draft });
        }}
        aria-label="Filter executions"
      >
        <TextField
          id="executions-q"
          className="lg:col-span-2"
          label="Search"
          type="search"
          placeholder="Whole words; deplo* for a word start"
          value={draft.q}
          onChange={(e) => set({ q: e.target.value })}
          error={fieldError('q')}
        />
        <AgentSelect id="executions-agent" agents={agents} value={draft.agentId} onChange={(agentId) => set({ agentId })} error={fieldError('agentId')} />
        <SelectField id="executions-status" label="Status" value={draft.status} onChange={(e) => set({ status: e.target.value })} error={fieldError('status')}>
          <option value="">Any status</option>
          {EXECUTION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {EXECUTION_STATUS_LABEL[s]}
            </option>
          ))}
        </SelectField>
        <TextField
          id="executions-model"
          className="lg:col-span-2"
          label="Model"
          placeholder="e.g. gpt-4o"
          spellCheck={false}
          value={draft.model}
          onChange={(e) => set({ model: e.target.value })}
          error={fieldError('model')}
        />
        <TextField id="executions-from" label="Started from" type="date" value={draft.from} max={draft.to || undefined} onChange={(e) => set({ from: e.target.value })} error={fieldError('from')} />
        <TextField id="executions-to" label="Started until" type="date" value={draft.to} min={draft.from || undefined} onChange={(e) => set({ to: e.target.value })} error={fieldError('to')} />
        <FilterActions
          className="lg:col-span-4"
          dirty={Object.values(applied).some(Boolean) || Object.values(draft).some(Boolean)}
          onClear={() => {
            onDraft(NO_EXECUTION_FILTERS);
            onApply(NO_EXECUTION_FILTERS);
          }}
        />
      </form>
    </Card>
  );
}

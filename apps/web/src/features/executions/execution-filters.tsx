'use client';
// The filter form of the executions list: text, agent, status, model and start dates; applied on submit.
import { SelectField, TextField } from '@/src/ui/components';
import { EXECUTION_STATUSES, EXECUTION_STATUS_LABEL } from '@/src/ui/executions';
import { AgentSelect, DateRangeFields, FilterForm, TextSearchField, type LogFilterProps } from '@/src/ui/filters';

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
}: LogFilterProps<ExecutionFilters>) {
  const set = (patch: Partial<ExecutionFilters>) => onDraft({ ...draft, ...patch });
  return (
    <FilterForm label="Filter executions" draft={draft} applied={applied} empty={NO_EXECUTION_FILTERS} onDraft={onDraft} onApply={onApply} actionsClassName="lg:col-span-4">
      <TextSearchField id="executions-q" value={draft.q} onChange={(q) => set({ q })} error={fieldError('q')} />
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
      <DateRangeFields idPrefix="executions" from={draft.from} to={draft.to} onChange={set} fieldError={fieldError} labels={['Started from', 'Started until']} />
    </FilterForm>
  );
}

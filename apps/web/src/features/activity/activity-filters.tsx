'use client';
// The filter form of the activity log: text, action (with suggestions), agent, outcome status (of executions,
// tickets, agents and the budget) and dates; applied on submit.
import { AGENT_STATUS_VALUES, TICKET_STATUS_VALUES } from '@mc/contracts/constants';
import { SelectField, TextField } from '@/src/ui/components';
import { EXECUTION_STATUSES, EXECUTION_STATUS_LABEL } from '@/src/ui/executions';
import { AgentSelect, DateRangeFields, FilterForm, TextSearchField, type LogFilterProps } from '@/src/ui/filters';
import { STATUS_LABEL } from '@/src/ui/ticket-status';

const ACTION_SUGGESTIONS = ['execution.*', 'ticket.*', 'agent.*', 'rating.*', 'workspace.*', 'member.*', 'api_key.*', 'user.*', 'settings.*', 'workspace.budget_changed', 'member.role_changed'];

export interface ActivityFilters {
  agentId: string;
  status: string;
  action: string;
  q: string;
  from: string;
  to: string;
}
export const NO_ACTIVITY_FILTERS: ActivityFilters = { agentId: '', status: '', action: '', q: '', from: '', to: '' };

export function ActivityFiltersForm({
  draft,
  onDraft,
  applied,
  onApply,
  agents,
  fieldError,
}: LogFilterProps<ActivityFilters>) {
  const set = (patch: Partial<ActivityFilters>) => onDraft({ ...draft, ...patch });
  return (
    <FilterForm label="Filter activity" draft={draft} applied={applied} empty={NO_ACTIVITY_FILTERS} onDraft={onDraft} onApply={onApply} actionsClassName="lg:col-span-2">
      <TextSearchField id="activity-q" value={draft.q} onChange={(q) => set({ q })} error={fieldError('q')} />
      <TextField
        id="activity-action"
        className="lg:col-span-2"
        label="Action"
        placeholder="e.g. member.* or workspace.updated"
        list="activity-actions"
        value={draft.action}
        onChange={(e) => set({ action: e.target.value })}
        error={fieldError('action')}
        spellCheck={false}
      />
      <datalist id="activity-actions">
        {ACTION_SUGGESTIONS.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <AgentSelect id="activity-agent" agents={agents} value={draft.agentId} onChange={(agentId) => set({ agentId })} error={fieldError('agentId')} />
      <SelectField id="activity-status" label="Status" value={draft.status} onChange={(e) => set({ status: e.target.value })} error={fieldError('status')}>
        <option value="">Any status</option>
        <optgroup label="Executions">
          {EXECUTION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {EXECUTION_STATUS_LABEL[s]}
            </option>
          ))}
        </optgroup>
        <optgroup label="Tickets">
          {TICKET_STATUS_VALUES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </optgroup>
        <optgroup label="Agents">
          {AGENT_STATUS_VALUES.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0).toUpperCase() + s.slice(1)}
            </option>
          ))}
        </optgroup>
        <optgroup label="Budget">
          <option value="warning">Warning (80%)</option>
          <option value="exceeded">Exceeded (100%)</option>
        </optgroup>
      </SelectField>
      <DateRangeFields idPrefix="activity" from={draft.from} to={draft.to} onChange={set} fieldError={fieldError} />
    </FilterForm>
  );
}

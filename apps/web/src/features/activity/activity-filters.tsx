'use client';
// The filter form of the activity log: text, action (with suggestions), agent, outcome status (of executions,
// tickets, agents and the budget) and dates; applied on submit.
import { AGENT_STATUS_VALUES, TICKET_STATUS_VALUES } from '@mc/contracts/constants';
import { Card, SelectField, TextField } from '@/src/ui/components';
import { EXECUTION_STATUSES, EXECUTION_STATUS_LABEL, type AgentName } from '@/src/ui/executions';
import { AgentSelect, FilterActions } from '@/src/ui/filters';
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
}: {
  draft: ActivityFilters;
  onDraft: (f: ActivityFilters) => void;
  applied: ActivityFilters;
  onApply: (f: ActivityFilters) => void;
  agents: AgentName[];
  fieldError: (name: string) => string | undefined;
}) {
  const set = (patch: Partial<ActivityFilters>) => onDraft({ ...draft, ...patch });
  return (
    <Card>
      <form
        className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6"
        onSubmit={(e) => {
          e.preventDefault();
          onApply({ ...draft });
        }}
      >
        <TextField id="activity-q" className="lg:col-span-2" label="Search" type="search" placeholder="Whole words; deplo* for a word start" value={draft.q} onChange={(e) => set({ q: e.target.value })} error={fieldError('q')} />
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
        <TextField id="activity-from" label="From" type="date" value={draft.from} max={draft.to || undefined} onChange={(e) => set({ from: e.target.value })} error={fieldError('from')} />
        <TextField id="activity-to" label="To" type="date" value={draft.to} min={draft.from || undefined} onChange={(e) => set({ to: e.target.value })} error={fieldError('to')} />
        <FilterActions
          className="lg:col-span-2"
          dirty={Object.values(applied).some(Boolean) || Object.values(draft).some(Boolean)}
          onClear={() => {
            onDraft(NO_ACTIVITY_FILTERS);
            onApply(NO_ACTIVITY_FILTERS);
          }}
        />
      </form>
    </Card>
  );
}

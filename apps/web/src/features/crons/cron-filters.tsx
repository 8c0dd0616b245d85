'use client';
// The filter form of a crons list: workspace (not on a workspace's own tab), agent of that workspace, status and
// owner; applied on submit.
import { SelectField } from '@/src/ui/components';
import { AgentSelect, FilterForm } from '@/src/ui/filters';
import { useSession } from '@/src/ui/session';
import { CRON_STATUSES, CRON_STATUS_LABEL, OWNER_LABEL } from './cron-status';
import { NO_CRON_FILTERS, useWorkspaceAgents, type CronFilters } from './queries';
import type { CronOwner, CronStatus } from './types';

export function CronFiltersForm({
  draft,
  onDraft,
  applied,
  onApply,
  fixedWorkspaceId,
  fieldError,
}: {
  draft: CronFilters;
  onDraft: (f: CronFilters) => void;
  applied: CronFilters;
  onApply: (f: CronFilters) => void;
  /** On a workspace's tab: the workspace is given (the list adds it to the query), not picked. */
  fixedWorkspaceId?: string;
  fieldError: (name: string) => string | undefined;
}) {
  const { workspaces } = useSession();
  const set = (patch: Partial<CronFilters>) => onDraft({ ...draft, ...patch });
  const workspaceId = fixedWorkspaceId ?? draft.workspaceId;
  const { agents } = useWorkspaceAgents(workspaceId);
  return (
    <FilterForm label="Filter crons" draft={draft} applied={applied} empty={NO_CRON_FILTERS} onDraft={onDraft} onApply={onApply} actionsClassName={fixedWorkspaceId ? 'lg:col-span-3' : 'lg:col-span-2'}>
      {!fixedWorkspaceId && (
        <SelectField id="crons-workspace" label="Workspace" value={draft.workspaceId} onChange={(e) => set({ workspaceId: e.target.value, agentId: '' })} error={fieldError('workspaceId')}>
          <option value="">Any workspace</option>
          {(workspaces ?? []).map((w) => (
            <option key={w.id} value={w.id}>
              {w.emoji} {w.name}
            </option>
          ))}
        </SelectField>
      )}
      {workspaceId ? (
        <AgentSelect id="crons-agent" agents={agents ?? []} value={draft.agentId} onChange={(agentId) => set({ agentId })} error={fieldError('agentId')} />
      ) : (
        <SelectField id="crons-agent" label="Agent" value="" disabled title="Pick a workspace first">
          <option value="">Any agent</option>
        </SelectField>
      )}
      <SelectField id="crons-status" label="Status" value={draft.status} onChange={(e) => set({ status: e.target.value as '' | CronStatus })} error={fieldError('status')}>
        <option value="">Any status</option>
        {CRON_STATUSES.map((s) => (
          <option key={s} value={s}>
            {CRON_STATUS_LABEL(s)}
          </option>
        ))}
      </SelectField>
      <SelectField id="crons-owner" label="Owner" value={draft.owner} onChange={(e) => set({ owner: e.target.value as '' | CronOwner })} error={fieldError('owner')}>
        <option value="">Any owner</option>
        {(Object.keys(OWNER_LABEL) as CronOwner[]).map((o) => (
          <option key={o} value={o}>
            {OWNER_LABEL[o]}
          </option>
        ))}
      </SelectField>
    </FilterForm>
  );
}

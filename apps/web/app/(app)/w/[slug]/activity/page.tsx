'use client';
// The workspace's activity log, filtered by agent, outcome status, action, text and dates, paged with "Load more"
// (cursor). Entries about executions link to the execution page.
import { useState } from 'react';
import { ActivityItem } from '@/src/ui/activity-item';
import { qs } from '@/src/ui/api';
import { Button, Card, EmptyState, ErrorAlert, Loading, SelectField, TextField, useTitle } from '@/src/ui/components';
import { EXECUTION_STATUSES, EXECUTION_STATUS_LABEL, useAgentNames } from '@/src/ui/executions';
import { localDayToIso } from '@/src/ui/format';
import { TICKET_STATUS_VALUES } from '@mc/contracts/constants';
import { STATUS_LABEL } from '@/src/ui/ticket-status';
import type { Activity } from '@/src/ui/types';
import { AgentSelect, FilterActions } from '@/src/ui/filters';
import { useCursorList } from '@/src/ui/use-cursor-list';
import { useWorkspace } from '@/src/ui/workspace-context';

const PAGE = 30;
/** Kept in step with AGENT_STATUS_VALUES in @mc/contracts (a value import would pull zod into the page bundle). */
const AGENT_OUTCOMES = ['pending', 'active', 'rejected', 'deactivated', 'deleted'] as const;
const ACTION_SUGGESTIONS = ['execution.*', 'ticket.*', 'agent.*', 'rating.*', 'workspace.*', 'member.*', 'api_key.*', 'user.*', 'settings.*', 'workspace.budget_changed', 'member.role_changed'];

interface Filters {
  agentId: string;
  status: string;
  action: string;
  q: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { agentId: '', status: '', action: '', q: '', from: '', to: '' };


export default function ActivityPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Activity · ${w.name}`);
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const { agents, nameOf } = useAgentNames(w.id);
  const { items, error, hasMore, loadMore, loadingMore } = useCursorList<Activity>(
    `/activity${qs({
      workspaceId: w.id,
      limit: PAGE,
      agentId: applied.agentId,
      status: applied.status,
      action: applied.action.trim(),
      q: applied.q.trim(),
      from: localDayToIso(applied.from, false),
      to: localDayToIso(applied.to, true),
    })}`,
  );

  const filtered = Object.values(applied).some(Boolean);
  const fieldErr = (name: string) => error?.fieldError(name);

  return (
    <div className="space-y-6">
      <Card>
        <form
          className="grid gap-3 sm:grid-cols-2 lg:grid-cols-6"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied({ ...draft });
          }}
        >
          <TextField id="activity-q" className="lg:col-span-2" label="Search" type="search" placeholder="Whole words; deplo* for a word start" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} error={fieldErr('q')} />
          <TextField
            id="activity-action"
            className="lg:col-span-2"
            label="Action"
            placeholder="e.g. member.* or workspace.updated"
            list="activity-actions"
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
            error={fieldErr('action')}
            spellCheck={false}
          />
          <datalist id="activity-actions">
            {ACTION_SUGGESTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <AgentSelect id="activity-agent" agents={agents} value={draft.agentId} onChange={(agentId) => setDraft({ ...draft, agentId })} error={fieldErr('agentId')} />
          <SelectField id="activity-status" label="Status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })} error={fieldErr('status')}>
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
              {AGENT_OUTCOMES.map((s) => (
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
          <TextField id="activity-from" label="From" type="date" value={draft.from} max={draft.to || undefined} onChange={(e) => setDraft({ ...draft, from: e.target.value })} error={fieldErr('from')} />
          <TextField id="activity-to" label="To" type="date" value={draft.to} min={draft.from || undefined} onChange={(e) => setDraft({ ...draft, to: e.target.value })} error={fieldErr('to')} />
          <FilterActions
            className="lg:col-span-2"
            dirty={filtered || Object.values(draft).some(Boolean)}
            onClear={() => {
              setDraft(NO_FILTERS);
              setApplied(NO_FILTERS);
            }}
          />
        </form>
      </Card>
      <Card title="Activity" description="Everything that changed in this workspace, newest first.">
        <ErrorAlert error={error} fields={['q', 'action', 'from', 'to', 'agentId', 'status']} className="mb-4" />
        {items === null ? (
          <Loading />
        ) : items.length === 0 ? (
          <EmptyState icon="📜" title={filtered ? 'No activity matches these filters' : 'No activity yet'}>
            {filtered ? 'Widen the dates or clear the filters.' : 'Changes to this workspace, its members, tickets, agents, executions and budget appear here.'}
          </EmptyState>
        ) : (
          <>
            <ul className="-my-3 divide-y divide-slate-100" data-testid="activity-list">
              {items.map((a) => (
                <ActivityItem key={a.id} entry={a} workspaceSlug={w.slug} agentName={nameOf} />
              ))}
            </ul>
            <div className="mt-6 flex justify-center">
              {hasMore ? (
                <Button variant="secondary" onClick={loadMore} loading={loadingMore}>
                  Load more
                </Button>
              ) : (
                <p className="text-xs text-slate-500">That is everything.</p>
              )}
            </div>
          </>
        )}
      </Card>
    </div>
  );
}

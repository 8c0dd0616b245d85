'use client';
// The workspace's activity log, filtered by agent, outcome status, action, text and dates, paged with "Load more"
// (cursor). Entries about executions link to the execution page.
import { useState } from 'react';
import { useActivity } from '@/src/features/activity/queries';
import { ActivityFiltersForm, NO_ACTIVITY_FILTERS, type ActivityFilters } from '@/src/features/activity/activity-filters';
import { ActivityItem } from '@/src/ui/activity-item';
import { Card, EmptyState, ErrorAlert, Loading, useTitle } from '@/src/ui/components';
import { useAgentNames } from '@/src/ui/executions';
import { LoadMore } from '@/src/ui/table';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function ActivityPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Activity · ${w.name}`);
  const [draft, setDraft] = useState<ActivityFilters>(NO_ACTIVITY_FILTERS);
  const [applied, setApplied] = useState<ActivityFilters>(NO_ACTIVITY_FILTERS);
  const { agents, nameOf } = useAgentNames(w.id);
  const { items, error, hasMore, loadMore, loadingMore } = useActivity(w.id, applied);
  const filtered = Object.values(applied).some(Boolean);

  return (
    <div className="space-y-6">
      <ActivityFiltersForm draft={draft} onDraft={setDraft} applied={applied} onApply={setApplied} agents={agents} fieldError={(name) => error?.fieldError(name)} />
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
            <LoadMore hasMore={hasMore} loading={loadingMore} onMore={() => void loadMore()} />
          </>
        )}
      </Card>
    </div>
  );
}

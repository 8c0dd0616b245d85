'use client';
// The workspace's executions, newest first: filtered by agent, status, model, dates and text, sortable by start,
// duration and cost, paged with "Load more" (cursor), each row linking to its execution page. Runs still going are
// refreshed live.
import { useState } from 'react';
import { ExecutionFiltersForm, NO_EXECUTION_FILTERS, type ExecutionFilters } from '@/src/features/executions/execution-filters';
import { ExecutionsTable } from '@/src/features/executions/executions-table';
import { useExecutions } from '@/src/features/executions/queries';
import { Card, useTitle } from '@/src/ui/components';
import { useAgentNames, useTicketRefs } from '@/src/ui/executions';
import { useWorkspace } from '@/src/ui/workspace-context';

const DEFAULT_SORT = '-startedAt';

export default function ExecutionsPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Executions · ${w.name}`);
  const [draft, setDraft] = useState<ExecutionFilters>(NO_EXECUTION_FILTERS);
  const [applied, setApplied] = useState<ExecutionFilters>(NO_EXECUTION_FILTERS);
  const [sort, setSort] = useState(DEFAULT_SORT);
  const { agents, nameOf } = useAgentNames(w.id);
  const { items, error, hasMore, loadMore, loadingMore } = useExecutions(w.id, applied, sort === DEFAULT_SORT ? undefined : sort);
  const tickets = useTicketRefs(w.id, items?.map((e) => e.ticketId) ?? []);

  return (
    <div className="space-y-6">
      <ExecutionFiltersForm draft={draft} onDraft={setDraft} applied={applied} onApply={setApplied} agents={agents} fieldError={(name) => error?.fieldError(name)} />
      <Card title="Executions" description="Every run an agent reported, newest first. Costs are reported by the agent or computed from the model's price.">
        <ExecutionsTable
          base={`/w/${encodeURIComponent(w.slug)}`}
          items={items}
          error={error}
          filtered={Object.values(applied).some(Boolean)}
          tickets={tickets}
          nameOf={nameOf}
          sort={{ value: sort, onChange: setSort }}
          hasMore={hasMore}
          loadingMore={loadingMore}
          onMore={() => void loadMore()}
        />
      </Card>
    </div>
  );
}

'use client';
// A crons list with its filters and "Load more": every cron the caller can see (the instance-wide page), or those
// targeting one workspace (its tab, kept live by the workspace's stream).
import { useState } from 'react';
import { Card } from '@/src/ui/components';
import { CronFiltersForm } from './cron-filters';
import { CronsTable } from './crons-table';
import { NO_CRON_FILTERS, useCrons, type CronFilters } from './queries';

export function CronList({ workspaceId, actions }: { workspaceId?: string; actions?: React.ReactNode }) {
  const [draft, setDraft] = useState<CronFilters>(NO_CRON_FILTERS);
  const [applied, setApplied] = useState<CronFilters>(NO_CRON_FILTERS);
  const filters = workspaceId ? { ...applied, workspaceId } : applied;
  const { items, error, hasMore, loadMore, loadingMore, total } = useCrons(filters, { live: !!workspaceId });
  return (
    <div className="space-y-6">
      <CronFiltersForm draft={draft} onDraft={setDraft} applied={applied} onApply={setApplied} fixedWorkspaceId={workspaceId} fieldError={(name) => error?.fieldError(name)} />
      <Card
        title={
          <span className="flex flex-wrap items-center justify-between gap-3">
            <span>Crons{typeof total === 'number' && <span className="ml-2 text-sm font-normal text-slate-500">{total}</span>}</span>
            {actions}
          </span>
        }
        description={workspaceId ? 'Scheduled jobs with at least one target in this workspace.' : 'Scheduled jobs of every workspace you can see.'}
      >
        <CronsTable
          items={items}
          error={error}
          filtered={Object.values(applied).some(Boolean)}
          emptyHint="A cron gives one or more agents a task on a schedule: every weekday at nine, every 15 minutes, or once."
          hasMore={hasMore}
          loadingMore={loadingMore}
          onMore={() => void loadMore()}
        />
      </Card>
    </div>
  );
}

'use client';
// The crons list: name, the schedule in words, next run (in the cron's zone, UTC on hover, the zone under it),
// last result, success rate, status and owner, targets; the whole row opens the cron. On a phone each cron is a
// card instead (CronCards), so nothing needs scrolling sideways.
import Link from 'next/link';
import { EmptyState } from '@/src/ui/components';
import { LoadMore, Table, type Column } from '@/src/ui/table';
import { CronCards } from './cron-cards';
import { LastResult, NextRun, ScheduleText, cronHref } from './cron-cells';
import { CronStatusBadge, OWNER_LABEL, SuccessRate } from './cron-status';

const SYNC_SHORT: Record<'ok' | 'pending' | 'conflict' | 'error', string> = { ok: 'in sync', pending: 'sync pending', conflict: 'sync conflict', error: 'sync failed' };
import { TargetSummary } from './cron-targets';
import type { Cron } from './types';
import { useWide } from './use-wide';

const columns: Column<Cron>[] = [
  {
    id: 'name',
    header: 'Name',
    rowHeader: true,
    className: 'min-w-[9rem]',
    cell: (c) => (
      <Link href={cronHref(c)} className="font-medium text-indigo-600 hover:text-indigo-500" data-testid="cron-name">
        {c.name}
      </Link>
    ),
  },
  { id: 'schedule', header: 'Schedule', className: 'min-w-[10rem] text-slate-700', cell: (c) => <ScheduleText cron={c} /> },
  { id: 'next', header: 'Next run · zone', className: 'text-slate-700', cell: (c) => <NextRun cron={c} /> },
  { id: 'last', header: 'Last result', cell: (c) => <LastResult cron={c} /> },
  { id: 'rate', header: 'Success', align: 'right', cell: (c) => <SuccessRate rate={c.successRate} /> },
  {
    id: 'status',
    header: 'Status · owner',
    cell: (c) => (
      <>
        <CronStatusBadge status={c.status} />
        <span className="mt-0.5 block text-xs whitespace-nowrap text-slate-500" data-testid="cron-owner">
          {OWNER_LABEL[c.owner] ?? c.owner}
          {c.readOnly ? ' · read-only' : ''}
          {c.sync && c.sync.state !== 'ok' ? (
            <span className={c.sync.state === 'pending' ? '' : 'text-amber-700'} data-testid="cron-sync-state">
              {' · '}
              {SYNC_SHORT[c.sync.state]}
            </span>
          ) : null}
          {c.missedStreak > 0 ? <span className="text-amber-700">{` · ${c.missedStreak} missed`}</span> : null}
        </span>
      </>
    ),
  },
  { id: 'targets', header: 'Targets', cell: (c) => <TargetSummary cron={c} /> },
];

export function CronsTable({
  items,
  error,
  filtered,
  emptyHint,
  hasMore,
  loadingMore,
  onMore,
}: {
  items: Cron[] | null;
  error: unknown;
  filtered: boolean;
  emptyHint: string;
  hasMore: boolean;
  loadingMore: boolean;
  onMore: () => void;
}) {
  const wide = useWide();
  const empty = (
    <EmptyState icon="⏰" title={filtered ? 'No crons match these filters' : 'No crons yet'}>
      {filtered ? 'Clear the filters to see every cron you can.' : emptyHint}
    </EmptyState>
  );
  const footer = <LoadMore hasMore={hasMore} loading={loadingMore} onMore={onMore} />;
  if (!wide) return <CronCards items={items} error={error} empty={empty} footer={footer} />;
  return (
    <Table
      label="Crons"
      testId="crons-table"
      columns={columns}
      rows={items}
      rowKey={(c) => c.id}
      rowHref={cronHref}
      rowProps={(c) => ({ 'data-testid': 'cron-row', 'data-cron-id': c.id })}
      error={error}
      errorFields={['workspaceId', 'agentId', 'status', 'owner']}
      alignTop
      className="-mx-5"
      empty={empty}
      footer={footer}
    />
  );
}

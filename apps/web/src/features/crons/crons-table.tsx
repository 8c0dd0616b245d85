'use client';
// The crons list: name, the schedule in words, zone, next run (in the cron's zone, UTC on hover), last result,
// success rate, status, owner and targets; the whole row opens the cron.
import Link from 'next/link';
import { EmptyState } from '@/src/ui/components';
import { LoadMore, Table, type Column } from '@/src/ui/table';
import { CronStatusBadge, OWNER_LABEL, RunStatusBadge, SuccessRate, ZonedTime } from './cron-status';
import { TargetSummary } from './cron-targets';
import type { Cron, RunStatus } from './types';

export const cronHref = (c: Pick<Cron, 'id'>) => `/crons/${encodeURIComponent(c.id)}`;

const columns: Column<Cron>[] = [
  {
    id: 'name',
    header: 'Name',
    rowHeader: true,
    className: 'min-w-[10rem]',
    cell: (c) => (
      <Link href={cronHref(c)} className="font-medium text-indigo-600 hover:text-indigo-500" data-testid="cron-name">
        {c.name}
      </Link>
    ),
  },
  {
    id: 'schedule',
    header: 'Schedule',
    className: 'min-w-[11rem] text-slate-700',
    cell: (c) => (
      <>
        <span data-testid="cron-description">{c.description}</span>
        <code className="block text-xs text-slate-500">{c.schedule}</code>
      </>
    ),
  },
  { id: 'zone', header: 'Time zone', className: 'whitespace-nowrap text-xs text-slate-600', cell: (c) => c.timezone },
  { id: 'next', header: 'Next run', className: 'text-slate-700', cell: (c) => (c.nextRuns[0] ? <ZonedTime iso={c.nextRuns[0]} timeZone={c.timezone} /> : <span className="text-slate-500">—</span>) },
  {
    id: 'last',
    header: 'Last result',
    cell: (c) =>
      c.lastRun ? (
        <span className="inline-flex flex-col items-start gap-0.5">
          <RunStatusBadge status={c.lastRun.status as RunStatus} testId="cron-last-result" />
          <span className="text-xs text-slate-500">
            <ZonedTime iso={c.lastRun.at} timeZone={c.timezone} />
          </span>
        </span>
      ) : (
        <span className="text-xs text-slate-500">Never ran</span>
      ),
  },
  { id: 'rate', header: 'Success', align: 'right', cell: (c) => <SuccessRate rate={c.successRate} /> },
  { id: 'status', header: 'Status', cell: (c) => <CronStatusBadge status={c.status} /> },
  { id: 'owner', header: 'Owner', className: 'whitespace-nowrap text-xs text-slate-600', cell: (c) => OWNER_LABEL[c.owner] ?? c.owner },
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
      empty={
        <EmptyState icon="⏰" title={filtered ? 'No crons match these filters' : 'No crons yet'}>
          {filtered ? 'Clear the filters to see every cron you can.' : emptyHint}
        </EmptyState>
      }
      footer={<LoadMore hasMore={hasMore} loading={loadingMore} onMore={onMore} />}
    />
  );
}

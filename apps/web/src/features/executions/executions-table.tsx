'use client';
// The workspace's executions as a table: newest first by default, sortable by start, duration and cost (the API's
// sort fields); the whole row opens the run.
import Link from 'next/link';
import { EmptyState, Time } from '@/src/ui/components';
import { CostValue, ExecutionStatusBadge, Tokens, type TicketRef } from '@/src/ui/executions';
import { formatDuration } from '@/src/ui/format';
import { LoadMore, Table, type Column, type TableSort } from '@/src/ui/table';
import type { Execution } from './queries';

export function ExecutionsTable({
  base,
  items,
  error,
  filtered,
  tickets,
  nameOf,
  sort,
  hasMore,
  loadingMore,
  onMore,
}: {
  /** `/w/{slug}` */
  base: string;
  items: Execution[] | null;
  error: unknown;
  filtered: boolean;
  tickets: Map<string, TicketRef>;
  nameOf: (id: string) => string | null;
  sort: TableSort;
  hasMore: boolean;
  loadingMore: boolean;
  onMore: () => void;
}) {
  const href = (e: Execution) => `${base}/executions/${encodeURIComponent(e.id)}`;
  const columns: Column<Execution>[] = [
    {
      id: 'started',
      header: 'Started',
      sortField: 'startedAt',
      className: 'whitespace-nowrap',
      cell: (e) => (
        <Link href={href(e)} className="font-medium text-indigo-600 hover:text-indigo-500">
          <Time iso={e.startTime} />
        </Link>
      ),
    },
    {
      id: 'agent',
      header: 'Agent',
      className: 'whitespace-nowrap text-slate-800',
      cell: (e) => e.agentName ?? nameOf(e.agentId) ?? <span className="font-mono text-xs">{e.agentId}</span>,
    },
    {
      id: 'ticket',
      header: 'Ticket',
      className: 'max-w-[16rem]',
      cell: (e) => {
        if (!e.ticketId) return <span className="text-slate-500">—</span>;
        const t = tickets.get(e.ticketId);
        return (
          <Link href={`${base}/tickets/${encodeURIComponent(e.ticketId)}`} className="block truncate text-slate-700 hover:text-indigo-600" title={t?.title}>
            {t ? (
              <>
                <span className="font-mono text-slate-500">#{t.number}</span> {t.title}
              </>
            ) : (
              <span className="font-mono text-xs">{e.ticketId}</span>
            )}
          </Link>
        );
      },
    },
    { id: 'status', header: 'Status', cell: (e) => <ExecutionStatusBadge status={e.status} /> },
    {
      id: 'duration',
      header: 'Duration',
      align: 'right',
      sortField: 'durationMs',
      className: 'whitespace-nowrap text-slate-700',
      cell: (e) => (e.status === 'running' ? <span className="text-sky-700">running</span> : formatDuration(e.durationMs)),
    },
    {
      id: 'tokens',
      header: (
        <>
          Tokens <span className="font-normal normal-case">in / out</span>
        </>
      ),
      align: 'right',
      className: 'text-slate-700',
      cell: (e) => <Tokens tokensIn={e.tokensIn} tokensOut={e.tokensOut} />,
    },
    { id: 'cost', header: 'Cost', align: 'right', sortField: 'costUsd', className: 'text-slate-800', cell: (e) => <CostValue execution={e} /> },
  ];

  return (
    <Table
      label="Executions"
      testId="executions-table"
      columns={columns}
      rows={items}
      rowKey={(e) => e.id}
      rowHref={href}
      rowProps={(e) => ({ 'data-testid': 'execution-row', 'data-execution-id': e.id })}
      error={error}
      errorFields={['q', 'agentId', 'status', 'model', 'from', 'to']}
      sort={sort}
      className="-mx-5"
      empty={
        <EmptyState icon="⚙️" title={filtered ? 'No executions match these filters' : 'No executions yet'}>
          {filtered ? 'Widen the dates or clear the filters.' : 'Agents report their runs with POST /api/v1/executions; each run appears here with its tokens, cost and decisions.'}
        </EmptyState>
      }
      footer={<LoadMore hasMore={hasMore} loading={loadingMore} onMore={onMore} />}
    />
  );
}

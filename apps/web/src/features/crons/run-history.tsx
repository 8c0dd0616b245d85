'use client';
// A cron's runs, newest slot first: status, slot, tickets (number and title, early so a phone shows them without
// scrolling; for a task dispatched without a ticket, its execution), trigger, start, duration, attempts (unfold to
// see each), tokens and cost. Live events of the targets' workspaces refresh it (see CronLive).
import Link from 'next/link';
import { useState } from 'react';
import { Button, EmptyState } from '@/src/ui/components';
import { Tokens } from '@/src/ui/executions';
import { formatDuration, formatUsd } from '@/src/ui/format';
import { LoadMore, Table, type Column } from '@/src/ui/table';
import { STATUS_LABEL, type TicketStatus } from '@/src/ui/ticket-status';
import { RunStatusBadge, TRIGGER_LABEL, ZonedTime } from './cron-status';
import { RunAttempts, RunExecution } from './run-attempts';
import type { Cron, CronRun } from './types';

export function RunHistory({ cron, runs, error, hasMore, loadingMore, onMore }: { cron: Cron; runs: CronRun[] | null; error: unknown; hasMore: boolean; loadingMore: boolean; onMore: () => void }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const tz = cron.timezone;
  const agentName = (id: string) => cron.targets.find((t) => t.agentId === id)?.agentName ?? id;
  const toggle = (id: string) => setOpen((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const detailId = (r: CronRun) => `run-${r.id}-attempts`;

  const columns: Column<CronRun>[] = [
    { id: 'status', header: 'Status', cell: (r) => <RunStatusBadge status={r.status} /> },
    { id: 'slot', header: 'Slot', className: 'text-slate-700', cell: (r) => <ZonedTime iso={r.slot} timeZone={tz} /> },
    {
      id: 'tickets',
      header: 'Tickets',
      cell: (r) =>
        r.ticketIds.length === 0 ? (
          <RunExecution run={r} />
        ) : (
          <ul className="max-w-56 space-y-0.5 text-xs">
            {r.tickets.map((t) => (
              <li key={t.id} className="flex min-w-0 items-baseline gap-1.5">
                <Link href={`/t/${encodeURIComponent(t.id)}`} className="min-w-0 truncate font-medium text-indigo-600 hover:text-indigo-500" title={t.title} data-testid="run-ticket">
                  <span className="tabular-nums">#{t.number}</span> {t.title}
                </Link>
                <span className="shrink-0 text-slate-500">{STATUS_LABEL[t.status as TicketStatus] ?? t.status}</span>
              </li>
            ))}
            {r.ticketIds.length > r.tickets.length && <li className="text-slate-500">{r.ticketIds.length - r.tickets.length === 1 ? 'A ticket since deleted' : `${r.ticketIds.length - r.tickets.length} tickets since deleted`}</li>}
          </ul>
        ),
    },
    { id: 'trigger', header: 'Trigger', className: 'whitespace-nowrap text-xs text-slate-600', cell: (r) => TRIGGER_LABEL[r.trigger] ?? r.trigger },
    { id: 'agent', header: 'Target', className: 'whitespace-nowrap text-slate-700', cell: (r) => `🤖 ${agentName(r.targetAgentId)}`, hidden: cron.targets.length + cron.hiddenTargets <= 1 },
    { id: 'start', header: 'Started', className: 'text-xs text-slate-600', cell: (r) => <ZonedTime iso={r.startTime} timeZone={tz} /> },
    { id: 'duration', header: 'Duration', align: 'right', className: 'whitespace-nowrap text-slate-700', cell: (r) => (r.status === 'running' ? <span className="text-sky-700">running</span> : formatDuration(r.durationMs)) },
    {
      id: 'attempts',
      header: 'Attempts',
      cell: (r) => (
        <Button variant="ghost" size="sm" aria-expanded={open.has(r.id)} aria-controls={detailId(r)} onClick={() => toggle(r.id)} data-testid="run-attempts-toggle">
          <span aria-hidden="true">{open.has(r.id) ? '▾' : '▸'}</span> {r.attempts.length || r.attempt}
          <span className="sr-only"> attempts, {open.has(r.id) ? 'hide' : 'show'}</span>
        </Button>
      ),
    },
    {
      id: 'usage',
      header: (
        <>
          Tokens <span className="font-normal normal-case">in / out</span> · cost
        </>
      ),
      align: 'right',
      className: 'whitespace-nowrap text-slate-700',
      cell: (r) => (
        <>
          <Tokens tokensIn={r.tokensIn} tokensOut={r.tokensOut} />
          <span className="block text-xs text-slate-500">{formatUsd(Number(r.costUsd))}</span>
        </>
      ),
    },
  ];

  return (
    <Table
      label={`Runs of ${cron.name}`}
      testId="run-history"
      columns={columns}
      rows={runs}
      rowKey={(r) => r.id}
      rowProps={(r) => ({ 'data-testid': 'run-row', 'data-run-id': r.id, 'data-status': r.status })}
      rowDetail={(r) => (open.has(r.id) ? { id: detailId(r), content: <RunAttempts run={r} timeZone={tz} /> } : null)}
      error={error}
      className="-mx-5"
      empty={
        <EmptyState icon="🗓️" title="No runs yet">
          The first run shows here when its slot comes{cron.can.run ? ', or when you run it now' : ''}.
        </EmptyState>
      }
      footer={<LoadMore hasMore={hasMore} loading={loadingMore} onMore={onMore} />}
    />
  );
}

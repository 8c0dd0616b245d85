// Tickets as table rows: number, title (and labels), status, priority, assignee or holder, last update.
import Link from 'next/link';
import { Time } from '@/src/ui/components';
import { Table, type Column } from '@/src/ui/table';
import { LabelChips, PriorityBadge, StatusBadge } from '../badges';
import type { People } from '../people';
import type { Ticket } from '../types';

export function TicketsTable({ tickets, people, base }: { tickets: Ticket[]; people: People; base: string }) {
  const columns: Column<Ticket>[] = [
    { id: 'number', header: '#', className: 'font-mono text-xs text-slate-500', cell: (t) => t.number },
    {
      id: 'title',
      header: 'Title',
      cell: (t) => (
        <>
          <Link href={`${base}/tickets/${t.id}`} className="font-medium text-slate-900 hover:text-indigo-700">
            {t.title}
          </Link>
          <LabelChips labels={t.labels} className="mt-1 flex flex-wrap gap-1" />
        </>
      ),
    },
    { id: 'status', header: 'Status', cell: (t) => <StatusBadge status={t.status} /> },
    { id: 'priority', header: 'Priority', cell: (t) => <PriorityBadge priority={t.priority} /> },
    {
      id: 'assignee',
      header: 'Assignee / holder',
      className: 'text-slate-700',
      cell: (t) => (
        <>
          {people.assigneeName(t.assignee) ?? (!t.claimedBy && <span className="text-slate-500">—</span>)}
          {t.claimedBy && <span className="block text-xs text-slate-500">🤖 {people.agentName(t.claimedBy) ?? 'an agent'}</span>}
        </>
      ),
    },
    { id: 'updated', header: 'Updated', className: 'text-slate-500', cell: (t) => <Time iso={t.updatedAt} relative /> },
  ];
  return (
    <Table
      label="Tickets"
      testId="tickets-table"
      columns={columns}
      rows={tickets}
      rowKey={(t) => t.id}
      rowProps={() => ({ className: 'hover:bg-slate-50' })}
      className="-mx-5 -my-4"
    />
  );
}

// Tickets as table rows: number, title (and labels), status, priority, assignee or holder, last update.
import Link from 'next/link';
import { ScrollRegion, Time } from '@/src/ui/components';
import { LabelChips, PriorityBadge, StatusBadge } from '../badges';
import type { People } from '../people';
import type { Ticket } from '../types';

export function TicketsTable({ tickets, people, base }: { tickets: Ticket[]; people: People; base: string }) {
  return (
    <ScrollRegion label="Tickets" className="-mx-5 -my-4">
      <table className="min-w-full text-sm" data-testid="tickets-table">
        <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
          <tr>
            <th scope="col" className="px-5 py-2.5">#</th>
            <th scope="col" className="px-3 py-2.5">Title</th>
            <th scope="col" className="px-3 py-2.5">Status</th>
            <th scope="col" className="px-3 py-2.5">Priority</th>
            <th scope="col" className="px-3 py-2.5">Assignee / holder</th>
            <th scope="col" className="px-5 py-2.5">Updated</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {tickets.map((t) => (
            <tr key={t.id} className="hover:bg-slate-50">
              <td className="px-5 py-2.5 font-mono text-xs text-slate-500">{t.number}</td>
              <td className="px-3 py-2.5">
                <Link href={`${base}/tickets/${t.id}`} className="font-medium text-slate-900 hover:text-indigo-700">
                  {t.title}
                </Link>
                <LabelChips labels={t.labels} className="mt-1 flex flex-wrap gap-1" />
              </td>
              <td className="px-3 py-2.5">
                <StatusBadge status={t.status} />
              </td>
              <td className="px-3 py-2.5">
                <PriorityBadge priority={t.priority} />
              </td>
              <td className="px-3 py-2.5 text-slate-700">
                {people.assigneeName(t.assignee) ?? (!t.claimedBy && <span className="text-slate-500">—</span>)}
                {t.claimedBy && <span className="block text-xs text-slate-500">🤖 {people.agentName(t.claimedBy) ?? 'an agent'}</span>}
              </td>
              <td className="px-5 py-2.5 text-slate-500">
                <Time iso={t.updatedAt} relative />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

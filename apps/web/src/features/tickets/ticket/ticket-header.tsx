// The top of a ticket's page: the way back to the board, the live indicator, number, status, priority and title.
import Link from 'next/link';
import { PriorityBadge, StatusBadge } from '../badges';
import { LiveIndicator, type LiveState } from '../live-indicator';
import type { Ticket } from '../types';

export function TicketHeader({ ticket: t, boardHref, live }: { ticket: Ticket; boardHref: string; live: LiveState }) {
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3 text-sm">
        <Link href={boardHref} className="font-medium text-indigo-600 hover:text-indigo-500">
          ← Board
        </Link>
        <LiveIndicator state={live} />
      </div>
      <div>
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-mono text-lg text-slate-500">#{t.number}</span>
          <StatusBadge status={t.status} />
          <PriorityBadge priority={t.priority} />
        </div>
        <h2 className="mt-1 text-xl font-semibold tracking-tight break-words text-slate-900" data-testid="ticket-heading">
          {t.title}
        </h2>
      </div>
    </>
  );
}

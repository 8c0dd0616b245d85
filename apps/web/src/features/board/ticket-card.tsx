// One ticket on the board: number, priority, title (a link to its page), labels, holder, assignee, lease; its
// "Move ▾" menu listing the statuses the server says it may move to now (none: no menu, not draggable).
import Link from 'next/link';
import type { DragEvent } from 'react';
import { cx } from '@/src/ui/components';
import { LabelChips, PriorityBadge } from '@/src/features/tickets/badges';
import { isHeld, LeaseCountdown } from '@/src/features/tickets/lease-countdown';
import type { People } from '@/src/features/tickets/people';
import type { Ticket, TicketStatus } from '@/src/features/tickets/types';
import { MoveMenu } from './move-menu';

export function TicketCard({
  ticket: t,
  href,
  people,
  moves,
  inFlight,
  dragging,
  flash,
  refused,
  onDragStart,
  onDragEnd,
  onMove,
}: {
  ticket: Ticket;
  href: string;
  people: People;
  moves: readonly TicketStatus[];
  /** A move of this ticket is on its way to the server (its moves are known again once the answer is in). */
  inFlight: boolean;
  dragging: boolean;
  flash: boolean;
  refused: boolean;
  onDragStart(e: DragEvent): void;
  onDragEnd(): void;
  onMove(to: TicketStatus): void;
}) {
  const holder = t.claimedBy ? (people.agentName(t.claimedBy) ?? 'an agent') : null;
  const assignee = people.assigneeName(t.assignee);
  const held = isHeld(t);
  const draggable = moves.length > 0 || inFlight;
  return (
    <li
      data-testid="ticket-card"
      data-ticket-id={t.id}
      data-number={t.number}
      data-status={t.status}
      draggable={draggable}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      className={cx(
        'group relative rounded-md bg-white p-2.5 shadow-sm ring-1 transition',
        draggable && 'cursor-grab active:cursor-grabbing',
        dragging ? 'opacity-40' : '',
        refused ? 'ring-2 ring-rose-300' : flash ? 'ring-2 ring-emerald-300' : 'ring-slate-200 hover:ring-slate-300',
      )}
    >
      <div className="flex items-center justify-between gap-2">
        <div className="flex min-w-0 items-center gap-1.5">
          <span className="font-mono text-xs text-slate-500">#{t.number}</span>
          <PriorityBadge priority={t.priority} />
        </div>
        <MoveMenu ticket={t} targets={moves} onMove={onMove} />
      </div>
      <Link href={href} className="mt-1 block text-sm font-medium text-slate-900 hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-600" data-testid="ticket-title">
        {t.title}
      </Link>
      <LabelChips labels={t.labels} className="mt-1.5 flex flex-wrap gap-1" />
      {(holder || assignee) && (
        <div className="mt-2 flex flex-wrap items-center justify-between gap-x-2 gap-y-1 text-xs text-slate-600">
          {holder && (
            <span data-testid="holder" title={held ? 'Holds the claim' : 'Worked on it'} className="inline-flex min-w-0 items-center gap-1">
              <span aria-hidden="true">🤖</span>
              <span className="truncate">{holder}</span>
            </span>
          )}
          {assignee && (
            <span data-testid="assignee" title="Assignee" className="inline-flex min-w-0 items-center gap-1 text-slate-500">
              <span aria-hidden="true">→</span>
              <span className="truncate">{assignee}</span>
            </span>
          )}
        </div>
      )}
      {held && (
        <div className="mt-1">
          <LeaseCountdown ticket={t} />
        </div>
      )}
    </li>
  );
}

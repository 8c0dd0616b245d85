// One column of the board: its heading and count, its cards, "Load more"; a drop target while a card is dragged,
// lit when the dragged ticket may move here.
import type { DragEvent, ReactNode } from 'react';
import { Button, cx } from '@/src/ui/components';
import { STATUS_LABEL } from '@/src/ui/ticket-status';
import type { TicketStatus } from '@/src/features/tickets/types';

export type DropState = 'idle' | 'other' | 'allowed' | 'refused' | 'over-allowed' | 'over-refused';

const DROP_CLASS: Record<DropState, string> = {
  idle: 'bg-slate-100/70 ring-slate-200',
  other: 'bg-slate-100/70 ring-slate-200',
  allowed: 'bg-indigo-50/40 ring-indigo-200 ring-dashed',
  refused: 'bg-slate-100/70 ring-slate-200 opacity-60',
  'over-allowed': 'bg-indigo-50 ring-2 ring-indigo-400',
  'over-refused': 'bg-rose-50 ring-2 ring-rose-300',
};

export function BoardColumn({
  status,
  count,
  drop,
  empty,
  hasMore,
  onLoadMore,
  onDragOver,
  onDragLeave,
  onDrop,
  children,
}: {
  status: TicketStatus;
  count: string;
  drop: DropState;
  /** The text of an empty column, or null when it has cards. */
  empty: string | null;
  hasMore: boolean;
  onLoadMore(): void;
  onDragOver(e: DragEvent): void;
  onDragLeave(e: DragEvent): void;
  onDrop(e: DragEvent): void;
  children: ReactNode;
}) {
  return (
    <section
      data-testid={`column-${status}`}
      aria-label={`${STATUS_LABEL[status]} column`}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
      className={cx('flex min-h-[24rem] flex-col rounded-lg p-2 ring-1 transition-colors', DROP_CLASS[drop])}
    >
      <header className="mb-2 flex items-center justify-between px-1">
        <h3 className="text-xs font-semibold tracking-wide text-slate-600 uppercase">{STATUS_LABEL[status]}</h3>
        <span data-testid="column-count" className="rounded-full bg-white px-2 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-slate-200">
          {count}
        </span>
      </header>
      <ul className="flex flex-1 flex-col gap-2" data-testid="column-cards">
        {children}
        {empty && <li className="px-1 py-6 text-center text-xs text-slate-600">{empty}</li>}
      </ul>
      {hasMore && (
        <Button variant="ghost" size="sm" className="mt-2" onClick={onLoadMore}>
          Load more
        </Button>
      )}
    </section>
  );
}

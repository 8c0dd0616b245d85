'use client';
// A card's "Move ▾" menu: the keyboard (and touch) way to move a ticket, listing only where it may go.
import { useEffect, useRef, useState } from 'react';
import { STATUS_LABEL } from '@/src/ui/ticket-status';
import type { Ticket, TicketStatus } from '@/src/features/tickets/types';

/** The keyboard way to move a card: a small menu of the statuses the server says this ticket may go to now. */
export function MoveMenu({ ticket, targets, onMove }: { ticket: Ticket; targets: readonly TicketStatus[]; onMove(to: TicketStatus): void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    ref.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  if (targets.length === 0) return null;
  return (
    <div
      ref={ref}
      className="relative"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          setOpen(false);
          ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
        }
        if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
          e.preventDefault();
          const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
          const i = items.indexOf(document.activeElement as HTMLButtonElement);
          items[(i + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length]?.focus();
        }
      }}
    >
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Move #${ticket.number} to…`}
        onClick={() => setOpen((o) => !o)}
        className="rounded px-1.5 py-0.5 text-xs font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        Move ▾
      </button>
      {open && (
        <div role="menu" aria-label={`Move #${ticket.number} to`} className="absolute right-0 z-10 mt-1 w-40 rounded-md bg-white py-1 shadow-lg ring-1 ring-slate-200">
          {targets.map((s) => (
            <button
              key={s}
              type="button"
              role="menuitem"
              onClick={() => {
                setOpen(false);
                onMove(s);
              }}
              className="block w-full px-3 py-1.5 text-left text-sm text-slate-700 hover:bg-indigo-50 focus:bg-indigo-50 focus:outline-none"
            >
              {STATUS_LABEL[s]}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

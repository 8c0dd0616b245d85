'use client';
// The five columns and the dragging between them. A card carries its ticket; a column lights up when the dragged
// ticket may move there (the server's `allowedMoves`). A drop anywhere asks the server, so a refusal is explained.
import { TICKET_STATUS_VALUES } from '@mc/contracts/constants';
import { useRef, useState, type DragEvent } from 'react';
import type { People } from '@/src/features/tickets/people';
import type { Ticket, TicketStatus } from '@/src/features/tickets/types';
import { BoardColumn, type DropState } from './board-column';
import { TicketCard } from './ticket-card';
import type { useBoard } from './use-board';

const DRAG_TYPE = 'application/x-mc-ticket';

export function BoardGrid({ board, people, base, filtered }: { board: ReturnType<typeof useBoard>; people: People; base: string; filtered: boolean }) {
  const [dragging, setDraggingState] = useState<Ticket | null>(null);
  // The drag events read the ref: a dragover can come before React has rendered the dragstart's state.
  const draggingRef = useRef<Ticket | null>(null);
  const setDragging = (t: Ticket | null) => {
    draggingRef.current = t;
    setDraggingState(t);
  };
  const [over, setOver] = useState<TicketStatus | null>(null);

  function dropState(s: TicketStatus): DropState {
    if (!dragging) return 'idle';
    const allowed = dragging.allowedMoves.includes(s);
    if (over === s) return allowed ? 'over-allowed' : 'over-refused';
    if (allowed) return 'allowed';
    return dragging.status === s ? 'other' : 'refused';
  }

  function onDrop(e: DragEvent, to: TicketStatus) {
    e.preventDefault();
    setOver(null);
    const id = e.dataTransfer.getData(DRAG_TYPE) || draggingRef.current?.id;
    const t = draggingRef.current?.id === id ? draggingRef.current : undefined;
    setDragging(null);
    if (t) board.move(t, to);
  }

  function onDragStart(e: DragEvent, t: Ticket) {
    // A drag that starts on the title link carries the whole card (draggable=false on the link would keep
    // Chromium from starting a drag there at all).
    const el = e.currentTarget as HTMLElement;
    const r = el.getBoundingClientRect();
    e.dataTransfer.setDragImage(el, e.clientX - r.left, e.clientY - r.top);
    e.dataTransfer.setData(DRAG_TYPE, t.id);
    e.dataTransfer.setData('text/plain', `#${t.number} ${t.title}`);
    e.dataTransfer.effectAllowed = 'move';
    setDragging(t);
  }

  return (
    <div className="-mx-4 overflow-x-auto px-4 pb-2 sm:mx-0 sm:px-0">
      <div className="grid min-w-[60rem] grid-cols-5 gap-3" data-testid="board">
        {TICKET_STATUS_VALUES.map((s) => (
          <BoardColumn
            key={s}
            status={s}
            count={board.count(s)}
            drop={dropState(s)}
            empty={board.columns[s].length === 0 ? (filtered ? 'No matching tickets' : 'Nothing here') : null}
            hasMore={board.hasMore(s)}
            onLoadMore={() => void board.loadMore(s)}
            onDragOver={(e) => {
              if (!draggingRef.current) return;
              e.preventDefault();
              e.dataTransfer.dropEffect = 'move';
              if (over !== s) setOver(s);
            }}
            onDragLeave={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver((o) => (o === s ? null : o));
            }}
            onDrop={(e) => onDrop(e, s)}
          >
            {board.columns[s].map((t) => (
              <TicketCard
                key={t.id}
                ticket={t}
                href={`${base}/tickets/${t.id}`}
                people={people}
                moves={t.allowedMoves}
                inFlight={board.inFlight(t.id)}
                dragging={dragging?.id === t.id}
                flash={board.flash.has(t.id)}
                refused={board.refusal?.ticketId === t.id}
                onDragStart={(e) => onDragStart(e, t)}
                onDragEnd={() => {
                  setDragging(null);
                  setOver(null);
                }}
                onMove={(to) => board.move(t, to)}
              />
            ))}
          </BoardColumn>
        ))}
      </div>
    </div>
  );
}

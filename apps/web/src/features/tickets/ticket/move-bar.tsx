// The moves a ticket may make now, as buttons: exactly the statuses the server lists for the caller
// (`allowedMoves`); nothing is shown when there are none. Closing asks for a reason first.
import { Button } from '@/src/ui/components';
import { STATUS_LABEL } from '@/src/ui/ticket-status';
import type { TicketStatus } from '../types';

export function MoveBar({ moves, moving, onMove, onClose }: { moves: readonly TicketStatus[]; moving: TicketStatus | null; onMove(to: TicketStatus): void; onClose(): void }) {
  if (moves.length === 0) return null;
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Move ticket">
      <span className="text-sm text-slate-500">Move to</span>
      {moves.map((s) => (
        <Button key={s} size="sm" variant={s === 'closed' ? 'secondary' : 'primary'} loading={moving === s} disabled={!!moving} onClick={() => (s === 'closed' ? onClose() : onMove(s))}>
          {STATUS_LABEL[s]}
        </Button>
      ))}
    </div>
  );
}

// A ticket's status, priority and labels as small badges (board cards, the list, the ticket page).
import { Badge } from '@/src/ui/components';
import { PRIORITY_LABEL, PRIORITY_TONE, STATUS_LABEL, STATUS_TONE } from '@/src/ui/ticket-status';
import type { TicketPriority, TicketStatus } from './types';

export function PriorityBadge({ priority }: { priority: TicketPriority }) {
  return (
    <Badge tone={PRIORITY_TONE[priority]} title={`Priority: ${PRIORITY_LABEL[priority]}`}>
      <span data-testid="priority">{PRIORITY_LABEL[priority]}</span>
    </Badge>
  );
}

export function StatusBadge({ status }: { status: TicketStatus }) {
  return (
    <Badge tone={STATUS_TONE[status]}>
      <span data-testid="status">{STATUS_LABEL[status]}</span>
    </Badge>
  );
}

export function LabelChip({ label }: { label: string }) {
  return <span className="inline-flex items-center rounded bg-slate-100 px-1.5 py-0.5 text-[11px] font-medium text-slate-600">{label}</span>;
}

export function LabelChips({ labels, className = 'flex flex-wrap gap-1' }: { labels: readonly string[]; className?: string }) {
  if (labels.length === 0) return null;
  return (
    <div className={className}>
      {labels.map((l) => (
        <LabelChip key={l} label={l} />
      ))}
    </div>
  );
}

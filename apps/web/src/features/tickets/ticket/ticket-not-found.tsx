// A ticket that does not exist or that the caller cannot see.
import Link from 'next/link';
import { EmptyState } from '@/src/ui/components';

export function TicketNotFound({ id, backHref, backLabel }: { id: string; backHref: string; backLabel: string }) {
  return (
    <EmptyState icon="🎫" title="Ticket not found" action={<Link className="text-sm font-medium text-indigo-600 hover:text-indigo-500" href={backHref}>{backLabel}</Link>}>
      There is no ticket <span className="font-mono">{id}</span>, or you cannot see it.
    </EmptyState>
  );
}

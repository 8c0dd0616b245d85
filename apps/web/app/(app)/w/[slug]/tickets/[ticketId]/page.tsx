'use client';
// One ticket, the whole story: description, state and the moves it may make, who it is assigned to and who
// holds it until when, linked PRs, comments with @mentions, status history and activity — all live.
import { useParams, useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useLiveEvents } from '@/src/data/live';
import { useTicket } from '@/src/features/tickets/queries';
import { TicketNotFound } from '@/src/features/tickets/ticket/ticket-not-found';
import { TicketView } from '@/src/features/tickets/ticket/ticket-view';
import { Button, ErrorAlert, Loading, useTitle } from '@/src/ui/components';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function TicketPage() {
  const { ticketId } = useParams<{ ticketId: string }>();
  const id = decodeURIComponent(ticketId);
  const router = useRouter();
  const { workspace: w } = useWorkspace();
  const live = useLiveEvents(w.id);
  const { data: ticket, error, refetch } = useTicket(w.id, id);
  useTitle(ticket ? `#${ticket.number} ${ticket.title}` : 'Ticket');

  // A ticket of another workspace: its own page lives under that workspace's URL.
  useEffect(() => {
    if (ticket && ticket.workspaceId !== w.id) router.replace(`/t/${encodeURIComponent(ticket.id)}`);
  }, [ticket, w.id, router]);

  if (error && !ticket) {
    if (error.status === 404) return <TicketNotFound id={id} backHref={`/w/${encodeURIComponent(w.slug)}/board`} backLabel="Back to the board" />;
    return (
      <div className="space-y-3">
        <ErrorAlert error={error} />
        <Button variant="secondary" onClick={() => void refetch()}>
          Try again
        </Button>
      </div>
    );
  }
  if (!ticket) return <Loading />;
  return <TicketView workspace={w} ticket={ticket} live={live} />;
}

'use client';
// One ticket, the whole story: description, state and the moves it may make, who it is assigned to and who
// holds it until when, linked PRs, comments with @mentions, status history and activity — all live.
import { useParams, useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { Button, ErrorAlert, Loading, useTitle } from '@/src/ui/components';
import { usePeople } from '@/src/features/tickets/people';
import { TicketNotFound } from '@/src/features/tickets/ticket/ticket-not-found';
import { TicketView } from '@/src/features/tickets/ticket/ticket-view';
import { useTicketData } from '@/src/features/tickets/ticket/use-ticket-data';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function TicketPage() {
  const { ticketId } = useParams<{ ticketId: string }>();
  const id = decodeURIComponent(ticketId);
  const router = useRouter();
  const { workspace: w } = useWorkspace();
  const people = usePeople(w.id);
  const data = useTicketData(w.id, id, people);
  const { ticket, loadError } = data;
  useTitle(ticket ? `#${ticket.number} ${ticket.title}` : 'Ticket');

  // A ticket of another workspace: its own page lives under that workspace's URL.
  useEffect(() => {
    if (ticket && ticket.workspaceId !== w.id) router.replace(`/t/${encodeURIComponent(ticket.id)}`);
  }, [ticket, w.id, router]);

  if (loadError && !ticket) {
    if (loadError.status === 404) return <TicketNotFound id={id} backHref={`/w/${encodeURIComponent(w.slug)}/board`} backLabel="Back to the board" />;
    return (
      <div className="space-y-3">
        <ErrorAlert error={loadError} />
        <Button variant="secondary" onClick={() => void data.reloadTicket()}>
          Try again
        </Button>
      </div>
    );
  }
  if (!ticket) return <Loading />;
  return <TicketView workspace={w} people={people} data={{ ...data, ticket }} />;
}

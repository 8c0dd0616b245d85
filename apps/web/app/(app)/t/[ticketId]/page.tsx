'use client';
// /t/<ticketId>: a short, stable link to a ticket (for PRs and chat) that finds the ticket's workspace and goes
// to its page there.
import { useQuery } from '@tanstack/react-query';
import { useParams, useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { api } from '@/src/data/client';
import { globalKey } from '@/src/data/keys';
import { TicketNotFound } from '@/src/features/tickets/ticket/ticket-not-found';
import { ErrorAlert, Loading } from '@/src/ui/components';

export default function TicketShortLink() {
  const { ticketId } = useParams<{ ticketId: string }>();
  const id = decodeURIComponent(ticketId);
  const router = useRouter();
  // The workspace a ticket belongs to, and so the ticket's own page.
  const { data: href, error } = useQuery({
    queryKey: globalKey('workspaces', 'one', 'of-ticket', id),
    queryFn: async ({ signal }) => {
      const t = await api.get('/tickets/{id}', { params: { path: { id } }, signal });
      const ws = await api.get('/workspaces/{id}', { params: { path: { id: t.workspaceId } }, signal });
      return `/w/${encodeURIComponent(ws.slug)}/tickets/${encodeURIComponent(t.id)}`;
    },
  });
  useEffect(() => {
    if (href) router.replace(href);
  }, [href, router]);

  if (error?.status === 404) return <TicketNotFound id={id} backHref="/workspaces" backLabel="See your workspaces" />;
  if (error) return <ErrorAlert error={error} />;
  return <Loading label="Opening the ticket…" />;
}

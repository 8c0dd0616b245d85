'use client';
// /t/<ticketId>: a short, stable link to a ticket (for PRs and chat) that finds the ticket's workspace and goes
// to its page there.
import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/ui/api';
import { EmptyState, ErrorAlert, Loading } from '@/src/ui/components';
import type { Ticket } from '@/src/features/tickets/types';
import type { Workspace } from '@/src/ui/types';

export default function TicketShortLink() {
  const { ticketId } = useParams<{ ticketId: string }>();
  const id = decodeURIComponent(ticketId);
  const router = useRouter();
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const t = await api<Ticket>('GET', `/tickets/${encodeURIComponent(id)}`);
        const ws = await api<Workspace>('GET', `/workspaces/${encodeURIComponent(t.workspaceId)}`);
        if (live) router.replace(`/w/${encodeURIComponent(ws.slug)}/tickets/${encodeURIComponent(t.id)}`);
      } catch (err) {
        if (live) setError(toApiError(err));
      }
    })();
    return () => {
      live = false;
    };
  }, [id, router]);

  if (error?.status === 404) {
    return (
      <EmptyState icon="🎫" title="Ticket not found" action={<Link className="text-sm font-medium text-indigo-600 hover:text-indigo-500" href="/workspaces">See your workspaces</Link>}>
        There is no ticket <span className="font-mono">{id}</span>, or you cannot see it.
      </EmptyState>
    );
  }
  if (error) return <ErrorAlert error={error} />;
  return <Loading label="Opening the ticket…" />;
}

'use client';
// One delivery (workspace admins): what was sent, to where, every attempt with its answer (status code, latency,
// response excerpt or error), and Redeliver — the same webhook-id, a fresh signature, made by the delivery worker
// within a second. Refreshed every 5 s while the page is visible, sooner right after a redelivery.
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api } from '@/src/data/client';
import { wsKey } from '@/src/data/keys';
import { useApiMutation } from '@/src/data/mutations';
import { AttemptsTable } from '@/src/features/webhooks/attempts-table';
import { DeliverySummary } from '@/src/features/webhooks/delivery-summary';
import { useDelivery } from '@/src/features/webhooks/queries';
import type { WebhookDelivery } from '@/src/features/webhooks/webhook-parts';
import { Card, EmptyState, ErrorAlert, Loading, useTitle } from '@/src/ui/components';
import { useAgentNames } from '@/src/ui/executions';
import { useNow } from '@/src/ui/live';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function DeliveryPage() {
  const { workspace: w } = useWorkspace();
  const { nameOf: agentName } = useAgentNames(w.id);
  const { deliveryId: raw } = useParams<{ deliveryId: string }>();
  const deliveryId = decodeURIComponent(raw);
  useTitle(`Delivery ${deliveryId} · ${w.name}`);
  const admin = !!w.permissions['webhooks.read'];
  const canWrite = !!w.permissions['webhooks.manage'];
  const now = useNow(1000);
  const base = `/w/${encodeURIComponent(w.slug)}/webhooks`;

  const { delivery: query, endpoint } = useDelivery(w.id, deliveryId, admin);
  const delivery = query.data ?? null;
  const error = query.error;
  const [queued, setQueued] = useState(false);
  const queryClient = useQueryClient();
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  useEffect(() => () => timers.current.forEach(clearTimeout), []);

  const redeliver = useApiMutation({
    mutationFn: () => api.post('/webhook-deliveries/{id}/redeliver', { params: { path: { id: deliveryId } } }) as Promise<WebhookDelivery>,
    onSuccess: (d) => {
      queryClient.setQueryData(wsKey(w.id, 'deliveries', 'one', deliveryId), d);
      setQueued(true);
      // The worker picks it up within a second or so: look again soon rather than at the next poll.
      timers.current.push(
        setTimeout(() => void query.refetch(), 1200),
        setTimeout(() => void query.refetch(), 3000),
      );
    },
    invalidate: [wsKey(w.id, 'deliveries', 'list')],
  });

  if (!admin) {
    return (
      <EmptyState icon="🔒" title="Webhooks are for workspace admins">
        Only owners and admins of this workspace can see webhook deliveries.
      </EmptyState>
    );
  }

  const back = (
    <Link href={base} className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
      ← All webhooks and deliveries
    </Link>
  );

  if (error && !delivery) {
    return (
      <div className="space-y-4">
        {back}
        {error.status === 404 ? (
          <EmptyState icon="🔭" title="Delivery not found">
            There is no delivery <span className="font-mono">{deliveryId}</span> here (its endpoint may have been deleted).
          </EmptyState>
        ) : (
          <ErrorAlert error={error} />
        )}
      </div>
    );
  }
  if (!delivery) return <Loading />;
  const d = delivery;

  return (
    <div className="space-y-6" data-testid="delivery-detail" data-delivery-id={d.id} data-status={d.status}>
      {back}
      <DeliverySummary
        delivery={d}
        endpoint={endpoint}
        now={now}
        workspaceSlug={w.slug}
        agentName={agentName}
        canWrite={canWrite}
        redelivering={redeliver.isPending}
        queued={queued}
        redeliverError={redeliver.error}
        error={error}
        onRedeliver={() => (setQueued(false), redeliver.mutate())}
      />

      <Card title="Attempts" description="Newest first. A failed attempt is retried with a growing delay; Redeliver adds a manual one.">
        <AttemptsTable delivery={d} endpoint={endpoint} now={now} />
      </Card>

      <Card title="Payload" description="The JSON body POSTed on every attempt.">
        <pre tabIndex={0} aria-label="Payload" className="max-h-96 overflow-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs whitespace-pre-wrap text-slate-100" data-testid="delivery-payload">
          {JSON.stringify(d.payload, null, 2)}
        </pre>
      </Card>
    </div>
  );
}

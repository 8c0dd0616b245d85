'use client';
// One delivery (workspace admins): what was sent, to where, every attempt with its answer (status code, latency,
// response excerpt or error), and Redeliver — the same webhook-id, a fresh signature, made by the delivery worker
// within a second. Refreshed every 5 s while the page is visible, sooner right after a redelivery.
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/ui/api';
import { Card, EmptyState, ErrorAlert, Loading, useTitle } from '@/src/ui/components';
import { useAgentNames } from '@/src/ui/executions';
import { useNow, useVisibleInterval } from '@/src/ui/live';
import { AttemptsTable } from '@/src/features/webhooks/attempts-table';
import { DeliverySummary } from '@/src/features/webhooks/delivery-summary';
import type { Webhook, WebhookDelivery } from '@/src/features/webhooks/webhook-parts';
import { useWorkspace } from '@/src/ui/workspace-context';

const POLL_MS = 5000;

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

  const [delivery, setDelivery] = useState<WebhookDelivery | null>(null);
  const [endpoint, setEndpoint] = useState<Webhook | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [redeliverError, setRedeliverError] = useState<ApiError | null>(null);
  const [redelivering, setRedelivering] = useState(false);
  const [queued, setQueued] = useState(false);
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);

  const load = useCallback(async () => {
    try {
      const d = await api<WebhookDelivery>('GET', `/webhook-deliveries/${encodeURIComponent(deliveryId)}`);
      if (d.workspaceId !== w.id) {
        setError(toApiError(new Error('This delivery belongs to another workspace.')));
        return;
      }
      setDelivery(d);
      setError(null);
      if (d.webhookId) {
        try {
          setEndpoint(await api<Webhook>('GET', `/webhooks/${encodeURIComponent(d.webhookId)}`));
        } catch {
          setEndpoint(null);
        }
      }
    } catch (err) {
      setError(toApiError(err));
    }
  }, [deliveryId, w.id]);

  useEffect(() => {
    if (!admin) return;
    setDelivery(null);
    void load();
  }, [load, admin]);
  useVisibleInterval(load, POLL_MS, admin);
  useEffect(() => () => timers.current.forEach(clearTimeout), []);

  async function redeliver() {
    if (!delivery) return;
    setRedelivering(true);
    setRedeliverError(null);
    setQueued(false);
    try {
      setDelivery(await api<WebhookDelivery>('POST', `/webhook-deliveries/${encodeURIComponent(delivery.id)}/redeliver`));
      setQueued(true);
      // The worker picks it up within a second or so: look again soon rather than at the next poll.
      timers.current.push(
        setTimeout(() => void load(), 1200),
        setTimeout(() => void load(), 3000),
      );
    } catch (err) {
      setRedeliverError(toApiError(err));
    } finally {
      setRedelivering(false);
    }
  }

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
        redelivering={redelivering}
        queued={queued}
        redeliverError={redeliverError}
        error={error}
        onRedeliver={() => void redeliver()}
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

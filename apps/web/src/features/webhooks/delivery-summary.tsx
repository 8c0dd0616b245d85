'use client';
// What one delivery is: its event, target, attempts so far, next attempt, last answer, and Redeliver for admins who
// may change webhooks.
import Link from 'next/link';
import { Button, Card, ErrorAlert, Notice, formatDateTime } from '@/src/ui/components';
import { DeliveryStatusBadge, StatusCode, When, type Webhook, type WebhookDelivery } from './webhook-parts';

export function DeliverySummary({
  delivery: d,
  endpoint,
  now,
  workspaceSlug,
  agentName,
  canWrite,
  redelivering,
  queued,
  redeliverError,
  error,
  onRedeliver,
}: {
  delivery: WebhookDelivery;
  endpoint: Webhook | null;
  now: number;
  workspaceSlug: string;
  agentName: (id: string) => string | null;
  canWrite: boolean;
  redelivering: boolean;
  queued: boolean;
  redeliverError: unknown;
  /** A failed refresh while the delivery is shown. */
  error: unknown;
  onRedeliver: () => void;
}) {
  return (
    <Card
      title={
        <span className="flex flex-wrap items-center gap-2">
          <span className="font-mono">{d.eventType}</span>
          <DeliveryStatusBadge status={d.status} />
        </span>
      }
      description={d.webhookId ? 'A delivery to a webhook endpoint of this workspace' : 'A notification pushed to an agent’s own endpoint'}
    >
      <div className="flex flex-wrap items-start gap-6">
        <dl className="grid min-w-0 flex-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
          <dt className="text-slate-500">webhook-id</dt>
          <dd className="font-mono break-all text-slate-800">{d.id}</dd>
          <dt className="text-slate-500">Event id</dt>
          <dd className="font-mono break-all text-slate-800">{d.eventId}</dd>
          <dt className="text-slate-500">Target</dt>
          <dd className="min-w-0">
            {d.webhookId ? (
              <span className="font-mono break-all text-slate-800">
                {endpoint?.url ?? d.webhookId}
                {endpoint?.status === 'disabled' && <span className="ml-2 text-xs font-medium text-rose-700">(disabled)</span>}
              </span>
            ) : (
              <span>
                Agent{' '}
                {d.agentId && (
                  <Link className="font-medium text-indigo-700 hover:text-indigo-500" href={`/w/${encodeURIComponent(workspaceSlug)}/agents/${encodeURIComponent(d.agentId)}`}>
                    {agentName(d.agentId) ?? 'an agent'}
                  </Link>
                )}
              </span>
            )}
          </dd>
          <dt className="text-slate-500">Attempts</dt>
          <dd data-testid="delivery-attempt-count">
            {d.attemptCount} of at most {d.maxAttempts}
          </dd>
          {d.status === 'pending' && (
            <>
              <dt className="text-slate-500">Next attempt</dt>
              <dd>
                <When iso={d.nextAttemptAt} now={now} testId="delivery-next-attempt" />
              </dd>
            </>
          )}
          <dt className="text-slate-500">Last answer</dt>
          <dd>
            <StatusCode code={d.lastStatusCode} error={d.lastError} />
          </dd>
          {d.completedAt && (
            <>
              <dt className="text-slate-500">{d.status === 'succeeded' ? 'Succeeded' : 'Gave up'}</dt>
              <dd>{formatDateTime(d.completedAt)}</dd>
            </>
          )}
          <dt className="text-slate-500">Created</dt>
          <dd>{formatDateTime(d.createdAt)}</dd>
        </dl>
        {canWrite && (
          <div className="flex max-w-xs flex-col items-end gap-2">
            <Button onClick={onRedeliver} loading={redelivering}>
              Redeliver
            </Button>
            <p className="text-right text-xs text-slate-500">Sends it again now, with the same webhook-id and a fresh signature.</p>
          </div>
        )}
      </div>
      {queued && d.status === 'pending' && (
        <Notice tone="info" className="mt-4">
          Redelivery queued: the attempt is made within a second or two and appears below.
        </Notice>
      )}
      <ErrorAlert error={redeliverError} className="mt-4" />
      <ErrorAlert error={error} className="mt-4" />
    </Card>
  );
}

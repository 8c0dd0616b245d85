'use client';
// Deliveries as a table: the event (linking to the delivery's page), where it went, its status, attempts (with the
// next one under the count: one column less keeps the table within 1366 px), the last answer and when it was made.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Table, type Column } from '@/src/ui/table';
import { DeliveryStatusBadge, StatusCode, When, type Webhook, type WebhookDelivery } from './webhook-parts';

export function DeliveriesTable({
  items,
  error,
  empty,
  footer,
  webhooks,
  now,
  agentName,
  base,
  workspaceSlug,
}: {
  items: WebhookDelivery[] | null;
  error: unknown;
  empty: ReactNode;
  footer: ReactNode;
  webhooks: Map<string, Webhook>;
  now: number;
  agentName: (id: string) => string | null;
  /** `/w/{slug}/webhooks` */
  base: string;
  workspaceSlug: string;
}) {
  const columns: Column<WebhookDelivery>[] = [
    {
      id: 'event',
      header: 'Event',
      cell: (d) => (
        <>
          {/* Named by its visible event type first, then which delivery it is (label in name). */}
          <Link href={`${base}/deliveries/${encodeURIComponent(d.id)}`} className="font-mono text-xs font-semibold text-indigo-700 hover:text-indigo-500">
            {d.eventType}
            <span className="sr-only"> — delivery {d.id}</span>
          </Link>
          <p className="mt-0.5 font-mono text-[11px] text-slate-500" title="The event's id (receivers see it in the body)">
            {d.eventId}
          </p>
        </>
      ),
    },
    {
      id: 'target',
      header: 'Target',
      cell: (d) => {
        if (d.webhookId) {
          const h = webhooks.get(d.webhookId);
          return (
            <span className="block max-w-[14rem] truncate font-mono text-xs text-slate-600" title={h?.url ?? d.webhookId}>
              {h?.url ?? d.webhookId}
            </span>
          );
        }
        return (
          <span className="text-xs text-slate-600">
            Notification to{' '}
            {d.agentId ? (
              <Link className="font-medium text-indigo-700 hover:text-indigo-500" href={`/w/${encodeURIComponent(workspaceSlug)}/agents/${encodeURIComponent(d.agentId)}`}>
                {agentName(d.agentId) ?? 'an agent'}
              </Link>
            ) : (
              'an agent'
            )}
          </span>
        );
      },
    },
    { id: 'status', header: 'Status', cell: (d) => <DeliveryStatusBadge status={d.status} /> },
    {
      id: 'attempts',
      header: 'Attempts',
      className: 'whitespace-nowrap text-slate-700',
      cell: (d) => (
        <>
          <span data-testid="delivery-attempts">
            {d.attemptCount} / {d.maxAttempts}
          </span>
          {d.status === 'pending' && (
            <span className="block text-xs text-slate-600">
              next <When iso={d.nextAttemptAt} now={now} />
            </span>
          )}
        </>
      ),
    },
    { id: 'answer', header: 'Last answer', cell: (d) => <StatusCode code={d.lastStatusCode} error={d.lastError} testId="delivery-last-code" /> },
    { id: 'created', header: 'Created', className: 'text-xs whitespace-nowrap text-slate-500', cell: (d) => <When iso={d.createdAt} now={now} /> },
  ];
  return (
    <Table
      label="Deliveries"
      testId="deliveries-table"
      columns={columns}
      rows={items}
      rowKey={(d) => d.id}
      rowProps={(d) => ({ 'data-testid': 'delivery-row', 'data-delivery-id': d.id, 'data-event-id': d.eventId, 'data-status': d.status })}
      error={error}
      empty={empty}
      footer={footer}
      alignTop
      className="-mx-5"
    />
  );
}

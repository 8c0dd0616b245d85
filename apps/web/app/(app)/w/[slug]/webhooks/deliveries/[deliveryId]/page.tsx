'use client';
// One delivery (workspace admins): what was sent, to where, every attempt with its answer (status code, latency,
// response excerpt or error), and Redeliver — the same webhook-id, a fresh signature, made by the delivery worker
// within a second. Refreshed every 5 s while the page is visible, sooner right after a redelivery.
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/ui/api';
import { Button, Card, EmptyState, ErrorAlert, formatDateTime, Loading, Notice, ScrollRegion, useTitle } from '@/src/ui/components';
import { useAgentNames } from '@/src/ui/executions';
import { useNow, useVisibleInterval } from '@/src/ui/live';
import { canManage } from '@/src/ui/types';
import { DeliveryStatusBadge, StatusCode, When, type Webhook, type WebhookDelivery } from '@/src/ui/webhooks';
import { useWorkspace } from '@/src/ui/workspace-context';

const POLL_MS = 5000;

export default function DeliveryPage() {
  const { workspace: w, role } = useWorkspace();
  const { nameOf: agentName } = useAgentNames(w.id);
  const { deliveryId: raw } = useParams<{ deliveryId: string }>();
  const deliveryId = decodeURIComponent(raw);
  useTitle(`Delivery ${deliveryId} · ${w.name}`);
  const admin = canManage(role);
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
  const attempts = [...d.attempts].sort((a, b) => b.attempt - a.attempt || b.startedAt.localeCompare(a.startedAt));

  return (
    <div className="space-y-6" data-testid="delivery-detail" data-delivery-id={d.id} data-status={d.status}>
      {back}
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
                    <Link className="font-medium text-indigo-700 hover:text-indigo-500" href={`/w/${encodeURIComponent(w.slug)}/agents/${encodeURIComponent(d.agentId)}`}>
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
              <Button onClick={() => void redeliver()} loading={redelivering}>
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
        {error && <ErrorAlert error={error} className="mt-4" />}
      </Card>

      <Card title="Attempts" description="Newest first. A failed attempt is retried with a growing delay; Redeliver adds a manual one.">
        {attempts.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="attempts-empty">
            No attempt yet{d.status === 'pending' && d.nextAttemptAt ? '; the first one is due ' : '.'}
            {d.status === 'pending' && d.nextAttemptAt && <When iso={d.nextAttemptAt} now={now} />}
          </p>
        ) : (
          <ScrollRegion label="Attempts" className="-mx-5 -mb-4">
            <table className="min-w-full text-sm" data-testid="attempts-table">
              <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="px-5 py-2.5">#</th>
                  <th scope="col" className="px-3 py-2.5">Time</th>
                  <th scope="col" className="px-3 py-2.5">Answer</th>
                  <th scope="col" className="px-3 py-2.5">Latency</th>
                  <th scope="col" className="px-5 py-2.5">Response / error</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {attempts.map((a) => (
                  <tr
                    key={`${a.attempt}-${a.startedAt}`}
                    className="align-top"
                    data-testid="attempt-row"
                    data-attempt={a.attempt}
                    data-ok={a.ok ? 'true' : 'false'}
                    data-status-code={a.statusCode ?? ''}
                    data-trigger={a.trigger}
                  >
                    <td className="px-5 py-3 whitespace-nowrap text-slate-700">
                      {a.attempt}
                      {a.trigger === 'manual' && (
                        <span className="ml-1.5 rounded bg-sky-50 px-1.5 py-0.5 text-[11px] font-medium text-sky-700 ring-1 ring-sky-200 ring-inset">manual</span>
                      )}
                    </td>
                    <td className="px-3 py-3 text-xs whitespace-nowrap text-slate-600">
                      <time dateTime={a.startedAt} title={a.startedAt}>
                        {new Date(a.startedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}
                      </time>
                    </td>
                    <td className="px-3 py-3 whitespace-nowrap">
                      <span className={a.ok ? 'text-emerald-700' : 'text-rose-700'} aria-hidden="true">
                        {a.ok ? '✓ ' : '✗ '}
                      </span>
                      <span className="sr-only">{a.ok ? 'Succeeded: ' : 'Failed: '}</span>
                      <StatusCode code={a.statusCode} testId="attempt-status-code" />
                      {a.statusCode === null && <span className="text-xs text-rose-700">no answer</span>}
                    </td>
                    <td className="px-3 py-3 text-xs whitespace-nowrap text-slate-600" data-testid="attempt-latency">
                      {a.latencyMs} ms
                    </td>
                    <td className="px-5 py-3">
                      {a.error && a.statusCode === null && <p className="text-xs text-rose-700">{a.error}</p>}
                      {a.responseExcerpt ? (
                        <pre tabIndex={0} className="max-h-32 max-w-xl overflow-auto rounded bg-slate-50 px-2 py-1 font-mono text-[11px] whitespace-pre-wrap text-slate-700" data-testid="attempt-excerpt">
                          {a.responseExcerpt}
                        </pre>
                      ) : (
                        !a.error && <span className="text-xs text-slate-500">empty answer</span>
                      )}
                      {a.url && endpoint && a.url !== endpoint.url && <p className="mt-1 font-mono text-[11px] text-slate-500">sent to {a.url}</p>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </Card>

      <Card title="Payload" description="The JSON body POSTed on every attempt.">
        <pre tabIndex={0} aria-label="Payload" className="max-h-96 overflow-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs whitespace-pre-wrap text-slate-100" data-testid="delivery-payload">
          {JSON.stringify(d.payload, null, 2)}
        </pre>
      </Card>
    </div>
  );
}

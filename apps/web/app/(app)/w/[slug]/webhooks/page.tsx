'use client';
// Webhooks of a workspace (workspace admins): the endpoints with their event filter and health, the admin's
// actions on them (create with the secret shown once, edit, rotate the secret, disable/enable, delete), and the
// deliveries — to one endpoint or to all, agents' notification pushes included — kept current by a 5 s poll while
// the page is visible.
import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, apiList, qs, toApiError, type ApiError, type ListMeta } from '@/src/ui/api';
import { Button, Card, ConfirmDialog, EmptyState, ErrorAlert, Loading, Notice, ScrollRegion, SelectField, useTitle } from '@/src/ui/components';
import { useAgentNames } from '@/src/ui/executions';
import { useNow, useVisibleInterval } from '@/src/ui/live';
import { canManage } from '@/src/ui/types';
import {
  DeliveryStatusBadge,
  EventChips,
  RotateSecretDialog,
  StatusCode,
  WebhookFormDialog,
  WebhookStatus,
  When,
  type DeliveryStatus,
  type Webhook,
  type WebhookDelivery,
} from '@/src/ui/webhooks';
import { useWorkspace } from '@/src/ui/workspace-context';

const POLL_MS = 5000;
const DELIVERY_PAGE = 25;

export default function WebhooksPage() {
  const { workspace: w, role } = useWorkspace();
  useTitle(`Webhooks · ${w.name}`);
  // Reading webhooks is for admins too (their URLs and payloads may carry integration details); changing them
  // also needs the workspace not to be archived, which `permissions` already accounts for.
  const admin = canManage(role);
  const canWrite = !!w.permissions['webhooks.manage'];
  const [endpointFilter, setEndpointFilter] = useState('');
  const deliveriesRef = useRef<HTMLDivElement>(null);

  if (!admin) {
    return (
      <EmptyState icon="🔒" title="Webhooks are for workspace admins">
        Only owners and admins of this workspace can see and manage its webhooks.
      </EmptyState>
    );
  }

  return (
    <div className="space-y-6">
      <Endpoints
        canWrite={canWrite}
        onShowDeliveries={(id) => {
          setEndpointFilter(id);
          deliveriesRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
        }}
        render={(webhooks) => (
          <div ref={deliveriesRef}>
            <Deliveries webhooks={webhooks} endpoint={endpointFilter} onEndpointChange={setEndpointFilter} />
          </div>
        )}
      />
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------- endpoints

function Endpoints({ canWrite, onShowDeliveries, render }: { canWrite: boolean; onShowDeliveries: (id: string) => void; render: (webhooks: Webhook[]) => React.ReactNode }) {
  const { workspace: w } = useWorkspace();
  const now = useNow(5000);
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Webhook | null>(null);
  const [rotating, setRotating] = useState<Webhook | null>(null);
  const [confirm, setConfirm] = useState<{ kind: 'delete' | 'disable'; webhook: Webhook } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const generation = useRef(0);

  const load = useCallback(async () => {
    const started = generation.current;
    try {
      const { items } = await apiList<Webhook>(`/webhooks${qs({ workspaceId: w.id, limit: 200 })}`);
      if (started !== generation.current) return;
      setWebhooks(items);
      setError(null);
    } catch (err) {
      if (started !== generation.current) return;
      setError(toApiError(err));
      setWebhooks((h) => h ?? []);
    }
  }, [w.id]);

  useEffect(() => {
    setWebhooks(null);
    void load();
  }, [load]);
  useVisibleInterval(load, POLL_MS);

  const upsert = (h: Webhook) => {
    generation.current++;
    setWebhooks((list) => (list?.some((x) => x.id === h.id) ? list.map((x) => (x.id === h.id ? h : x)) : [h, ...(list ?? [])]));
  };
  const remove = (id: string) => {
    generation.current++;
    setWebhooks((list) => list?.filter((x) => x.id !== id) ?? null);
  };

  async function setEnabled(h: Webhook, enabled: boolean) {
    upsert(await api<Webhook>('PATCH', `/webhooks/${encodeURIComponent(h.id)}`, { enabled }));
    setNotice(enabled ? `${h.url} is enabled again; waiting deliveries resume.` : `${h.url} is disabled; its deliveries wait until it is enabled again.`);
  }

  return (
    <>
      <Card
        title="Webhook endpoints"
        description="Mission Control POSTs the workspace's events to these URLs, signed the Standard Webhooks way, and retries failed deliveries for about a day."
      >
        <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-slate-500" data-testid="webhooks-summary">
            {webhooks === null ? '' : `${webhooks.length} ${webhooks.length === 1 ? 'endpoint' : 'endpoints'}`}
          </p>
          {canWrite && <Button onClick={() => setCreating(true)}>New webhook</Button>}
        </div>
        {notice && (
          <Notice tone="success" className="mb-4">
            <div className="flex items-start justify-between gap-3">
              <span>{notice}</span>
              <button type="button" className="text-xs font-medium underline" onClick={() => setNotice(null)}>
                Dismiss
              </button>
            </div>
          </Notice>
        )}
        <ErrorAlert error={error} className="mb-4" />
        {webhooks === null ? (
          <Loading />
        ) : webhooks.length === 0 ? (
          <EmptyState icon="🪝" title="No webhooks yet">
            {canWrite ? 'Add an endpoint to receive ticket, comment and agent events as they happen.' : 'An admin can add endpoints here.'}
          </EmptyState>
        ) : (
          <ul className="-mx-5 -mb-4 divide-y divide-slate-100 border-t border-slate-100" data-testid="webhooks-list">
            {webhooks.map((h) => (
              <li key={h.id} className="flex flex-wrap items-start gap-4 px-5 py-4" data-testid="webhook-row" data-webhook-id={h.id}>
                <div className="min-w-[14rem] flex-1 space-y-1.5">
                  <p className="font-mono text-sm font-medium break-all text-slate-900" data-testid="webhook-url">
                    {h.url}
                  </p>
                  {h.description && <p className="text-sm text-slate-600">{h.description}</p>}
                  <EventChips events={h.events} />
                  <p className="text-xs text-slate-500">
                    created <When iso={h.createdAt} now={now} /> · <span className="font-mono">{h.id}</span>
                    {h.previousSecretExpiresAt && new Date(h.previousSecretExpiresAt).getTime() > now && (
                      <>
                        {' '}
                        · the previous secret also signs until <When iso={h.previousSecretExpiresAt} now={now} />
                      </>
                    )}
                  </p>
                </div>
                <div className="w-56 shrink-0">
                  <WebhookStatus webhook={h} now={now} />
                </div>
                <div className="flex flex-wrap justify-end gap-1.5">
                  <Button size="sm" variant="secondary" onClick={() => onShowDeliveries(h.id)} aria-label={`Deliveries to ${h.url}`}>
                    Deliveries
                  </Button>
                  {canWrite && (
                    <>
                      <Button size="sm" variant="secondary" onClick={() => setEditing(h)} aria-label={`Edit ${h.url}`}>
                        Edit
                      </Button>
                      <Button size="sm" variant="secondary" onClick={() => setRotating(h)} aria-label={`Rotate secret of ${h.url}`}>
                        Rotate secret
                      </Button>
                      {h.status === 'enabled' ? (
                        <Button size="sm" variant="secondary" onClick={() => setConfirm({ kind: 'disable', webhook: h })} aria-label={`Disable ${h.url}`}>
                          Disable
                        </Button>
                      ) : (
                        <EnableButton onEnable={() => setEnabled(h, true)} label={`Enable ${h.url}`} />
                      )}
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-rose-600 hover:bg-rose-50 hover:text-rose-700"
                        onClick={() => setConfirm({ kind: 'delete', webhook: h })}
                        aria-label={`Delete ${h.url}`}
                      >
                        Delete
                      </Button>
                    </>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
        <WebhookFormDialog
          open={creating || editing !== null}
          workspaceId={w.id}
          webhook={editing}
          onClose={() => (setCreating(false), setEditing(null))}
          onSaved={(h) => {
            upsert(h);
            if (editing) setNotice(`${h.url} was saved.`);
          }}
        />
        <RotateSecretDialog
          webhook={rotating}
          onClose={() => setRotating(null)}
          onRotated={() => {
            generation.current++;
            void load();
          }}
        />
        <ConfirmDialog
          open={confirm?.kind === 'disable'}
          title="Disable this webhook?"
          confirmLabel="Disable webhook"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            if (confirm) await setEnabled(confirm.webhook, false);
          }}
        >
          Nothing is sent to <span className="font-mono break-all">{confirm?.webhook.url}</span> while it is disabled: pending deliveries wait, and no new ones are made for
          events meanwhile. You can enable it again at any time.
        </ConfirmDialog>
        <ConfirmDialog
          open={confirm?.kind === 'delete'}
          title="Delete this webhook?"
          confirmLabel="Delete webhook"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            if (!confirm) return;
            await api<Webhook>('DELETE', `/webhooks/${encodeURIComponent(confirm.webhook.id)}`);
            remove(confirm.webhook.id);
            setNotice(`${confirm.webhook.url} was deleted.`);
          }}
        >
          <span className="font-mono break-all">{confirm?.webhook.url}</span> gets no more deliveries, and its delivery log is deleted with it. This cannot be undone.
        </ConfirmDialog>
      </Card>
      {webhooks !== null && render(webhooks)}
    </>
  );
}

function EnableButton({ onEnable, label }: { onEnable: () => Promise<void>; label: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        size="sm"
        loading={pending}
        aria-label={label}
        onClick={async () => {
          setPending(true);
          setError(null);
          try {
            await onEnable();
          } catch (err) {
            setError(toApiError(err));
          } finally {
            setPending(false);
          }
        }}
      >
        Enable
      </Button>
      {error && (
        <span role="alert" className="max-w-xs text-right text-xs text-rose-600">
          {error.message}
        </span>
      )}
    </span>
  );
}

// ---------------------------------------------------------------------------------------------------- deliveries

function Deliveries({ webhooks, endpoint, onEndpointChange }: { webhooks: Webhook[]; endpoint: string; onEndpointChange: (id: string) => void }) {
  const { workspace: w } = useWorkspace();
  const { nameOf: agentName } = useAgentNames(w.id);
  const now = useNow(1000);
  const base = `/w/${encodeURIComponent(w.slug)}/webhooks`;
  const [status, setStatus] = useState<'' | DeliveryStatus>('');
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  // How many rows are on screen: a poll refreshes all of them, not just the first page.
  const shownCount = useRef(DELIVERY_PAGE);
  const filterKey = `${w.id}|${endpoint}|${status}`;
  const currentKey = useRef(filterKey);
  currentKey.current = filterKey;
  const generation = useRef(0);

  const path = useCallback(
    (limit: number, after: string | null) => `/webhook-deliveries${qs({ workspaceId: w.id, webhookId: endpoint || undefined, status: status || undefined, limit, cursor: after })}`,
    [w.id, endpoint, status],
  );

  const refresh = useCallback(async () => {
    const key = filterKey;
    const started = generation.current;
    try {
      const want = Math.max(DELIVERY_PAGE, shownCount.current);
      const all: WebhookDelivery[] = [];
      let next: string | null = null;
      let count: number | null = null;
      do {
        const res: { items: WebhookDelivery[]; meta: ListMeta } = await apiList<WebhookDelivery>(path(Math.min(200, want - all.length), next));
        const { items: page, meta } = res;
        all.push(...page);
        next = meta.nextCursor ?? null;
        count = meta.total ?? count;
      } while (next && all.length < want);
      if (key !== currentKey.current || started !== generation.current) return;
      setItems(all);
      setCursor(next);
      setTotal(count);
      setError(null);
    } catch (err) {
      if (key !== currentKey.current) return;
      setError(toApiError(err));
      setItems((d) => d ?? []);
    }
  }, [path, filterKey]);

  useEffect(() => {
    shownCount.current = DELIVERY_PAGE;
    setItems(null);
    setCursor(null);
    void refresh();
    // refresh changes exactly when the filters do
  }, [refresh]);
  useVisibleInterval(refresh, POLL_MS);

  async function loadMore() {
    if (!cursor) return;
    const key = filterKey;
    setLoadingMore(true);
    generation.current++;
    try {
      const { items: page, meta } = await apiList<WebhookDelivery>(path(DELIVERY_PAGE, cursor));
      if (key !== currentKey.current) return;
      setItems((list) => {
        const merged = [...(list ?? []), ...page.filter((d) => !(list ?? []).some((x) => x.id === d.id))];
        shownCount.current = merged.length;
        return merged;
      });
      setCursor(meta.nextCursor ?? null);
      if (meta.total !== undefined) setTotal(meta.total);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setLoadingMore(false);
    }
  }

  const byId = new Map(webhooks.map((h) => [h.id, h]));
  const filtered = !!(status || endpoint);

  return (
    <Card
      title="Deliveries"
      description={
        <span data-testid="deliveries-summary">
          Every event sent to an endpoint (and every notification pushed to an agent’s endpoint), newest first
          {total !== null && ` · ${total} ${total === 1 ? 'delivery' : 'deliveries'}`} · refreshes every 5 s
        </span>
      }
    >
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <SelectField id="deliveries-endpoint" label="Endpoint" value={endpoint} onChange={(e) => onEndpointChange(e.target.value)} className="min-w-[16rem] flex-1">
          <option value="">All endpoints and agent pushes</option>
          {endpoint && !byId.has(endpoint) && <option value={endpoint}>{endpoint}</option>}
          {webhooks.map((h) => (
            <option key={h.id} value={h.id}>
              {h.url}
              {h.description ? ` — ${h.description}` : ''}
            </option>
          ))}
        </SelectField>
        <SelectField id="deliveries-status" label="Status" value={status} onChange={(e) => setStatus(e.target.value as '' | DeliveryStatus)} className="w-40">
          <option value="">All</option>
          <option value="pending">Pending</option>
          <option value="succeeded">Succeeded</option>
          <option value="failed">Failed</option>
        </SelectField>
        {filtered && (
          <Button variant="ghost" onClick={() => (setStatus(''), onEndpointChange(''))}>
            Clear
          </Button>
        )}
      </div>
      <ErrorAlert error={error} className="mb-4" />
      {items === null ? (
        <Loading />
      ) : items.length === 0 ? (
        <EmptyState icon="📭" title={filtered ? 'No delivery matches these filters' : 'No deliveries yet'}>
          {filtered ? 'Clear the filters to see every delivery.' : 'Deliveries appear here as soon as a matching event happens.'}
        </EmptyState>
      ) : (
        <>
          <ScrollRegion label="Deliveries" className="-mx-5">
            <table className="min-w-full text-sm" data-testid="deliveries-table">
              <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="px-5 py-2.5">Event</th>
                  <th scope="col" className="px-3 py-2.5">Target</th>
                  <th scope="col" className="px-3 py-2.5">Status</th>
                  <th scope="col" className="px-3 py-2.5">Attempts</th>
                  <th scope="col" className="px-3 py-2.5">Last answer</th>
                  <th scope="col" className="px-5 py-2.5">Created</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {items.map((d) => {
                  const h = d.webhookId ? byId.get(d.webhookId) : undefined;
                  return (
                    <tr key={d.id} className="align-top" data-testid="delivery-row" data-delivery-id={d.id} data-event-id={d.eventId} data-status={d.status}>
                      <td className="px-5 py-3">
                        {/* Named by its visible event type first, then which delivery it is (label in name). */}
                        <Link href={`${base}/deliveries/${encodeURIComponent(d.id)}`} className="font-mono text-xs font-semibold text-indigo-700 hover:text-indigo-500">
                          {d.eventType}
                          <span className="sr-only"> — delivery {d.id}</span>
                        </Link>
                        <p className="mt-0.5 font-mono text-[11px] text-slate-500" title="The event's id (receivers see it in the body)">
                          {d.eventId}
                        </p>
                      </td>
                      <td className="px-3 py-3">
                        {d.webhookId ? (
                          <span className="block max-w-[14rem] truncate font-mono text-xs text-slate-600" title={h?.url ?? d.webhookId}>
                            {h?.url ?? d.webhookId}
                          </span>
                        ) : (
                          <span className="text-xs text-slate-600">
                            Notification to{' '}
                            {d.agentId ? (
                              <Link className="font-medium text-indigo-700 hover:text-indigo-500" href={`/w/${encodeURIComponent(w.slug)}/agents/${encodeURIComponent(d.agentId)}`}>
                                {agentName(d.agentId) ?? 'an agent'}
                              </Link>
                            ) : (
                              'an agent'
                            )}
                          </span>
                        )}
                      </td>
                      <td className="px-3 py-3">
                        <DeliveryStatusBadge status={d.status} />
                      </td>
                      {/* The next attempt sits under the count: one column less keeps the table within 1366 px. */}
                      <td className="px-3 py-3 whitespace-nowrap text-slate-700">
                        <span data-testid="delivery-attempts">
                          {d.attemptCount} / {d.maxAttempts}
                        </span>
                        {d.status === 'pending' && (
                          <span className="block text-xs text-slate-600">
                            next <When iso={d.nextAttemptAt} now={now} />
                          </span>
                        )}
                      </td>
                      <td className="px-3 py-3">
                        <StatusCode code={d.lastStatusCode} error={d.lastError} testId="delivery-last-code" />
                      </td>
                      <td className="px-5 py-3 text-xs whitespace-nowrap text-slate-500">
                        <When iso={d.createdAt} now={now} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </ScrollRegion>
          <div className="mt-4 flex items-center justify-between gap-3 text-xs text-slate-500">
            <span>
              Showing {items.length}
              {total !== null && ` of ${total}`}
            </span>
            {cursor && (
              <Button variant="secondary" size="sm" loading={loadingMore} onClick={() => void loadMore()}>
                Load more
              </Button>
            )}
          </div>
        </>
      )}
    </Card>
  );
}

'use client';
// The deliveries of a workspace's webhooks — to one endpoint or to all, agents' notification pushes included —
// filtered by endpoint and status, newest first, kept current by a 5 s poll (every row on screen, not only the first
// page) while the page is visible.
import { useCallback, useEffect, useRef, useState } from 'react';
import { apiList, qs, toApiError, type ApiError, type ListMeta } from '@/src/ui/api';
import { Button, Card, EmptyState, SelectField } from '@/src/ui/components';
import { useAgentNames } from '@/src/ui/executions';
import { useNow, useVisibleInterval } from '@/src/ui/live';
import type { DeliveryStatus, Webhook, WebhookDelivery } from './webhook-parts';
import { useWorkspace } from '@/src/ui/workspace-context';
import { DeliveriesTable } from './deliveries-table';

const POLL_MS = 5000;
const DELIVERY_PAGE = 25;

export function Deliveries({ webhooks, endpoint, onEndpointChange }: { webhooks: Webhook[]; endpoint: string; onEndpointChange: (id: string) => void }) {
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
      <DeliveriesTable
        items={items}
        error={error}
        webhooks={byId}
        now={now}
        agentName={agentName}
        base={base}
        workspaceSlug={w.slug}
        empty={
          <EmptyState icon="📭" title={filtered ? 'No delivery matches these filters' : 'No deliveries yet'}>
            {filtered ? 'Clear the filters to see every delivery.' : 'Deliveries appear here as soon as a matching event happens.'}
          </EmptyState>
        }
        footer={
          <div className="mt-4 flex items-center justify-between gap-3 text-xs text-slate-500">
            <span>
              Showing {items?.length ?? 0}
              {total !== null && ` of ${total}`}
            </span>
            {cursor && (
              <Button variant="secondary" size="sm" loading={loadingMore} onClick={() => void loadMore()}>
                Load more
              </Button>
            )}
          </div>
        }
      />
    </Card>
  );
}

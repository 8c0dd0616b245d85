'use client';
// The deliveries of a workspace's webhooks — to one endpoint or to all, agents' notification pushes included —
// filtered by endpoint and status, newest first, kept current by a 5 s poll (every row on screen, not only the first
// page) while the page is visible.
import { useState } from 'react';
import { Button, Card, EmptyState, SelectField } from '@/src/ui/components';
import { useAgentNames } from '@/src/ui/executions';
import { useNow } from '@/src/ui/live';
import { useWorkspace } from '@/src/ui/workspace-context';
import { DeliveriesTable } from './deliveries-table';
import { useDeliveries } from './queries';
import type { DeliveryStatus, Webhook } from './webhook-parts';

export function Deliveries({ webhooks, endpoint, onEndpointChange }: { webhooks: Webhook[]; endpoint: string; onEndpointChange: (id: string) => void }) {
  const { workspace: w } = useWorkspace();
  const { nameOf: agentName } = useAgentNames(w.id);
  const now = useNow(1000);
  const base = `/w/${encodeURIComponent(w.slug)}/webhooks`;
  const [status, setStatus] = useState<'' | DeliveryStatus>('');
  const { items, total, hasMore, loadingMore, loadMore, error } = useDeliveries(w.id, { webhookId: endpoint, status });

  const byId = new Map(webhooks.map((h) => [h.id, h]));
  const filtered = !!(status || endpoint);

  return (
    <Card
      title="Deliveries"
      description={
        <span data-testid="deliveries-summary">
          Every event sent to an endpoint (and every notification pushed to an agent’s endpoint), newest first
          {total !== undefined && ` · ${total} ${total === 1 ? 'delivery' : 'deliveries'}`} · refreshes every 5 s
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
              {total !== undefined && ` of ${total}`}
            </span>
            {hasMore && (
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

'use client';
// A workspace's webhooks: its endpoints, their deliveries (filtered, "Load more" by cursor; a refresh re-reads every
// page on screen) and one delivery with its endpoint — all polled every 5 s while the page is visible, since
// deliveries change without a live event.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, ApiError } from '@/src/data/client';
import { wsKey } from '@/src/data/keys';
import { usePagedList } from '@/src/data/paging';
import type { DeliveryStatus, Webhook, WebhookDelivery } from './webhook-parts';

const POLL_MS = 5000;
const DELIVERY_PAGE = 25;

export function useWebhooks(workspaceId: string) {
  return useQuery({
    queryKey: wsKey(workspaceId, 'webhooks', 'list'),
    queryFn: ({ signal }) => api.list('/webhooks', { params: { query: { workspaceId, limit: 200 } }, signal }).then((p) => p.items as Webhook[]),
    refetchInterval: POLL_MS,
  });
}

export function useDeliveries(workspaceId: string, filters: { webhookId: string; status: '' | DeliveryStatus }) {
  // The page shows how many deliveries match: counted (up to 10,000; ADR 0016), as the board counts its columns.
  const query = { workspaceId, webhookId: filters.webhookId || undefined, status: filters.status || undefined, limit: DELIVERY_PAGE, total: 'exact' as const };
  return usePagedList<WebhookDelivery>(
    wsKey(workspaceId, 'deliveries', 'list', query),
    (page, signal) => api.list('/webhook-deliveries', { params: { query: { ...query, ...page } }, signal }) as Promise<{ items: WebhookDelivery[]; meta: { limit: number; nextCursor?: string | null; total?: number } }>,
    { refetchInterval: POLL_MS },
  );
}

/** One delivery of this workspace (another workspace's is refused here), with the endpoint it goes to. */
export function useDelivery(workspaceId: string, deliveryId: string, enabled: boolean) {
  const delivery = useQuery({
    queryKey: wsKey(workspaceId, 'deliveries', 'one', deliveryId),
    queryFn: async ({ signal }) => {
      const d = (await api.get('/webhook-deliveries/{id}', { params: { path: { id: deliveryId } }, signal })) as WebhookDelivery;
      if (d.workspaceId !== workspaceId) throw new ApiError(0, 'CLIENT', 'This delivery belongs to another workspace.');
      return d;
    },
    enabled,
    refetchInterval: POLL_MS,
  });
  const webhookId = delivery.data?.webhookId ?? null;
  const endpoint = useQuery({
    queryKey: wsKey(workspaceId, 'webhooks', 'one', webhookId),
    queryFn: ({ signal }) => api.get('/webhooks/{id}', { params: { path: { id: webhookId! } }, signal }) as Promise<Webhook>,
    enabled: enabled && !!webhookId,
    retry: false,
  });
  return { delivery, endpoint: endpoint.data ?? null };
}

/** After a write to webhooks: re-read the endpoints and deliveries of the workspace. */
export function useWebhooksChanged(workspaceId: string) {
  const queryClient = useQueryClient();
  return useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: wsKey(workspaceId, 'webhooks') });
    void queryClient.invalidateQueries({ queryKey: wsKey(workspaceId, 'deliveries') });
  }, [queryClient, workspaceId]);
}

// Webhook deliveries: every attempt of every delivery (admins), and redelivering one.
import { listQuery, WEBHOOK_DELIVERY_STATUS_VALUES, ZWebhookDelivery, z, ZTotalMode } from '@mc/contracts';
import { findWebhookDeliveries, getWebhookDelivery, redeliverWebhook, WEBHOOK_DELIVERY_SORT_FIELDS } from '@mc/core';
import type { RouteBuilder } from '../http';

const ZDeliveryParam = z.object({ id: z.string().min(1).max(64).openapi({ description: 'Delivery id (`whd_…`), the `webhook-id` header' }) });

const ZFindDeliveriesQuery = listQuery(WEBHOOK_DELIVERY_SORT_FIELDS, '-createdAt').extend({
  workspaceId: z.string().max(64).optional().openapi({ description: 'Workspace id or slug (default: every workspace you administer)' }),
  webhookId: z.string().max(64).optional(),
  agentId: z.string().max(64).optional().openapi({ description: "Notifications pushed to this agent's endpoint" }),
  eventId: z.string().max(64).optional(),
  status: z.enum(WEBHOOK_DELIVERY_STATUS_VALUES).optional(),
  total: ZTotalMode,
});

export function registerWebhookDeliveryRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/webhook-deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'Deliveries with every attempt (status code, latency, response excerpt), newest first (workspace admins)',
    tags: ['Webhooks'],
    auth: 'user',
    query: ZFindDeliveriesQuery,
    response: ZWebhookDelivery,
    list: true,
    handler: ({ ctx, query }) => findWebhookDeliveries(ctx, query),
  });

  r.define({
    method: 'get',
    path: '/api/v1/webhook-deliveries/{id}',
    operationId: 'getWebhookDelivery',
    summary: 'One delivery with its payload and every attempt (workspace admin)',
    tags: ['Webhooks'],
    auth: 'user',
    params: ZDeliveryParam,
    response: ZWebhookDelivery,
    handler: ({ ctx, params }) => getWebhookDelivery(ctx, params.id),
  });

  r.define({
    method: 'post',
    path: '/api/v1/webhook-deliveries/{id}/redeliver',
    operationId: 'redeliverWebhook',
    summary: 'Send a delivery again, now, with the same webhook-id (workspace admin)',
    description: 'A finished delivery (succeeded or failed) gets one more attempt; a pending one is tried now instead of at its scheduled time.',
    tags: ['Webhooks'],
    auth: 'user',
    params: ZDeliveryParam,
    response: ZWebhookDelivery,
    status: 202,
    handler: ({ ctx, params }) => redeliverWebhook(ctx, params.id),
  });
}

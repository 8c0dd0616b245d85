// Webhooks: the endpoints of a workspace (admins) and their signing secrets (deliveries: webhook-deliveries.ts).
import {
  listQuery,
  WEBHOOK_STATUS_VALUES,
  ZCreateWebhookRequest,
  ZRotateWebhookSecretRequest,
  ZUpdateWebhookRequest,
  ZWebhook,
  ZWebhookCreated,
  ZWebhookSecretRotated,
  z,
  ZTotalMode,
} from '@mc/contracts';
import { createWebhook, deleteWebhook, findWebhooks, getWebhook, rotateWebhookSecret, updateWebhook, WEBHOOK_SORT_FIELDS } from '@mc/core';
import type { RouteBuilder } from '../http';

const ZWebhookParam = z.object({ id: z.string().min(1).max(64).openapi({ description: 'Webhook id (`whk_…`)' }) });

const ZFindWebhooksQuery = listQuery(WEBHOOK_SORT_FIELDS, '-createdAt').extend({
  workspaceId: z.string().max(64).optional().openapi({ description: 'Workspace id or slug (default: every workspace you administer)' }),
  status: z.enum(WEBHOOK_STATUS_VALUES).optional(),
  total: ZTotalMode,
});

export function registerWebhookRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/webhooks',
    operationId: 'listWebhooks',
    summary: 'Webhook endpoints of a workspace (workspace admins)',
    tags: ['Webhooks'],
    auth: 'user',
    query: ZFindWebhooksQuery,
    response: ZWebhook,
    list: true,
    handler: ({ ctx, query }) => findWebhooks(ctx, query),
  });

  r.define({
    method: 'post',
    path: '/api/v1/webhooks',
    operationId: 'createWebhook',
    summary: 'Register a webhook endpoint (workspace admin); the signing secret is in the answer, once',
    description:
      'Deliveries are POSTed as JSON with Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed with the base64-decoded part of the secret after `whsec_`). Failed deliveries are retried with exponential backoff and jitter for about 24 h.',
    tags: ['Webhooks'],
    auth: 'user',
    body: ZCreateWebhookRequest,
    response: ZWebhookCreated,
    status: 201,
    idempotent: true,
    secretFields: ['secret'],
    handler: ({ ctx, body }) => createWebhook(ctx, body),
  });

  r.define({
    method: 'get',
    path: '/api/v1/webhooks/{id}',
    operationId: 'getWebhook',
    summary: 'One webhook endpoint (workspace admin)',
    tags: ['Webhooks'],
    auth: 'user',
    params: ZWebhookParam,
    response: ZWebhook,
    handler: ({ ctx, params }) => getWebhook(ctx, params.id),
  });

  r.define({
    method: 'patch',
    path: '/api/v1/webhooks/{id}',
    operationId: 'updateWebhook',
    summary: 'Change URL, event filter or description; disable or enable again (workspace admin)',
    tags: ['Webhooks'],
    auth: 'user',
    params: ZWebhookParam,
    body: ZUpdateWebhookRequest,
    response: ZWebhook,
    handler: ({ ctx, params, body, ifMatch }) => updateWebhook(ctx, params.id, { ...body, version: body.version ?? ifMatch }),
  });

  r.define({
    method: 'delete',
    path: '/api/v1/webhooks/{id}',
    operationId: 'deleteWebhook',
    summary: 'Delete a webhook endpoint and its deliveries (workspace admin)',
    tags: ['Webhooks'],
    auth: 'user',
    params: ZWebhookParam,
    response: ZWebhook,
    handler: ({ ctx, params }) => deleteWebhook(ctx, params.id),
  });

  r.define({
    method: 'post',
    path: '/api/v1/webhooks/{id}/rotate-secret',
    operationId: 'rotateWebhookSecret',
    summary: 'New signing secret, shown once; the previous one keeps signing during the grace (default 24 h)',
    description: 'While the grace lasts, `webhook-signature` carries two signatures (space-separated): with the new secret and with the previous one.',
    tags: ['Webhooks'],
    auth: 'user',
    params: ZWebhookParam,
    body: ZRotateWebhookSecretRequest.optional().default({}),
    response: ZWebhookSecretRotated,
    idempotent: true,
    secretFields: ['secret'],
    handler: ({ ctx, params, body }) => rotateWebhookSecret(ctx, params.id, body ?? {}),
  });
}

// Webhooks: endpoints registered by workspace admins, and the deliveries (with every attempt) made to them and to
// agents' own endpoints. Deliveries are signed the Standard Webhooks way (webhook-id, webhook-timestamp,
// webhook-signature: `v1,<base64 HMAC-SHA256>`).
import { ZIsoDate, ZVersion } from './common';
import { EVENT_TYPES } from './events';
import { z } from './z';

export const WEBHOOK_STATUS_VALUES = ['enabled', 'disabled'] as const;
export const WEBHOOK_DELIVERY_STATUS_VALUES = ['pending', 'succeeded', 'failed'] as const;
/** Most event types one endpoint can filter on (the catalog is smaller; this only bounds the request). */
export const WEBHOOK_EVENTS_MAX = 64;
export const WEBHOOK_ROTATION_GRACE_MAX_SECONDS = 7 * 24 * 3600;

const ZWebhookUrl = z
  .url({ protocol: /^https?$/, message: 'an http(s) URL' })
  .max(2000)
  .openapi({ description: 'Where deliveries are POSTed. Private, loopback and link-local addresses are refused unless the instance allows them' });

const ZWebhookEvents = z
  .array(z.enum(EVENT_TYPES))
  .max(WEBHOOK_EVENTS_MAX)
  .openapi({ description: 'Event types to deliver (see the event catalog); empty = every event of the workspace' });

export const ZWebhook = z
  .object({
    id: z.string().openapi({ example: 'whk_01JD0000000000000000000000' }),
    workspaceId: z.string(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.string()),
    status: z.enum(WEBHOOK_STATUS_VALUES).openapi({ description: 'disabled: by an admin, or automatically after failing for 24 h' }),
    disabledAt: ZIsoDate.nullable(),
    disabledReason: z.string().nullable(),
    consecutiveFailures: z.number().int().openapi({ description: 'Failed attempts since the last success' }),
    failingSince: ZIsoDate.nullable(),
    lastSuccessAt: ZIsoDate.nullable(),
    previousSecretExpiresAt: ZIsoDate.nullable().openapi({ description: 'Until then deliveries carry a signature with the previous secret too' }),
    createdAt: ZIsoDate,
    updatedAt: ZIsoDate,
    version: z.number().int(),
  })
  .openapi('Webhook');

export const ZCreateWebhookRequest = z
  .object({
    workspaceId: z.string().min(1).max(64).openapi({ description: 'Workspace id or slug' }),
    url: ZWebhookUrl,
    events: ZWebhookEvents.default([]),
    description: z.string().max(500).optional(),
  })
  .strict()
  .openapi('CreateWebhookRequest');

export const ZWebhookCreated = ZWebhook.extend({
  secret: z
    .string()
    .nullable()
    .openapi({ description: 'Signing secret (`whsec_…`), shown once (null in an Idempotency-Key replay)', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
}).openapi('WebhookCreated');

export const ZUpdateWebhookRequest = z
  .object({
    url: ZWebhookUrl.optional(),
    events: ZWebhookEvents.optional(),
    description: z.string().max(500).optional(),
    enabled: z.boolean().optional().openapi({ description: 'false disables the endpoint; true enables it again and resets its failure count' }),
    version: ZVersion.optional(),
  })
  .strict()
  .openapi('UpdateWebhookRequest');

export const ZRotateWebhookSecretRequest = z
  .object({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(WEBHOOK_ROTATION_GRACE_MAX_SECONDS)
      .optional()
      .openapi({ description: 'How long deliveries are signed with the previous secret too (default 86400 = 24 h; 0 = stop now)' }),
  })
  .strict()
  .openapi('RotateWebhookSecretRequest');

export const ZWebhookSecretRotated = z
  .object({
    webhookId: z.string(),
    secret: z.string().nullable().openapi({ description: 'The new signing secret, shown once (null in an Idempotency-Key replay)' }),
    previousSecretExpiresAt: ZIsoDate,
    graceSeconds: z.number().int(),
  })
  .openapi('WebhookSecretRotated');

export const ZWebhookAttempt = z
  .object({
    attempt: z.number().int().openapi({ description: '1 for the first attempt of the delivery' }),
    url: z.string(),
    ok: z.boolean(),
    statusCode: z.number().int().nullable().openapi({ description: 'HTTP status of the answer; null when none came (refused, timeout, connection error)' }),
    latencyMs: z.number().int(),
    responseExcerpt: z.string().openapi({ description: 'First 500 characters of the answer' }),
    error: z.string().nullable().openapi({ description: 'Why the attempt failed without an answer (or was not made)' }),
    trigger: z.enum(['scheduled', 'manual']),
    startedAt: ZIsoDate,
  })
  .openapi('WebhookAttempt');

export const ZWebhookDelivery = z
  .object({
    id: z.string().openapi({ example: 'whd_01JD0000000000000000000000', description: 'Sent as `webhook-id` on every attempt; receivers dedupe on it' }),
    workspaceId: z.string(),
    webhookId: z.string().nullable().openapi({ description: 'The endpoint, for deliveries to a registered webhook' }),
    agentId: z.string().nullable().openapi({ description: "The agent, for notifications and dispatched tickets pushed to an agent's own endpoint" }),
    eventId: z.string(),
    eventType: z.string().openapi({ description: 'The event type, `notification` for an agent notification, or `dispatch` for a ticket handed to an agent' }),
    notificationId: z.string().nullable(),
    executionId: z
      .string()
      .nullable()
      .openapi({ description: 'For a `dispatch` delivery (a ticket handed to the agent): the execution it started; failing for good fails that execution' }),
    status: z.enum(WEBHOOK_DELIVERY_STATUS_VALUES),
    attemptCount: z.number().int(),
    maxAttempts: z.number().int(),
    nextAttemptAt: ZIsoDate.nullable(),
    lastAttemptAt: ZIsoDate.nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    completedAt: ZIsoDate.nullable(),
    createdAt: ZIsoDate,
    payload: z.record(z.string(), z.unknown()).openapi({ description: 'The JSON body POSTed on every attempt' }),
    attempts: z.array(ZWebhookAttempt).openapi({ description: 'Every attempt, oldest first' }),
  })
  .openapi('WebhookDelivery');


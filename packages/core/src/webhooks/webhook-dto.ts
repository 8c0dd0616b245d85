import type { webhookAttempts, webhookDeliveries } from '@mc/db';
import type { WebhookRow } from './webhook-access';

export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The public shape of an endpoint: never its secrets. */
export function toWebhookDto(w: WebhookRow) {
  return {
    id: w.id,
    workspaceId: w.workspaceId,
    url: w.url,
    description: w.description,
    events: w.events,
    status: w.status as 'enabled' | 'disabled',
    disabledAt: iso(w.disabledAt),
    disabledReason: w.disabledReason,
    consecutiveFailures: w.consecutiveFailures,
    failingSince: iso(w.failingSince),
    lastSuccessAt: iso(w.lastSuccessAt),
    previousSecretExpiresAt: iso(w.previousSecretExpiresAt),
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
    version: w.version,
  };
}
export type WebhookDto = ReturnType<typeof toWebhookDto>;

export function toAttemptDto(a: AttemptRow) {
  return {
    attempt: a.attempt,
    url: a.url,
    ok: a.ok,
    statusCode: a.statusCode,
    latencyMs: a.latencyMs,
    responseExcerpt: a.responseExcerpt,
    error: a.error,
    trigger: a.trigger as 'scheduled' | 'manual',
    startedAt: a.startedAt.toISOString(),
  };
}

export function toDeliveryDto(d: DeliveryRow, attempts: AttemptRow[]) {
  return {
    id: d.id,
    workspaceId: d.workspaceId,
    webhookId: d.webhookId,
    agentId: d.agentId,
    eventId: d.eventId,
    eventType: d.eventType,
    notificationId: d.notificationId,
    executionId: d.executionId,
    status: d.status as 'pending' | 'succeeded' | 'failed',
    attemptCount: d.attemptCount,
    maxAttempts: d.maxAttempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    lastAttemptAt: iso(d.lastAttemptAt),
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    completedAt: iso(d.completedAt),
    createdAt: d.createdAt.toISOString(),
    payload: d.payload as Record<string, unknown>,
    attempts: attempts.map(toAttemptDto),
  };
}

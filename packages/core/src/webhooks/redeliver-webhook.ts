import { executions, webhookDeliveries, webhookEndpoints } from '@mc/db';
import { eq } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { conflict } from '../errors';
import { requireOpenWorkspace } from '../shared/workspace-access';
import { requireDeliveryAccess, withAttempts } from './find-webhook-deliveries';

/** `locked_by` of a delivery waiting for a redelivery an admin asked for: its next attempt is logged as manual. */
export const MANUAL_REDELIVERY_MARK = 'manual';
/**
 * A redelivery asked while a worker holds the delivery marks the holder's lease token (`<token>+redeliver`): the
 * worker still finishes its attempt, sees the mark, and keeps the delivery pending for the asked-for attempt.
 */
export const IN_FLIGHT_REDELIVERY_SUFFIX = '+redeliver';
export const inFlightRedeliveryMark = (token: string) => (token.endsWith(IN_FLIGHT_REDELIVERY_SUFFIX) ? token : `${token}${IN_FLIGHT_REDELIVERY_SUFFIX}`);

/**
 * POST /webhook-deliveries/{id}/redeliver (workspace admin): send the delivery again, soon, with the same
 * `webhook-id` (receivers dedupe on it) and a fresh signature. A delivery that finished (succeeded or failed) gets
 * one more attempt; a pending one is tried now instead of at its scheduled time. The delivery worker makes the
 * attempt, so it is logged like any other; a delivery to a disabled endpoint is refused (enable it first).
 */
export async function redeliverWebhook(ctx: Ctx, deliveryId: string) {
  return inTransaction(ctx, async (tx) => {
    const d = await requireDeliveryAccess(tx, deliveryId, { lock: true });
    await requireOpenWorkspace(tx, d.workspaceId);
    if (d.webhookId) {
      const [endpoint] = await tx.db.select({ status: webhookEndpoints.status }).from(webhookEndpoints).where(eq(webhookEndpoints.id, d.webhookId));
      if (endpoint?.status !== 'enabled') throw conflict('this webhook is disabled; enable it (PATCH enabled: true) before redelivering', { reason: 'webhook_disabled' });
    }
    if (d.executionId) {
      // A dispatch whose execution is over (failed when this delivery failed, or reported by the agent) would hand
      // the agent a run it can no longer report on: dispatch the ticket again instead.
      const [e] = await tx.db.select({ status: executions.status }).from(executions).where(eq(executions.id, d.executionId));
      if (e && e.status !== 'running') {
        throw conflict(`the execution this dispatch started is ${e.status}; dispatch the ticket again (POST /tickets/{id}/dispatch) instead`, {
          reason: 'execution_finished',
          executionId: d.executionId,
          executionStatus: e.status,
        });
      }
    }
    const now = tx.clock.now();
    const [row] = await tx.db
      .update(webhookDeliveries)
      .set({
        status: 'pending',
        nextAttemptAt: now,
        maxAttempts: d.status === 'pending' ? d.maxAttempts : Math.max(d.maxAttempts, d.attemptCount + 1),
        completedAt: null,
        // An attempt in flight keeps its lease; the redelivery is the attempt after it (the worker sees the mark).
        lockedBy: d.lockedBy && d.lockedUntil && d.lockedUntil > now ? inFlightRedeliveryMark(d.lockedBy) : MANUAL_REDELIVERY_MARK,
      })
      .where(eq(webhookDeliveries.id, d.id))
      .returning();
    await recordActivity(tx, {
      workspaceId: d.workspaceId,
      action: 'webhook.redelivery_requested',
      target: { kind: 'webhook_delivery', id: d.id },
      summary: `asked to redeliver ${d.eventType} (${d.id}) to ${d.webhookId ? `webhook ${d.webhookId}` : `agent ${d.agentId}`}`,
      metadata: { previousStatus: d.status, attemptCount: d.attemptCount, webhookId: d.webhookId, agentId: d.agentId },
    });
    return withAttempts(tx, row);
  });
}

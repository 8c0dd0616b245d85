import { webhookDeliveries } from '@mc/db';
import type { Ctx } from '../context';
import { ID_PREFIX, newId } from '../shared/ids';
import { WEBHOOK_MAX_ATTEMPTS } from './webhooks.rules';

export interface DispatchDeliveryInput {
  workspaceId: string;
  agentId: string;
  executionId: string;
  /** The outbox event that records the dispatch (`ticket.dispatched`, or `task.dispatched` for a task without a ticket). */
  eventId: string;
  /** The body, given the delivery id (it is the body's `id` and the `webhook-id` header). */
  payload: (deliveryId: string) => Record<string, unknown>;
}

/**
 * Queue the POST of a dispatched task to an agent's own endpoint, in the caller's transaction: a delivery like an
 * agent's notifications (`agent_id`, signed with the secret derived from the agent's key, retried on the webhook
 * schedule by the same worker, visible in GET /webhook-deliveries), of type `dispatch`, tied to the execution it
 * starts (`execution_id`; when it fails for good the worker fails that execution). Due at once: the dispatch's live
 * event wakes the runner (DELIVERY_WRITING_EVENTS), which sends it. Returns the delivery id.
 */
export async function enqueueDispatchDelivery(tx: Ctx, input: DispatchDeliveryInput): Promise<string> {
  const now = tx.clock.now();
  const id = newId(ID_PREFIX.webhookDelivery, now.getTime());
  await tx.db.insert(webhookDeliveries).values({
    id,
    workspaceId: input.workspaceId,
    agentId: input.agentId,
    executionId: input.executionId,
    eventId: input.eventId,
    eventType: 'dispatch',
    payload: input.payload(id),
    status: 'pending',
    attemptCount: 0,
    maxAttempts: WEBHOOK_MAX_ATTEMPTS,
    nextAttemptAt: now,
    createdAt: now,
  });
  return id;
}

import { webhookDeliveries } from '@mc/db';
import { and, inArray, isNotNull, lt } from 'drizzle-orm';
import type { Clock } from '../shared/clock';
import type { Ctx } from '../context';

/** Finished deliveries (and their attempts) are kept this long by default, then pruned. */
export const WEBHOOK_RETENTION_DAYS_DEFAULT = 30;
const PRUNE_BATCH = 1000;

/**
 * Delete deliveries that finished (succeeded or failed for good) more than `retentionDays` ago, with their attempt
 * log (ON DELETE CASCADE). Pending deliveries are never touched, however old. Works in batches, oldest first, over
 * the partial index `webhook_deliveries_completed_idx`, so one call never holds many locks; returns how many went.
 */
export async function pruneWebhookHistory(ctx: Pick<Ctx, 'db'> & { clock: Clock }, retentionDays = WEBHOOK_RETENTION_DAYS_DEFAULT, maxBatches = 20): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - retentionDays * 86_400_000);
  let total = 0;
  for (let i = 0; i < maxBatches; i++) {
    const old = ctx.db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(isNotNull(webhookDeliveries.completedAt), lt(webhookDeliveries.completedAt, cutoff)))
      .orderBy(webhookDeliveries.completedAt)
      .limit(PRUNE_BATCH);
    const finishedBefore = and(isNotNull(webhookDeliveries.completedAt), lt(webhookDeliveries.completedAt, cutoff));
    // The condition again on the DELETE: a redelivery asked between the pick and the delete (it clears
    // completed_at) keeps its delivery.
    const gone = await ctx.db
      .delete(webhookDeliveries)
      .where(and(inArray(webhookDeliveries.id, old), finishedBefore))
      .returning({ id: webhookDeliveries.id });
    total += gone.length;
    if (gone.length < PRUNE_BATCH) break;
  }
  return total;
}

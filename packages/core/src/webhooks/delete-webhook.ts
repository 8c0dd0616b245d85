import { webhookEndpoints } from '@mc/db';
import { eq } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { requireWebhookAccess } from './webhook-access';
import { toWebhookDto } from './webhook-dto';

/**
 * DELETE /webhooks/{id} (workspace admin): the endpoint goes, and with it its deliveries (pending ones are never
 * sent) and their attempt log; the activity log keeps the record.
 */
export async function deleteWebhook(ctx: Ctx, webhookId: string) {
  return inTransaction(ctx, async (tx) => {
    const { webhook } = await requireWebhookAccess(tx, webhookId, { write: true, lock: true });
    await tx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, webhookId));
    await recordActivity(tx, {
      workspaceId: webhook.workspaceId,
      action: 'webhook.deleted',
      target: { kind: 'webhook', id: webhook.id },
      summary: `deleted webhook ${webhook.url}`,
      metadata: { url: webhook.url },
    });
    return toWebhookDto(webhook);
  });
}

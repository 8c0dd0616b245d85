import { webhookEndpoints } from '@mc/db';
import { eq } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { staleVersion } from '../errors';
import { assertOutboundUrl } from '../shared/outbound';
import { requireWebhookAccess } from './webhook-access';
import { toWebhookDto } from './webhook-dto';

export interface UpdateWebhookInput {
  url?: string;
  events?: string[];
  description?: string;
  /** false disables the endpoint; true enables it again and starts its failure count afresh. */
  enabled?: boolean;
  version?: number;
}

/** PATCH /webhooks/{id} (workspace admin). */
export async function updateWebhook(ctx: Ctx, webhookId: string, input: UpdateWebhookInput) {
  await requireWebhookAccess(ctx, webhookId, { write: true });
  if (input.url !== undefined) assertOutboundUrl(ctx, input.url, 'url');
  return inTransaction(ctx, async (tx) => {
    const { webhook } = await requireWebhookAccess(tx, webhookId, { write: true, lock: true });
    if (input.version !== undefined && input.version !== webhook.version) throw staleVersion('webhook', webhook.version, input.version);
    const now = tx.clock.now();
    const changes: Partial<typeof webhookEndpoints.$inferInsert> = {};
    if (input.url !== undefined && input.url !== webhook.url) changes.url = input.url;
    if (input.events !== undefined) changes.events = [...new Set(input.events)];
    if (input.description !== undefined) changes.description = input.description;
    if (input.enabled === true && webhook.status !== 'enabled') {
      Object.assign(changes, { status: 'enabled', disabledAt: null, disabledReason: null, consecutiveFailures: 0, failingSince: null });
    }
    if (input.enabled === false && webhook.status !== 'disabled') {
      Object.assign(changes, { status: 'disabled', disabledAt: now, disabledReason: 'disabled by an admin' });
    }
    if (Object.keys(changes).length === 0) return toWebhookDto(webhook);
    const [row] = await tx.db
      .update(webhookEndpoints)
      .set({ ...changes, updatedAt: now, version: webhook.version + 1 })
      .where(eq(webhookEndpoints.id, webhookId))
      .returning();
    const action = changes.status === 'enabled' ? 'webhook.enabled' : changes.status === 'disabled' ? 'webhook.disabled' : 'webhook.updated';
    await recordActivity(tx, {
      workspaceId: row.workspaceId,
      action,
      target: { kind: 'webhook', id: row.id },
      summary: `${action === 'webhook.updated' ? 'updated' : action === 'webhook.enabled' ? 'enabled' : 'disabled'} webhook ${row.url}`,
      metadata: { changes: Object.keys(changes) },
    });
    return toWebhookDto(row);
  });
}

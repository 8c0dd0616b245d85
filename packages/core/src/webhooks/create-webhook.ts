import { webhookEndpoints } from '@mc/db';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { ID_PREFIX, newId } from '../shared/ids';
import { assertOutboundUrl } from '../shared/outbound';
import { newWebhookSecret } from './signing';
import { requireWebhookAdmin } from './webhook-access';
import { toWebhookDto } from './webhook-dto';

export interface CreateWebhookInput {
  workspaceId: string;
  url: string;
  events: string[];
  description?: string;
}

/** POST /webhooks — a workspace admin registers an endpoint; the signing secret is in the answer, once. */
export async function createWebhook(ctx: Ctx, input: CreateWebhookInput) {
  // Who may, before anything about the URL: a refused caller learns nothing from a URL check.
  const workspace = await requireWebhookAdmin(ctx, input.workspaceId, { write: true });
  assertOutboundUrl(ctx, input.url, 'url');
  return inTransaction(ctx, async (tx) => {
    await requireWebhookAdmin(tx, workspace.id, { write: true });
    const now = tx.clock.now();
    const secret = newWebhookSecret();
    const [row] = await tx.db
      .insert(webhookEndpoints)
      .values({
        id: newId(ID_PREFIX.webhook, now.getTime()),
        workspaceId: workspace.id,
        url: input.url,
        description: input.description ?? '',
        events: [...new Set(input.events)],
        secret,
        createdBy: tx.principal.kind === 'user' ? tx.principal.userId : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordActivity(tx, {
      workspaceId: workspace.id,
      action: 'webhook.created',
      target: { kind: 'webhook', id: row.id },
      summary: `registered webhook ${row.url} (${row.events.length ? row.events.join(', ') : 'all events'})`,
      metadata: { url: row.url, events: row.events },
    });
    return { ...toWebhookDto(row), secret };
  });
}

import { webhookEndpoints } from '@mc/db';
import { eq } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { WEBHOOK_ROTATION_GRACE_MAX_SECONDS } from '@mc/contracts';
import { inTransaction, type Ctx } from '../context';
import { validation } from '../errors';
import { newWebhookSecret } from './signing';
import { requireWebhookAccess } from './webhook-access';
import { WEBHOOK_ROTATION_GRACE_DEFAULT_SECONDS } from './webhooks.rules';

/**
 * POST /webhooks/{id}/rotate-secret {graceSeconds?} — a new signing secret, shown once. Until the grace ends
 * (default 24 h) every delivery carries two signatures, with the new and the previous secret, so the receiver
 * can switch at its own pace. Only one previous secret is kept: rotating again during a grace ends the older one.
 */
export async function rotateWebhookSecret(ctx: Ctx, webhookId: string, input: { graceSeconds?: number }) {
  const grace = input.graceSeconds ?? WEBHOOK_ROTATION_GRACE_DEFAULT_SECONDS;
  if (!Number.isInteger(grace) || grace < 0 || grace > WEBHOOK_ROTATION_GRACE_MAX_SECONDS) {
    throw validation([{ field: 'graceSeconds', in: 'body', message: `0..${WEBHOOK_ROTATION_GRACE_MAX_SECONDS}` }], `graceSeconds must be 0..${WEBHOOK_ROTATION_GRACE_MAX_SECONDS}`);
  }
  return inTransaction(ctx, async (tx) => {
    const { webhook } = await requireWebhookAccess(tx, webhookId, { write: true, lock: true });
    const now = tx.clock.now();
    const previousSecretExpiresAt = new Date(now.getTime() + grace * 1000);
    const secret = newWebhookSecret();
    await tx.db
      .update(webhookEndpoints)
      .set({
        secret,
        previousSecret: grace > 0 ? webhook.secret : null,
        previousSecretExpiresAt: grace > 0 ? previousSecretExpiresAt : null,
        updatedAt: now,
        version: webhook.version + 1,
      })
      .where(eq(webhookEndpoints.id, webhookId));
    await recordActivity(tx, {
      workspaceId: webhook.workspaceId,
      action: 'webhook.secret_rotated',
      target: { kind: 'webhook', id: webhook.id },
      summary: `rotated the signing secret of webhook ${webhook.url} (the previous one signs until ${previousSecretExpiresAt.toISOString()})`,
      metadata: { graceSeconds: grace },
    });
    return { webhookId, secret, previousSecretExpiresAt: previousSecretExpiresAt.toISOString(), graceSeconds: grace };
  });
}

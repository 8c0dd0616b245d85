import { agentKeys, agents, webhookAttempts, webhookDeliveries, webhookEndpoints } from '@mc/db';
import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { asSystem, inTransaction, type Ctx } from '../context';
import { emitEvent } from '../events/emit-event';
import { failUndeliveredExecution } from '../executions/fail-undelivered-execution';
import { newId, ID_PREFIX } from '../shared/ids';
import { postRaw, type OutboundResult } from '../shared/outbound';
import { IN_FLIGHT_REDELIVERY_SUFFIX, inFlightRedeliveryMark, MANUAL_REDELIVERY_MARK } from './redeliver-webhook';
import { agentSigningSecret, webhookHeaders } from './signing';
import type { DeliveryRow } from './webhook-dto';
import {
  nextAttemptAfterFailure,
  shouldDisableEndpoint,
  signingSecrets,
  WEBHOOK_CLAIM_BATCH,
  WEBHOOK_EXCERPT_CHARS,
  WEBHOOK_LEASE_MS,
  WEBHOOK_RETRY_BASE_MS_DEFAULT,
  WEBHOOK_SEND_CONCURRENCY,
  WEBHOOK_TIMEOUT_MS,
} from './webhooks.rules';

export interface DeliverOptions {
  /** First retry delay (MC_WEBHOOK_RETRY_BASE_MS); default 5 s. */
  retryBaseMs?: number;
  /** Deliveries to claim (default 20). */
  batch?: number;
  /** Deliveries sent at once (default 8). */
  concurrency?: number;
  /** Jitter source in [0, 1) (tests pass a fixed one). */
  random?: () => number;
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
}

export interface ClaimedDelivery {
  delivery: DeliveryRow;
  /** This claim's lease token: only its holder may finish the delivery. */
  token: string;
  /** The attempt was asked for by an admin (redelivery). */
  manual: boolean;
}

/**
 * Claim due deliveries: pending, due, not leased by a live worker, and not for a disabled endpoint. FOR UPDATE
 * SKIP LOCKED lets several workers claim at once without waiting on each other; the lease (`locked_until`)
 * keeps a claimed delivery away from others while it is sent, and gives it back if its worker dies.
 */
export async function claimDueDeliveries(ctx: Ctx, limit = WEBHOOK_CLAIM_BATCH): Promise<ClaimedDelivery[]> {
  if (limit <= 0) return [];
  return inTransaction(asSystem(ctx, 'webhook-worker'), async (tx) => {
    const now = tx.clock.now();
    const due = await tx.db
      .select({ d: webhookDeliveries })
      .from(webhookDeliveries)
      .leftJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.webhookId))
      .where(
        and(
          eq(webhookDeliveries.status, 'pending'),
          lte(webhookDeliveries.nextAttemptAt, now),
          or(isNull(webhookDeliveries.lockedUntil), lte(webhookDeliveries.lockedUntil, now)),
          or(isNull(webhookDeliveries.webhookId), eq(webhookEndpoints.status, 'enabled')),
        ),
      )
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(limit)
      .for('update', { of: webhookDeliveries, skipLocked: true });
    if (due.length === 0) return [];
    const token = newId('lease', now.getTime());
    const lockedUntil = new Date(now.getTime() + WEBHOOK_LEASE_MS);
    await tx.db
      .update(webhookDeliveries)
      .set({ lockedUntil, lockedBy: token })
      .where(inArray(webhookDeliveries.id, due.map((r) => r.d.id)));
    // A delivery whose redelivery was asked while a (since dead) worker held it is a manual attempt too.
    const manual = (lockedBy: string | null) => lockedBy === MANUAL_REDELIVERY_MARK || !!lockedBy?.endsWith(IN_FLIGHT_REDELIVERY_SUFFIX);
    return due.map(({ d }) => ({ delivery: { ...d, lockedUntil, lockedBy: token }, token, manual: manual(d.lockedBy) }));
  });
}

interface Target {
  url: string;
  secrets: string[];
  endpointId: string | null;
}

/** Where a delivery goes now and which secrets sign it; a string says why it cannot be sent at all. */
async function targetOf(ctx: Ctx, d: DeliveryRow, now: Date): Promise<Target | string | null> {
  if (d.webhookId) {
    const [e] = await ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, d.webhookId));
    if (!e || e.status !== 'enabled') return null; // disabled meanwhile: the delivery waits
    return { url: e.url, secrets: signingSecrets(e, now), endpointId: e.id };
  }
  const [a] = await ctx.db.select().from(agents).where(eq(agents.id, d.agentId!));
  if (!a || a.status !== 'active') return `the agent is ${a?.status ?? 'gone'}`;
  if (!a.endpoint) return 'the agent has no endpoint';
  const keys = await ctx.db
    .select({ hash: agentKeys.keyHash })
    .from(agentKeys)
    .where(and(eq(agentKeys.agentId, a.id), isNull(agentKeys.revokedAt), or(isNull(agentKeys.expiresAt), gt(agentKeys.expiresAt, now))))
    .orderBy(sql`${agentKeys.createdAt} DESC`);
  if (keys.length === 0) return 'the agent has no working API key to sign with';
  return { url: a.endpoint, secrets: keys.map((k) => agentSigningSecret(k.hash)), endpointId: null };
}

/**
 * Make one attempt of a claimed delivery and record it: the attempt row, then the delivery (succeeded, failed for
 * good, or pending with its next attempt after an exponential, jittered backoff) and the endpoint's failure
 * streak, which may disable the endpoint (the disable policy) and notify the workspace admins.
 */
export async function attemptDelivery(ctx: Ctx, claim: ClaimedDelivery, opts: DeliverOptions = {}): Promise<'succeeded' | 'retry' | 'failed' | 'skipped'> {
  const sys = asSystem(ctx, 'webhook-worker');
  const d = claim.delivery;
  const startedAt = sys.clock.now();
  const target = await targetOf(sys, d, startedAt);
  if (target === null) {
    // Its endpoint was disabled after the claim: give the delivery back untouched (a redelivery asked meanwhile
    // stays asked for).
    await sys.db
      .update(webhookDeliveries)
      .set({ lockedUntil: null, lockedBy: sql`CASE WHEN ${webhookDeliveries.lockedBy} = ${claim.token} THEN NULL ELSE ${MANUAL_REDELIVERY_MARK} END` })
      .where(and(eq(webhookDeliveries.id, d.id), inArray(webhookDeliveries.lockedBy, [claim.token, inFlightRedeliveryMark(claim.token)])));
    return 'skipped';
  }
  let result: OutboundResult;
  let url: string;
  if (typeof target === 'string') {
    url = '';
    result = { ok: false, status: null, latencyMs: 0, excerpt: '', error: `not sent: ${target}` };
  } else {
    url = target.url;
    const body = JSON.stringify(d.payload);
    const headers = webhookHeaders(target.secrets, d.id, Math.floor(startedAt.getTime() / 1000), body);
    result = await postRaw(url, body, { allowPrivate: sys.config.allowPrivateNetwork, timeoutMs: opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS, headers });
  }
  const unsendable = typeof target === 'string';

  return inTransaction(sys, async (tx) => {
    const now = tx.clock.now();
    const attempt = d.attemptCount + 1;
    const error = result.ok ? null : (result.error ?? `HTTP ${result.status}`);
    await tx.db.insert(webhookAttempts).values({
      id: newId(ID_PREFIX.webhookAttempt, startedAt.getTime()),
      deliveryId: d.id,
      workspaceId: d.workspaceId,
      attempt,
      url,
      ok: result.ok,
      statusCode: result.status,
      latencyMs: Math.round(result.latencyMs),
      responseExcerpt: result.error && result.status === null ? '' : result.excerpt.slice(0, WEBHOOK_EXCERPT_CHARS),
      error,
      trigger: claim.manual ? 'manual' : 'scheduled',
      startedAt,
    });
    // An agent that can no longer receive (deactivated, no endpoint) will not be able to later either.
    const next = result.ok || unsendable ? null : nextAttemptAfterFailure(attempt, d.maxAttempts, now, opts.retryBaseMs ?? WEBHOOK_RETRY_BASE_MS_DEFAULT, opts.random);
    const outcome = result.ok ? 'succeeded' : next ? 'retry' : 'failed';
    // An admin may have asked for a redelivery while this attempt was in flight (redeliverWebhook marks the lease
    // holder, see inFlightRedeliveryMark). That request must survive this attempt's outcome: the delivery stays
    // pending for one more, manual, attempt right away.
    const holders = [claim.token, inFlightRedeliveryMark(claim.token)];
    const [current] = await tx.db
      .select({ lockedBy: webhookDeliveries.lockedBy, maxAttempts: webhookDeliveries.maxAttempts })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, d.id), inArray(webhookDeliveries.lockedBy, holders)))
      .for('update');
    const redeliveryAsked = current?.lockedBy === holders[1];
    await tx.db
      .update(webhookDeliveries)
      .set({
        status: outcome === 'retry' || redeliveryAsked ? 'pending' : outcome,
        attemptCount: attempt,
        nextAttemptAt: redeliveryAsked ? now : next,
        ...(redeliveryAsked ? { maxAttempts: Math.max(current.maxAttempts, attempt + 1) } : {}),
        lockedUntil: null,
        lockedBy: redeliveryAsked ? MANUAL_REDELIVERY_MARK : null,
        lastAttemptAt: startedAt,
        lastStatusCode: result.status,
        lastError: error,
        completedAt: outcome === 'retry' || redeliveryAsked ? null : now,
      })
      // Only the lease holder finishes the delivery: if the lease ran out and another worker took over, its
      // result counts (this attempt is still in the log).
      .where(and(eq(webhookDeliveries.id, d.id), inArray(webhookDeliveries.lockedBy, holders)));
    if (typeof target !== 'string' && target.endpointId) await recordEndpointHealth(tx, target.endpointId, result.ok, now);
    // A dispatched ticket that never reached its agent: its execution fails with the reason, so that what waits on
    // it (a cron run, a workflow step) sees the failure instead of a run that stays `running` until swept.
    if (current && d.executionId && outcome === 'failed' && !redeliveryAsked) {
      const reason = unsendable ? error! : `${attempt} attempt${attempt === 1 ? '' : 's'} failed, the last: ${error}`;
      await failUndeliveredExecution(tx, d.executionId, reason);
    }
    return outcome;
  });
}

/** Success resets an endpoint's failure streak; a failure extends it and may disable the endpoint. */
async function recordEndpointHealth(tx: Ctx, endpointId: string, ok: boolean, now: Date) {
  if (ok) {
    await tx.db
      .update(webhookEndpoints)
      .set({ consecutiveFailures: 0, failingSince: null, lastSuccessAt: now })
      .where(eq(webhookEndpoints.id, endpointId));
    return;
  }
  const [e] = await tx.db
    .update(webhookEndpoints)
    .set({ consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1`, failingSince: sql`COALESCE(${webhookEndpoints.failingSince}, ${now.toISOString()}::timestamptz)` })
    .where(eq(webhookEndpoints.id, endpointId))
    .returning();
  if (!e || e.status !== 'enabled' || !shouldDisableEndpoint(e, now)) return;
  const reason = `every attempt failed for ${Math.round((now.getTime() - e.failingSince!.getTime()) / 3600_000)} h (${e.consecutiveFailures} in a row)`;
  const [disabled] = await tx.db
    .update(webhookEndpoints)
    .set({ status: 'disabled', disabledAt: now, disabledReason: reason, updatedAt: now, version: sql`${webhookEndpoints.version} + 1` })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.status, 'enabled')))
    .returning();
  if (!disabled) return;
  await recordActivity(tx, {
    workspaceId: e.workspaceId,
    action: 'webhook.auto_disabled',
    target: { kind: 'webhook', id: e.id },
    summary: `disabled webhook ${e.url}: ${reason}`,
    metadata: { consecutiveFailures: e.consecutiveFailures, failingSince: e.failingSince?.toISOString() ?? null },
  });
  await emitEvent(tx, 'webhook.disabled', e.workspaceId, {
    webhook: { id: e.id, url: e.url },
    reason,
    consecutiveFailures: e.consecutiveFailures,
    failingSince: e.failingSince?.toISOString() ?? null,
  });
}

/**
 * Claim due deliveries and attempt them (a few at once); returns what happened to each. The runner calls this in
 * a loop; tests call it directly with a manual clock.
 */
export async function deliverDueWebhooks(ctx: Ctx, opts: DeliverOptions = {}) {
  const claims = await claimDueDeliveries(ctx, opts.batch ?? WEBHOOK_CLAIM_BATCH);
  const outcomes: Record<'succeeded' | 'retry' | 'failed' | 'skipped', number> = { succeeded: 0, retry: 0, failed: 0, skipped: 0 };
  const queue = [...claims];
  const concurrency = Math.max(1, opts.concurrency ?? WEBHOOK_SEND_CONCURRENCY);
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) outcomes[await attemptDelivery(ctx, c, opts)]++;
    }),
  );
  return { claimed: claims.length, ...outcomes };
}

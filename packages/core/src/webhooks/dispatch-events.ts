import { createHash } from 'node:crypto';
import { agents, events, notifications, webhookDeliveries, webhookEndpoints } from '@mc/db';
import { and, asc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { EventType } from '@mc/contracts';
import { asSystem, inTransaction, type Ctx } from '../context';
import { toNotificationDto } from '../notifications/notifications';
import { ID_PREFIX, newId } from '../shared/ids';
import { statement, type Statement } from '../shared/statement';
import { endpointWants, WEBHOOK_DISPATCH_BATCH, WEBHOOK_MAX_ATTEMPTS } from './webhooks.rules';

type EventRow = typeof events.$inferSelect;

/**
 * In-process reactions to committed events — the way for features that must follow what happened (a workflow step
 * completing when its ticket is moved, a cron run finishing) to hang off the outbox, which every write path fills
 * (the general transactions through emitEvent and the one-statement fast paths alike), instead of off code only
 * one path runs. A reaction sees only committed events (the outbox rows of committed transactions), in event id
 * order per batch, from one process at a time (the batch is claimed with SKIP LOCKED). It runs inside the
 * dispatcher's transaction, in a savepoint: what it writes through `tx` commits together with the event being marked
 * dispatched, so a crash replays the batch and the reaction's writes are not duplicated. A reaction that throws
 * has its savepoint rolled back and is logged; the others and the deliveries go on (fix it, then redo what it
 * missed from the outbox). Register once at startup; returns the unsubscribe function.
 */
export type EventReaction = (tx: Ctx, event: ReturnType<typeof eventPayload>) => Promise<void>;
export interface ReactionOptions {
  /**
   * Which events of its types the reaction may act on, as an SQL condition over the outbox row `e` (an alias of
   * `events`), e.g. only workspaces with cron runs in flight. Events for which it is false are left to the quiet skip
   * (marked dispatched in one statement when their workspace has no receiver) instead of forcing the full dispatch
   * path. It is evaluated when the dispatcher looks, after the event's commit, so it must hold from before such an
   * event can be written until the reaction has acted on it; the reaction must do nothing with an event for which it
   * is false (it still sees one whose workspace has receivers). Without it: every event of its types.
   */
  wantsSql?: (e: string) => string;
}
const reactions = new Map<string, { types: ReadonlySet<string>; react: EventReaction; wantsSql?: (e: string) => string }>();

export function onCommittedEvent(name: string, types: readonly EventType[], react: EventReaction, opts: ReactionOptions = {}): () => void {
  reactions.set(name, { types: new Set(types), react, wantsSql: opts.wantsSql });
  return () => reactions.delete(name);
}

/** Whether some reaction of this process waits for events of `type` (such an event is never written dispatched). */
export const isReacted = (type: string) => [...reactions.values()].some((r) => r.types.has(type));

/** The events of the outbox row `e` that some reaction of this process waits for, as SQL (`false` when none). */
function reactedSql(e: string): string {
  const parts = [...reactions.values()].map((r) => {
    const types = [...r.types].map((t) => `'${t.replaceAll("'", "''")}'`).join(', ');
    return r.wantsSql ? `(${e}.type IN (${types}) AND (${r.wantsSql(e)}))` : `${e}.type IN (${types})`;
  });
  return parts.length ? `(${parts.join(' OR ')})` : 'false';
}

/**
 * The workspace `ws` (an SQL expression) has no receiver for its events: no enabled endpoint and no active agent
 * with an endpoint of its own (so none of its notifications becomes a delivery either). The skip below and the
 * one-statement claim paths (packages/core/src/tickets: an event they write in such a workspace is written already
 * dispatched, so the dispatcher never locks nor rewrites it) decide "quiet" with this one condition. Both lookups are
 * index probes (`webhook_endpoints_workspace_idx`, `agents_endpoint_idx`). The aliases are its own, so that `ws` may
 * name a column of the caller's (`w.workspace_id`) without being shadowed.
 */
export const receiverlessSql = (ws: string) =>
  `(NOT EXISTS (SELECT 1 FROM webhook_endpoints rcv_w WHERE rcv_w.workspace_id = ${ws} AND rcv_w.status = 'enabled')
    AND NOT EXISTS (SELECT 1 FROM agents rcv_a WHERE rcv_a.workspace_id = ${ws} AND rcv_a.status = 'active' AND rcv_a.endpoint IS NOT NULL))`;

/** The body of an event delivery: the event as the catalog defines it (`DomainEvent`). */
export function eventPayload(e: EventRow) {
  return {
    id: e.id,
    type: e.type,
    version: e.version,
    workspaceId: e.workspaceId,
    occurredAt: e.occurredAt.toISOString(),
    actor: { kind: e.actorKind, id: e.actorId, name: e.actorName },
    data: e.data,
  };
}

/**
 * Most events have no receiver: their workspace has no enabled endpoint and no active agent with an endpoint of its
 * own (so none of its notifications becomes a delivery either). One statement marks a batch of those dispatched
 * (the rows are claimed with SKIP LOCKED, as below) and counts the events of the batch that do have a receiver,
 * which the full dispatch then takes. Without it every event of a quiet workspace cost a transaction of five
 * statements (bench/README.md). An event some reaction of this process wants (`reactedSql`: its types and `wantsSql`)
 * is never quiet.
 */
const skipQuietSql = (reacted: string) => `WITH batch AS (
    SELECT e.id, ${receiverlessSql('e.workspace_id')} AND NOT ${reacted} AS quiet
    FROM events e WHERE e.dispatched_at IS NULL ORDER BY e.id LIMIT :batch::int FOR UPDATE OF e SKIP LOCKED),
  skipped AS (
    UPDATE events SET dispatched_at = :now::timestamptz FROM batch b WHERE events.id = b.id AND b.quiet RETURNING events.id)
  SELECT (SELECT count(*) FROM skipped)::int AS skipped, (SELECT count(*) FROM batch WHERE NOT batch.quiet)::int AS remaining`;

/**
 * The skip statement for the reactions registered now (their types and `wantsSql` are part of its text): one prepared
 * statement per distinct text, named after it, so that a registration never reuses another text's name.
 */
const skipQuietStatements = new Map<string, Statement<'now' | 'batch'>>();
function skipQuietEvents(): Statement<'now' | 'batch'> {
  const text = skipQuietSql(reactedSql('e'));
  let stmt = skipQuietStatements.get(text);
  if (!stmt) {
    const name = `mc_webhooks_skip_quiet_${createHash('sha1').update(text).digest('hex').slice(0, 10)}`;
    stmt = statement<'now' | 'batch'>(name, text);
    skipQuietStatements.set(text, stmt);
  }
  return stmt;
}

/**
 * Turn undispatched outbox events into deliveries: one per enabled endpoint of the event's workspace whose filter
 * takes the event type, and one per notification of an active agent that has an endpoint (`type: "notification"`).
 * The events are claimed with FOR UPDATE SKIP LOCKED and marked dispatched in the same transaction as their
 * deliveries are written, so several processes can run this at once, and a crash either loses the whole batch's
 * work (and it is done again) or none of it. Returns how many events and deliveries it handled, and how many of the
 * events were quiet (marked dispatched by the skip, without the full path).
 */
export async function dispatchWebhookEvents(ctx: Ctx, batch = WEBHOOK_DISPATCH_BATCH): Promise<{ events: number; deliveries: number; quiet: number }> {
  const [quiet] = await skipQuietEvents().run<{ skipped: number; remaining: number }>(ctx.db, { now: ctx.clock.now().toISOString(), batch });
  if (quiet.remaining === 0) return { events: quiet.skipped, deliveries: 0, quiet: quiet.skipped };
  const full = await dispatchToReceivers(ctx, batch);
  return { events: quiet.skipped + full.events, deliveries: full.deliveries, quiet: quiet.skipped };
}

async function dispatchToReceivers(ctx: Ctx, batch: number): Promise<{ events: number; deliveries: number }> {
  return inTransaction(asSystem(ctx, 'webhook-dispatcher'), async (tx) => {
    const claimed = await tx.db
      .select()
      .from(events)
      .where(isNull(events.dispatchedAt))
      .orderBy(asc(events.id))
      .limit(batch)
      .for('update', { skipLocked: true });
    if (claimed.length === 0) return { events: 0, deliveries: 0 };
    const now = tx.clock.now();
    const eventIds = claimed.map((e) => e.id);
    const workspaceIds = [...new Set(claimed.map((e) => e.workspaceId))];

    const endpoints = await tx.db
      .select({ id: webhookEndpoints.id, workspaceId: webhookEndpoints.workspaceId, events: webhookEndpoints.events })
      .from(webhookEndpoints)
      .where(and(inArray(webhookEndpoints.workspaceId, workspaceIds), eq(webhookEndpoints.status, 'enabled')));
    const agentNotes = await tx.db
      .select({ n: notifications })
      .from(notifications)
      .innerJoin(agents, and(eq(notifications.recipientKind, 'agent'), eq(agents.id, notifications.recipientId)))
      .where(and(inArray(notifications.eventId, eventIds), eq(agents.status, 'active'), isNotNull(agents.endpoint)));

    const base = { status: 'pending', attemptCount: 0, maxAttempts: WEBHOOK_MAX_ATTEMPTS, nextAttemptAt: now, createdAt: now };
    const rowsIn: (typeof webhookDeliveries.$inferInsert)[] = [];
    const byId = new Map(claimed.map((e) => [e.id, e]));
    for (const e of claimed) {
      for (const ep of endpoints) {
        if (ep.workspaceId !== e.workspaceId || !endpointWants(ep.events, e.type)) continue;
        rowsIn.push({ ...base, id: newId(ID_PREFIX.webhookDelivery, now.getTime()), workspaceId: e.workspaceId, webhookId: ep.id, eventId: e.id, eventType: e.type, payload: eventPayload(e) });
      }
    }
    for (const { n } of agentNotes) {
      const e = byId.get(n.eventId)!;
      rowsIn.push({
        ...base,
        id: newId(ID_PREFIX.webhookDelivery, now.getTime()),
        workspaceId: n.workspaceId,
        agentId: n.recipientId,
        eventId: n.eventId,
        eventType: 'notification',
        notificationId: n.id,
        payload: {
          id: n.id,
          type: 'notification',
          version: 1,
          workspaceId: n.workspaceId,
          occurredAt: n.createdAt.toISOString(),
          actor: { kind: e.actorKind, id: e.actorId, name: e.actorName },
          data: toNotificationDto(n),
          event: { id: e.id, type: e.type },
        },
      });
    }
    if (rowsIn.length) await tx.db.insert(webhookDeliveries).values(rowsIn).onConflictDoNothing();
    for (const e of claimed) {
      for (const [name, r] of reactions) {
        if (!r.types.has(e.type)) continue;
        try {
          await inTransaction(tx, (sp) => r.react(sp, eventPayload(e)));
        } catch (err) {
          console.error(`[events] reaction ${name} failed on ${e.type} ${e.id}:`, (err as Error).message);
        }
      }
    }
    await tx.db.update(events).set({ dispatchedAt: now }).where(inArray(events.id, eventIds));
    return { events: claimed.length, deliveries: rowsIn.length };
  });
}

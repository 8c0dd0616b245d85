import { EVENT_CATALOG, type EventData, type EventType, type z } from '@mc/contracts';
import { events } from '@mc/db';
import { actorOf } from '../activity/record-activity';
import type { Ctx } from '../context';
import type { EmittedEvent } from '../shared/domain-event';
import { newId } from '../shared/ids';
import { createNotificationsFor, type NotificationDraft } from '../notifications/notify';
import { publishLive } from '../shared/live';


/**
 * Record a domain event with the caller's transaction (the outbox), derive its notifications in the same
 * transaction, and announce it live (pg_notify, delivered on commit). A rolled-back change emits nothing; a
 * committed one is never lost, because the outbox row commits with it.
 */
export async function emitEvent<T extends EventType>(
  ctx: Ctx,
  type: T,
  workspaceId: string,
  data: EventData<T>,
  live: { ticketId?: string; agentId?: string; commentId?: string; status?: string } = {},
  /** Notifications the emitter declares for this event (a ticket lifecycle edge's notice), besides those derived from it. */
  notices: readonly NotificationDraft[] = [],
): Promise<EmittedEvent<T>> {
  const spec = EVENT_CATALOG[type];
  // The catalog is the contract with webhook receivers: an event that does not match it is our bug.
  const parsed = spec.data.parse(data) as EventData<T>;
  const occurredAt = ctx.clock.now();
  const actor = actorOf(ctx.principal);
  const event: EmittedEvent<T> = { id: newId('evt', occurredAt.getTime()), type, version: spec.version, workspaceId, occurredAt, actor, data: parsed };
  await ctx.db.insert(events).values({
    id: event.id,
    workspaceId,
    type,
    version: spec.version,
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: actor.name,
    data: parsed as object,
    occurredAt,
  });
  const recipients = await createNotificationsFor(ctx, event, notices);
  await publishLive(ctx, { type, workspaceId, ...live, eventId: event.id, recipients });
  return event;
}

/** Event types whose data carries the ticket they are about (`data.ticket`). */
export type TicketEventType = { [K in EventType]: EventData<K> extends { ticket: unknown } ? K : never }[EventType];

/**
 * `data.ticket` of an event, built inside SQL from the tickets row `t` (the catalog's `EventTicketRef`). Used by
 * one-statement writes together with `ticketEventFields`.
 */
export const ticketRefSql = (t: string) => `jsonb_build_object('id', ${t}.id, 'number', ${t}.number, 'title', ${t}.title, 'status', ${t}.status)`;

const dataWithoutTicket = new Map<string, z.ZodType>();

/**
 * The outbox row of an event written by one statement (a data-modifying CTE: the claim, an agent's move), where
 * the ticket row exists only inside that statement. The statement stores `ticketRefSql(row) || restJson` as the
 * data. Everything in `rest` is checked against the catalog here, before anything is written, as `emitEvent`
 * does; the ticket reference is the row's `id`, `number`, `title` and `status`, NOT NULL columns of the catalog's
 * types (the integration tests parse the stored events with the catalog). The statement must also derive the
 * event's notifications (see notify.ts) and publish it live (`liveSql`).
 */
export function ticketEventFields<T extends TicketEventType>(ctx: Ctx, type: T, rest: Omit<EventData<T>, 'ticket'>) {
  const spec = EVENT_CATALOG[type];
  let schema = dataWithoutTicket.get(type);
  if (!schema) dataWithoutTicket.set(type, (schema = (spec.data as unknown as z.ZodObject).omit({ ticket: true })));
  const parsed = schema.parse(rest);
  const occurredAt = ctx.clock.now();
  const actor = actorOf(ctx.principal);
  return { id: newId('evt', occurredAt.getTime()), type, version: spec.version, occurredAt, actor, restJson: JSON.stringify(parsed) };
}

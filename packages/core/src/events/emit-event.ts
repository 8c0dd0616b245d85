import { EVENT_CATALOG, type EventData, type EventType } from '@mc/contracts';
import { events } from '@mc/db';
import { actorOf } from '../activity/record-activity';
import type { Ctx } from '../context';
import { newId } from '../shared/ids';
import { createNotificationsFor } from '../notifications/notify';
import { publishLive } from './live';

export interface EmittedEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  version: number;
  workspaceId: string;
  occurredAt: Date;
  actor: ReturnType<typeof actorOf>;
  data: EventData<T>;
}

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
  const recipients = await createNotificationsFor(ctx, event);
  await publishLive(ctx, { type, workspaceId, ...live, eventId: event.id, recipients });
  return event;
}

// The shape of a domain event once emitted (events/emit-event.ts writes it to the outbox): what the reactions to an
// event (notifications/notify.ts, and later workflows and crons) read. Here, below both, so that the folder that
// emits and the folders that react do not import each other.
import type { EventData, EventType } from '@mc/contracts';

/** Who did it, as recorded on events and activity (activity/record-activity.ts `actorOf`). */
export interface EventActor {
  kind: 'user' | 'agent' | 'system';
  id: string | null;
  name: string;
}

export interface EmittedEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  version: number;
  workspaceId: string;
  occurredAt: Date;
  actor: EventActor;
  data: EventData<T>;
}

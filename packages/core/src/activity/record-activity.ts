import { activity } from '@mc/db';
import type { Ctx, Principal } from '../context';
import type { EventActor } from '../shared/domain-event';
import { ID_PREFIX, newId } from '../shared/ids';

export interface ActivityInput {
  workspaceId: string | null;
  /** Dotted verb, `<resource>.<past-tense>`: `workspace.created`, `member.role_changed`, … */
  action: string;
  target: { kind: string; id: string | null };
  summary: string;
  metadata?: Record<string, unknown>;
  /**
   * The outcome where the action has one (a ticket's new status, an execution's status), so `GET /activity?status=`
   * can find it without reading metadata. Omitted: null.
   */
  status?: string | null;
}

export function actorOf(p: Principal): EventActor {
  switch (p.kind) {
    case 'user':
      return { kind: 'user', id: p.userId, name: p.name };
    case 'agent':
      return { kind: 'agent', id: p.agentId, name: p.name };
    case 'system':
      return { kind: 'system', id: null, name: p.name };
    case 'anonymous':
      return { kind: 'system', id: null, name: 'anonymous' };
  }
}

/**
 * Append one entry to the activity log. Call it with the transaction of the change it records, so that the
 * log and the change commit (or roll back) together.
 */
export async function recordActivity(ctx: Ctx, input: ActivityInput): Promise<void> {
  const actor = actorOf(ctx.principal);
  const now = ctx.clock.now();
  await ctx.db.insert(activity).values({
    id: newId(ID_PREFIX.activity, now.getTime()),
    workspaceId: input.workspaceId,
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: actor.name,
    action: input.action,
    targetKind: input.target.kind,
    targetId: input.target.id,
    summary: input.summary,
    metadata: input.metadata ?? {},
    status: input.status ?? null,
    requestId: ctx.requestId,
    createdAt: now,
  });
}

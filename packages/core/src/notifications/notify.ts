import { agents, memberships, notifications, users } from '@mc/db';
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Ctx } from '../context';
import type { EmittedEvent } from '../shared/domain-event';
import { newId } from '../shared/ids';
import { statement } from '../shared/statement';
import { recipientKey, type Recipient } from './notifications.rules';

/**
 * One notification to write for an event. Most are derived here from the event (`drafts`); the emitter of a ticket
 * lifecycle edge hands over the edge's own (tickets.rules.ts declares who hears of each edge; ticket-notices.ts
 * turns that into drafts and, for one-statement writes, into SQL built with `notificationsFromRowSql` below).
 */
export type NotificationDraft = { recipient: Recipient; type: string; content: string; ticketId?: string | null; commentId?: string | null; agentId?: string | null };
type Draft = NotificationDraft;

async function workspaceEveryone(ctx: Ctx, workspaceId: string): Promise<Recipient[]> {
  const members = await ctx.db.select({ id: memberships.userId }).from(memberships).where(eq(memberships.workspaceId, workspaceId));
  const live = await ctx.db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.workspaceId, workspaceId), eq(agents.status, 'active')));
  return [...members.map((m) => ({ kind: 'user' as const, id: m.id })), ...live.map((a) => ({ kind: 'agent' as const, id: a.id }))];
}

async function workspaceAdmins(ctx: Ctx, workspaceId: string): Promise<Recipient[]> {
  const rows = await ctx.db
    .select({ id: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.role, ['owner', 'admin'])));
  return rows.map((r) => ({ kind: 'user' as const, id: r.id }));
}

async function drafts(ctx: Ctx, e: EmittedEvent): Promise<Draft[]> {
  const d = e.data as Record<string, any>;
  const ticket = d.ticket as { id: string; number: number; title: string } | undefined;
  const label = ticket ? `#${ticket.number} ${ticket.title}` : '';
  switch (e.type) {
    case 'comment.created': {
      const out: Draft[] = [];
      const excerpt = String(d.comment.excerpt);
      for (const m of d.mentions as { kind: string; id: string | null }[]) {
        if ((m.kind === 'user' || m.kind === 'agent') && m.id) {
          out.push({ recipient: { kind: m.kind, id: m.id }, type: 'mention', content: `${e.actor.name} mentioned you on ${label}: ${excerpt}`, ticketId: ticket!.id, commentId: d.comment.id });
        }
      }
      if ((d.mentions as { kind: string }[]).some((m) => m.kind === 'all')) {
        for (const r of await workspaceEveryone(ctx, e.workspaceId)) {
          out.push({ recipient: r, type: 'mention_all', content: `${e.actor.name} mentioned @all on ${label}: ${excerpt}`, ticketId: ticket!.id, commentId: d.comment.id });
        }
      }
      return out;
    }
    case 'ticket.assigned':
      return d.assignee
        ? [{ recipient: d.assignee as Recipient, type: 'assignment', content: `${e.actor.name} assigned ${label} to you`, ticketId: ticket!.id }]
        : [];
    // ticket.moved, ticket.released: the lifecycle edge's notice, handed over by the emitter (tickets.rules.ts).
    case 'agent.registered':
      return (await workspaceAdmins(ctx, e.workspaceId)).map((r) => ({
        recipient: r,
        type: 'agent_registration',
        content: `Agent ${d.agent.name} asks to join and waits for approval`,
        agentId: d.agent.id,
      }));
    case 'budget.threshold_reached': {
      // Once per limit, threshold and month (the marks on workspace_usage), to the workspace's owners and admins.
      const what = d.limit === 'tokens' ? `${d.used} of ${d.limitValue} tokens` : `$${d.used} of $${d.limitValue}`;
      const content =
        d.threshold === 100
          ? `The ${d.month} ${d.limit === 'tokens' ? 'token' : 'cost'} budget is exhausted (${what})${d.blocked ? ': hard stop in force, new work is refused until the month rolls over or the limit is raised' : ''}`
          : `80% of the ${d.month} ${d.limit === 'tokens' ? 'token' : 'cost'} budget is used (${what})`;
      return (await workspaceAdmins(ctx, e.workspaceId)).map((r) => ({ recipient: r, type: d.threshold === 100 ? 'budget_exceeded' : 'budget_warning', content }));
    }
    case 'webhook.disabled':
      return (await workspaceAdmins(ctx, e.workspaceId)).map((r) => ({
        recipient: r,
        type: 'webhook_disabled',
        content: `Webhook ${d.webhook.url} was disabled: ${d.reason}. Fix the receiver, then enable it again (deliveries can be redelivered).`,
      }));
    // Crons (the scheduler): a cron that starts failing tells the target workspace's admins once per failure streak
    // (the run that made the streak 1); a cron that paused itself (no runnable target left) tells them why.
    case 'cron_run.failed':
      if (d.willRetry || d.failureStreak !== 1) return [];
      return (await workspaceAdmins(ctx, e.workspaceId)).map((r) => ({
        recipient: r,
        type: 'cron_failing',
        content: `Cron ${d.run.cronName} is failing: its run for ${d.run.slot} failed after ${d.run.attempt} attempt${d.run.attempt === 1 ? '' : 's'} (${d.error})`,
        agentId: d.run.agentId,
      }));
    case 'cron_run.missed':
      return (await workspaceAdmins(ctx, e.workspaceId)).map((r) => ({
        recipient: r,
        type: 'cron_missed',
        content: `Cron ${d.cron.name} was not run by its gateway: ${d.missed} slot${d.missed === 1 ? '' : 's'} missed, latest ${d.latestSlot}${d.forced ? ' (run now at once)' : ''}`,
        agentId: d.agentId,
      }));
    case 'cron_run.finished':
      if (!d.cronPaused) return [];
      return (await workspaceAdmins(ctx, e.workspaceId)).map((r) => ({
        recipient: r,
        type: 'cron_paused',
        content: `Cron ${d.run.cronName} was paused: none of its targets can run any more (last: ${d.run.reason}). Fix a target, then resume it.`,
        agentId: d.run.agentId,
      }));
    default:
      return [];
  }
}

/**
 * Turn an event into notifications for the agents and members concerned (one per recipient: a direct mention
 * wins over @all), in the event's transaction. Returns the recipients' keys.
 */
export async function createNotificationsFor(ctx: Ctx, e: EmittedEvent, given: readonly NotificationDraft[] = []): Promise<string[]> {
  // The invitee is not a member (yet), and whether the address has a user at all must not show: its own statement.
  if (e.type === 'member.invited') return notifyInvitee(ctx, e as EmittedEvent<'member.invited'>);
  const actorKey = e.actor.id ? `${e.actor.kind}:${e.actor.id}` : null;
  const byRecipient = new Map<string, Draft>();
  for (const draft of [...given, ...(await drafts(ctx, e))]) {
    const key = recipientKey(draft.recipient);
    if (key === actorKey || byRecipient.has(key)) continue;
    byRecipient.set(key, draft);
  }
  if (byRecipient.size === 0) return [];
  // Recipients must still belong to the workspace (a deleted agent or a removed member gets nothing).
  const ids = [...byRecipient.values()];
  const userIds = ids.filter((r) => r.recipient.kind === 'user').map((r) => r.recipient.id);
  const agentIds = ids.filter((r) => r.recipient.kind === 'agent').map((r) => r.recipient.id);
  const okUsers = new Set(
    userIds.length
      ? (await ctx.db.select({ id: memberships.userId }).from(memberships).where(and(eq(memberships.workspaceId, e.workspaceId), inArray(memberships.userId, userIds)))).map((r) => r.id)
      : [],
  );
  const okAgents = new Set(
    agentIds.length
      ? (await ctx.db.select({ id: agents.id }).from(agents).where(and(eq(agents.workspaceId, e.workspaceId), inArray(agents.id, agentIds), ne(agents.status, 'deleted')))).map((r) => r.id)
      : [],
  );
  const rows = ids
    .filter((d) => (d.recipient.kind === 'user' ? okUsers : okAgents).has(d.recipient.id))
    .map((d) => ({
      id: newId('ntf', e.occurredAt.getTime()),
      workspaceId: e.workspaceId,
      recipientKind: d.recipient.kind,
      recipientId: d.recipient.id,
      type: d.type,
      content: d.content.slice(0, 500),
      ticketId: d.ticketId ?? null,
      commentId: d.commentId ?? null,
      agentId: d.agentId ?? null,
      eventId: e.id,
      createdAt: e.occurredAt,
    }));
  if (rows.length) await ctx.db.insert(notifications).values(rows);
  return rows.map((r) => `${r.recipientKind}:${r.recipientId}`);
}

/**
 * The same rules as `createNotificationsFor`, for writes made as one statement (a data-modifying CTE): an
 * INSERT … SELECT over `row`, the statement's CTE of the changed row. One notification of `type` per recipient slot
 * (`slots`: SQL expressions of a kind and an id over `row`, numbered in order), never the actor (:actorKind,
 * :actorId), one per recipient (DISTINCT ON), only those who still belong to the workspace (a member; an agent of
 * the workspace that is not deleted); `content` is a text expression. With no recipient it writes nothing. Returns
 * `recipient_kind, recipient_id` (the live event's `recipients`) and `event_id`. Parameters: :eventId, :now,
 * :actorKind, :actorId, and :notificationId1…N, one per slot (`notificationIdParams`). `row` may also hold many rows
 * (the lease sweeper's batch): one set of notifications per row (`row.id`), the ids then read off the row (`ids`,
 * `eventId`) instead of the parameters.
 */
export function notificationsFromRowSql(o: {
  row: string;
  slots: readonly { kind: string; id: string }[];
  type: string;
  content: string;
  ticketId: string;
  /** Per-row ids, for a statement that writes many rows: the id of slot i (SQL over `row`), and the event's id. */
  ids?: (slot: number) => string;
  eventId?: string;
}): string {
  const m = o.row;
  const ids = o.slots.map((_, i) => (o.ids ? o.ids(i + 1) : `:notificationId${i + 1}::text`)).join(', ');
  const values = o.slots.map((r, i) => `(${i + 1}, ${r.kind}::text, ${r.id}::text)`).join(', ');
  return `
    INSERT INTO notifications (id, workspace_id, recipient_kind, recipient_id, type, content, ticket_id, event_id, created_at)
    SELECT DISTINCT ON (${m}.id, r.kind, r.id)
      (ARRAY[${ids}])[r.n], ${m}.workspace_id, r.kind, r.id, '${o.type.replace(/'/g, "''")}', left(${o.content}, 500), ${o.ticketId}, ${o.eventId ?? ':eventId::text'}, :now::timestamptz
    FROM ${m} CROSS JOIN LATERAL (VALUES ${values}) AS r(n, kind, id)
    WHERE r.id IS NOT NULL AND r.kind IN ('user', 'agent')
      AND NOT (r.kind = :actorKind::text AND r.id IS NOT DISTINCT FROM :actorId::text)
      AND CASE WHEN r.kind = 'user'
        THEN EXISTS (SELECT 1 FROM memberships ms WHERE ms.workspace_id = ${m}.workspace_id AND ms.user_id = r.id)
        ELSE EXISTS (SELECT 1 FROM agents a WHERE a.id = r.id AND a.workspace_id = ${m}.workspace_id AND a.status <> 'deleted') END
    ORDER BY ${m}.id, r.kind, r.id, r.n
    RETURNING recipient_kind, recipient_id, event_id`;
}

/** The ids `notificationsFromRowSql` needs, one per slot (unused ones are simply not written). */
export function notificationIdParams(slots: number, occurredAt: Date): Record<string, string> {
  const at = occurredAt.getTime();
  return Object.fromEntries(Array.from({ length: slots }, (_, i) => [`notificationId${i + 1}`, newId('ntf', at)]));
}

/**
 * The `invitation` notification of a `member.invited` event: one INSERT … SELECT that runs for every invited address,
 * whether a user holds it or not, and writes a row only when one does (and is not the inviter, and has no unread
 * notification of this invitation yet — renewing an invitation does not pile them up). Doing the same work either way
 * keeps the 202 of `POST /workspaces/{id}/members` from telling, by its timing, whether the address has an account.
 * A user created later with the address finds the invitation in `GET /me/invitations`.
 */
const invitationNotificationSql = statement<'id' | 'workspaceId' | 'email' | 'actorId' | 'actorName' | 'role' | 'invitationId' | 'eventId' | 'now'>(
  'mc_notify_invitee',
  `INSERT INTO notifications (id, workspace_id, recipient_kind, recipient_id, type, content, invitation_id, event_id, created_at)
   SELECT :id::text, w.id, 'user', u.id, 'invitation',
     left(:actorName::text || ' invited you to join ' || w.name || ' as ' || :role::text || '. Accept or decline it on the Workspaces page.', 500),
     :invitationId::text, :eventId::text, :now::timestamptz
   FROM users u JOIN workspaces w ON w.id = :workspaceId::text
   WHERE u.email = :email::text AND u.id IS DISTINCT FROM :actorId::text
     AND NOT EXISTS (SELECT 1 FROM notifications n
       WHERE n.invitation_id = :invitationId::text AND n.recipient_kind = 'user' AND n.recipient_id = u.id AND n.read_at IS NULL)
   RETURNING recipient_kind, recipient_id`,
);

async function notifyInvitee(ctx: Ctx, e: EmittedEvent<'member.invited'>): Promise<string[]> {
  const rows = await invitationNotificationSql.run<{ recipient_kind: string; recipient_id: string }>(ctx.db, {
    id: newId('ntf', e.occurredAt.getTime()),
    workspaceId: e.workspaceId,
    email: e.data.invitation.email,
    actorId: e.actor.id,
    actorName: e.actor.name,
    role: e.data.invitation.role,
    invitationId: e.data.invitation.id,
    eventId: e.id,
    now: e.occurredAt.toISOString(),
  });
  return rows.map((r) => `${r.recipient_kind}:${r.recipient_id}`);
}

import type { NotificationType } from '@mc/contracts';
import { notifications } from '@mc/db';
import { and, eq, gt, isNull, type SQL } from 'drizzle-orm';
import { requirePrincipal } from '../shared/guards';
import type { Ctx } from '../context';
import { notFound } from '../errors';
import { publishLive, type LiveBus } from '../shared/live';
import { planPage, toPage, totalFor, type Page, type PageQuery, type SortColumns } from '../shared/pagination';
import { requireWorkspaceAccess } from '../shared/workspace-access';
import { NOTIFICATION_WAIT_MAX_SECONDS } from './notifications.rules';

type Row = typeof notifications.$inferSelect;

export function toNotificationDto(n: Row) {
  return {
    id: n.id,
    type: n.type as NotificationType,
    content: n.content,
    context: { workspaceId: n.workspaceId, ticketId: n.ticketId, commentId: n.commentId, agentId: n.agentId, invitationId: n.invitationId, eventId: n.eventId },
    read: n.readAt !== null,
    readAt: n.readAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  };
}
type NotificationDto = ReturnType<typeof toNotificationDto>;

function recipientOf(ctx: Ctx) {
  const me = requirePrincipal(ctx);
  return me.kind === 'agent' ? { kind: 'agent', id: me.agentId } : { kind: 'user', id: me.userId };
}

/**
 * The `workspaceId` a caller narrows its own notifications to. Naming a workspace, it is held to the rule of every
 * other door that takes one: a workspace the caller cannot see is 404, not an empty answer.
 */
async function ownWorkspaceFilter(ctx: Ctx, workspaceId: string | undefined): Promise<SQL | undefined> {
  if (!workspaceId) return undefined;
  const { workspace } = await requireWorkspaceAccess(ctx, workspaceId, 'workspace.read');
  return eq(notifications.workspaceId, workspace.id);
}

export const NOTIFICATION_SORT_FIELDS = ['createdAt'] as const;
const sortColumns: SortColumns<Row> = { createdAt: { column: notifications.createdAt, value: (r) => r.createdAt } };
const idColumn = { column: notifications.id, value: (r: Row) => r.id };

export interface FindNotificationsInput extends PageQuery {
  unread?: boolean;
  workspaceId?: string;
  /** Only notifications newer than this one (ids are time-ordered): "anything since I last looked?" */
  after?: string;
}

/** GET /notifications — the caller's own, newest first. */
export async function findNotifications(ctx: Ctx, input: FindNotificationsInput): Promise<Page<NotificationDto> & { unreadCount: number }> {
  const r = recipientOf(ctx);
  const where: (SQL | undefined)[] = [eq(notifications.recipientKind, r.kind), eq(notifications.recipientId, r.id)];
  if (input.unread) where.push(isNull(notifications.readAt));
  where.push(await ownWorkspaceFilter(ctx, input.workspaceId));
  if (input.after) where.push(gt(notifications.id, input.after));
  const plan = planPage(input, sortColumns, idColumn);
  const rowsOut = await ctx.db
    .select()
    .from(notifications)
    .where(and(...where, plan.where))
    .orderBy(...plan.orderBy)
    .limit(plan.limit)
    .offset(plan.offset);
  const unread = await ctx.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.recipientKind, r.kind), eq(notifications.recipientId, r.id), isNull(notifications.readAt)))
    .limit(1000);
  const total = await totalFor(ctx.db, plan, notifications, and(...where));
  return { ...toPage(rowsOut, input, plan, sortColumns, idColumn, toNotificationDto, total), unreadCount: unread.length };
}

/**
 * `?wait=N`: when the first page is empty, hold the request until a notification for the caller is created (in
 * any process) or N seconds pass.
 */
export async function waitForNotifications(ctx: Ctx, bus: LiveBus, input: FindNotificationsInput & { waitSeconds: number; signal?: AbortSignal }) {
  const r = recipientOf(ctx);
  const key = `${r.kind}:${r.id}`;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  input.signal?.addEventListener('abort', onAbort);
  const woke = bus.waitForRecipient(key, Math.min(input.waitSeconds, NOTIFICATION_WAIT_MAX_SECONDS) * 1000, stop.signal);
  try {
    const first = await findNotifications(ctx, input);
    if (first.items.length > 0 || input.cursor) return first;
    return (await woke) ? findNotifications(ctx, input) : first;
  } finally {
    stop.abort();
    input.signal?.removeEventListener('abort', onAbort);
  }
}

/** POST /notifications/{id}/read — only the recipient's own; anyone else's is 404. */
export async function markNotificationRead(ctx: Ctx, id: string) {
  const r = recipientOf(ctx);
  const now = ctx.clock.now();
  const mine = and(eq(notifications.id, id), eq(notifications.recipientKind, r.kind), eq(notifications.recipientId, r.id));
  const [row] = await ctx.db.update(notifications).set({ readAt: now }).where(and(mine, isNull(notifications.readAt))).returning();
  if (row) return toNotificationDto(row);
  const [existing] = await ctx.db.select().from(notifications).where(mine).limit(1);
  if (!existing) throw notFound('notification');
  return toNotificationDto(existing);
}

/** POST /notifications/read-all — optionally for one workspace. */
export async function markAllNotificationsRead(ctx: Ctx, input: { workspaceId?: string } = {}) {
  const r = recipientOf(ctx);
  const inWorkspace = await ownWorkspaceFilter(ctx, input.workspaceId);
  const rowsOut = await ctx.db
    .update(notifications)
    .set({ readAt: ctx.clock.now() })
    .where(
      and(
        eq(notifications.recipientKind, r.kind),
        eq(notifications.recipientId, r.id),
        isNull(notifications.readAt),
        inWorkspace,
      ),
    )
    .returning({ id: notifications.id });
  return { marked: rowsOut.length };
}

/**
 * An agent's approval request is settled once someone decides it (approve, reject, delete): the
 * `agent_registration` notifications about it are marked read for every admin who got one, in the deciding
 * transaction, so nobody is left with a request that no longer waits. Their notification long-polls are woken.
 */
export async function settleAgentRegistrationNotifications(ctx: Ctx, workspaceId: string, agentId: string): Promise<number> {
  const settled = await ctx.db
    .update(notifications)
    .set({ readAt: ctx.clock.now() })
    .where(and(eq(notifications.workspaceId, workspaceId), eq(notifications.agentId, agentId), eq(notifications.type, 'agent_registration'), isNull(notifications.readAt)))
    .returning({ recipientKind: notifications.recipientKind, recipientId: notifications.recipientId });
  if (settled.length) {
    await publishLive(ctx, { type: 'notifications.read', workspaceId, agentId, recipients: settled.map((n) => `${n.recipientKind}:${n.recipientId}`) });
  }
  return settled.length;
}

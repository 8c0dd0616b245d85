import type { NotificationType } from '@mc/contracts';
import { notifications } from '@mc/db';
import { and, count, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import { requirePrincipal } from '../shared/guards';
import type { Ctx } from '../context';
import { notFound } from '../errors';
import { publishLive, type LiveBus } from '../shared/live';
import { pageTotal, planPage, toPage, type Page, type PageQuery, type SortColumns, type TotalMode } from '../shared/pagination';
import { listStatement } from '../shared/per-workspace';
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
  /** How `meta.total` is computed on an offset page (default `page`: no count, docs/adr/0016-list-totals.md). */
  total?: TotalMode;
}

/** `meta.unreadCount` stops counting here, as it always did: counting unread rows costs one index entry each. */
export const UNREAD_COUNT_CAP = 1000;

/**
 * The statement of GET /notifications: the caller's own, newest first, a walk of `notifications_recipient_idx`
 * (recipient, created_at, id), `notifications_unread_idx` (the same, unread only) or, for `?workspaceId=`,
 * `notifications_recipient_workspace_idx`, stopped after `limit + 1` rows. Exported so that a test can EXPLAIN it.
 */
export async function notificationListQuery(ctx: Ctx, input: FindNotificationsInput) {
  const r = recipientOf(ctx);
  const where: (SQL | undefined)[] = [eq(notifications.recipientKind, r.kind), eq(notifications.recipientId, r.id)];
  if (input.unread) where.push(isNull(notifications.readAt));
  where.push(await ownWorkspaceFilter(ctx, input.workspaceId));
  if (input.after) where.push(gt(notifications.id, input.after));
  const plan = planPage(input, sortColumns, idColumn);
  const query = ctx.db
    .select()
    .from(notifications)
    .where(and(...where, plan.where))
    .orderBy(...plan.orderBy)
    .limit(plan.limit)
    .offset(plan.offset);
  return { plan, filter: and(...where), recipient: r, statement: listStatement<Row>(query) };
}

/** GET /notifications — the caller's own, newest first; `meta.total` as `input.total` asks. */
export async function findNotifications(ctx: Ctx, input: FindNotificationsInput): Promise<Page<NotificationDto> & { unreadCount: number }> {
  const { plan, filter, recipient: r, statement } = await notificationListQuery(ctx, input);
  const rowsOut = await statement.run();
  // A bounded count inside the database: one entry of the partial unread index per unread notification, none sent over.
  const unread = ctx.db
    .select({ one: sql`1` })
    .from(notifications)
    .where(and(eq(notifications.recipientKind, r.kind), eq(notifications.recipientId, r.id), isNull(notifications.readAt)))
    .limit(UNREAD_COUNT_CAP)
    .as('unread');
  const [counted] = await ctx.db.select({ n: count() }).from(unread);
  const total = await pageTotal(ctx.db, plan, input.total, rowsOut.length, notifications, filter);
  return { ...toPage(rowsOut, input, plan, sortColumns, idColumn, toNotificationDto, total), unreadCount: Number(counted?.n ?? 0) };
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

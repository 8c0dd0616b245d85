// Notifications of the caller (person or agent): list with unread filter and long-poll, mark read.
import { listQuery, ZNotification, ZQueryBool, z, ZTotalMode } from '@mc/contracts';
import { findNotifications, markAllNotificationsRead, markNotificationRead, NOTIFICATION_SORT_FIELDS, waitForNotifications } from '@mc/core';
import type { RouteBuilder } from '../http';

const ZNotificationsQuery = listQuery(NOTIFICATION_SORT_FIELDS, '-createdAt').extend({
  unread: ZQueryBool.optional().openapi({ description: 'true: only unread' }),
  workspaceId: z.string().max(64).optional().openapi({ description: 'Only this workspace’s (id or slug); 404 for a workspace you cannot see' }),
  after: z.string().max(64).optional().openapi({ description: 'Only notifications newer than this notification id; with `wait`, wait for one' }),
  wait: z.coerce.number().int().min(0).max(60).default(0).openapi({ description: 'Long-poll: when nothing matches, wait up to N seconds for a new notification' }),
  total: ZTotalMode,
});

export function registerNotificationRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/notifications',
    operationId: 'listNotifications',
    summary: "The caller's notifications, newest first (`meta.unreadCount`); `?wait=N` long-polls",
    tags: ['Notifications'],
    auth: 'any',
    query: ZNotificationsQuery,
    response: ZNotification,
    list: true,
    listMeta: z.object({ unreadCount: z.number().int() }),
    handler: async ({ ctx, query, c, deps }) => {
      const page =
        query.wait > 0
          ? await waitForNotifications(ctx, deps.live, { ...query, waitSeconds: query.wait, signal: c.req.raw.signal })
          : await findNotifications(ctx, query);
      return { items: page.items, meta: { ...page.meta, unreadCount: page.unreadCount } };
    },
  });

  r.define({
    method: 'post',
    path: '/api/v1/notifications/{id}/read',
    operationId: 'markNotificationRead',
    summary: 'Mark one notification read',
    tags: ['Notifications'],
    auth: 'any',
    params: z.object({ id: z.string().min(1).max(64) }),
    response: ZNotification,
    handler: ({ ctx, params }) => markNotificationRead(ctx, params.id),
  });

  r.define({
    method: 'post',
    path: '/api/v1/notifications/read-all',
    operationId: 'markAllNotificationsRead',
    summary: 'Mark all (or one workspace’s) notifications read',
    tags: ['Notifications'],
    auth: 'any',
    body: z
      .object({ workspaceId: z.string().max(64).optional().openapi({ description: 'Only this workspace’s (id or slug); 404 for a workspace you cannot see' }) })
      .strict()
      .optional()
      .default({}),
    response: z.object({ marked: z.number().int() }),
    handler: ({ ctx, body }) => markAllNotificationsRead(ctx, body ?? {}),
  });
}

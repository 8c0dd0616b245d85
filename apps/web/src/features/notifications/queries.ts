'use client';
// The signed-in user's notifications: the unread count (the bell), the list (the /notifications page), marking
// read. What is new is learnt from a long-poll (GET /notifications?after=<newest id>&wait=25), which the server
// answers as soon as a notification for this user exists or one was read elsewhere, in any process: each answer
// invalidates the notification queries, as a live event does for a workspace's.
import { useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, isAbortError, type Page, type Schemas } from '@/src/data/client';
import { globalKey, keys } from '@/src/data/keys';
import { useApiMutation } from '@/src/data/mutations';
import { usePagedList, type PageParam } from '@/src/data/paging';

export type Notification = Schemas['Notification'];
type NotificationPage = Page<Notification, Schemas['ListMeta'] & { unreadCount: number }>;

const WAIT_SECONDS = 25;
/** Any id sorts after this one: "wait for the first notification ever". */
const BEFORE_ALL = '0';

/** The unread count (null while loading), kept live by the long-poll. */
export function useUnreadCount(): number | null {
  const queryClient = useQueryClient();
  const count = useQuery({
    queryKey: keys.unreadCount(),
    queryFn: async ({ signal }) => {
      const { items, meta } = await api.list('/notifications', { params: { query: { limit: 1 } }, signal });
      return { unread: meta.unreadCount, newest: items[0]?.id ?? BEFORE_ALL };
    },
  });
  const newest = count.data?.newest;
  const unread = count.data?.unread;

  useEffect(() => {
    if (newest === undefined) return;
    const ctrl = new AbortController();
    void (async () => {
      while (!ctrl.signal.aborted) {
        try {
          const { items, meta } = await api.list('/notifications', { params: { query: { limit: 1, after: newest, wait: WAIT_SECONDS } }, signal: ctrl.signal });
          // Something new, or read elsewhere: every notification query is re-read; the new newest id or count
          // restarts this effect (the pause keeps a failed re-read from turning this into a busy loop).
          if (items.length > 0 || meta.unreadCount !== unread) {
            // An invitation arrives as a notification: the invitee's banner and list follow at once.
            await Promise.all([queryClient.invalidateQueries({ queryKey: globalKey('notifications') }), queryClient.invalidateQueries({ queryKey: keys.myInvitations() })]);
            await new Promise((r) => setTimeout(r, 1000));
          }
        } catch (err) {
          if (ctrl.signal.aborted || isAbortError(err)) return;
          await new Promise((r) => setTimeout(r, 3000));
        }
      }
    })();
    return () => ctrl.abort();
  }, [newest, unread, queryClient]);

  return unread ?? null;
}

export function useNotificationList(unreadOnly: boolean) {
  return usePagedList(globalKey('notifications', 'list', { unreadOnly }), (page, signal) =>
    api.list('/notifications', { params: { query: { limit: 30, unread: unreadOnly ? 'true' : undefined, ...page } }, signal }),
  );
}

/**
 * Mark one read: the row and the page's count change at once; the bell re-reads its count. The list is not
 * re-read, so a row read under "Only unread" stays until the next visit.
 */
export function useMarkRead(unreadOnly: boolean) {
  const listKey = globalKey('notifications', 'list', { unreadOnly });
  return useApiMutation({
    mutationFn: (n: Notification) => api.post('/notifications/{id}/read', { params: { path: { id: n.id } } }),
    optimistic: {
      queryKey: listKey,
      update: (old: InfiniteData<NotificationPage, PageParam>, n) => ({
        ...old,
        pages: old.pages.map((p, i) => ({
          items: p.items.map((x) => (x.id === n.id ? { ...x, read: true, readAt: x.readAt ?? new Date().toISOString() } : x)),
          meta: i === 0 ? { ...p.meta, unreadCount: Math.max(0, p.meta.unreadCount - 1) } : p.meta,
        })),
      }),
    },
    invalidate: [keys.unreadCount()],
    keepOptimistic: true,
  });
}

export function useMarkAllRead() {
  return useApiMutation({
    mutationFn: () => api.post('/notifications/read-all'),
    invalidate: [globalKey('notifications')],
  });
}

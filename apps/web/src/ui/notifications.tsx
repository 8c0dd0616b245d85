'use client';
// The notification bell: the caller's unread count, kept live by a long-poll (GET /notifications?after=<newest
// id>&wait=25) that the server answers as soon as a new notification for this user exists, in any process.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';
import { apiList, qs, type ListMeta } from './api';

export interface Notification {
  id: string;
  type: 'mention' | 'mention_all' | 'assignment' | 'status_change' | 'agent_registration' | string;
  content: string;
  context: { workspaceId: string; ticketId: string | null; commentId: string | null; agentId: string | null; invitationId?: string | null; eventId: string };
  read: boolean;
  readAt: string | null;
  createdAt: string;
}

export type NotificationMeta = ListMeta & { unreadCount?: number };

/** Pages that change read state announce it, so the bell recounts at once instead of at the next poll. */
export const NOTIFICATIONS_CHANGED = 'mc:notifications-changed';
export function announceNotificationsChanged() {
  window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
}

/** Any id sorts after this one: "wait for the first notification ever". */
const BEFORE_ALL = '0';
const WAIT_SECONDS = 25;

export function useUnreadCount(): number | null {
  const [unread, setUnread] = useState<number | null>(null);
  useEffect(() => {
    let stopped = false;
    let ctrl = new AbortController();
    let newest: string | undefined;
    const restart = () => {
      newest = undefined;
      ctrl.abort();
    };
    window.addEventListener(NOTIFICATIONS_CHANGED, restart);
    void (async () => {
      while (!stopped) {
        try {
          const waiting = newest !== undefined;
          const { items, meta } = await apiList<Notification>(`/notifications${qs({ limit: 1, after: newest, wait: waiting ? WAIT_SECONDS : 0 })}`, {
            signal: ctrl.signal,
          });
          setUnread((meta as NotificationMeta).unreadCount ?? 0);
          newest = items[0]?.id ?? newest ?? BEFORE_ALL;
        } catch (err) {
          if (stopped) return;
          if (err instanceof DOMException && err.name === 'AbortError') {
            ctrl = new AbortController();
            continue;
          }
          await new Promise((r) => setTimeout(r, 3000));
        }
      }
    })();
    return () => {
      stopped = true;
      window.removeEventListener(NOTIFICATIONS_CHANGED, restart);
      ctrl.abort();
    };
  }, []);
  return unread;
}

export function NotificationBell() {
  const unread = useUnreadCount();
  const pathname = usePathname();
  const shown = unread ? (unread > 99 ? '99+' : String(unread)) : null;
  // The link is named by its own text (no aria-label), so the name always holds the visible count: a speech
  // user says "Notifications 4" to follow it (WCAG 2.5.3, label in name).
  return (
    <Link
      href="/notifications"
      title={shown ? `Notifications (${shown} unread)` : 'Notifications'}
      aria-current={pathname.startsWith('/notifications') ? 'page' : undefined}
      className="relative rounded-md p-1.5 text-slate-300 ring-1 ring-slate-700 ring-inset hover:bg-slate-800 hover:text-white focus-visible:outline-2 focus-visible:outline-indigo-400"
    >
      <svg viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
        <path d="M6 16V11a6 6 0 1 1 12 0v5l1.5 2h-15L6 16Z" strokeLinejoin="round" />
        <path d="M10 20a2 2 0 0 0 4 0" strokeLinecap="round" />
      </svg>
      <span className="sr-only">Notifications</span>
      {shown && (
        <span
          className="absolute -top-1.5 -right-1.5 min-w-[1.15rem] rounded-full bg-rose-600 px-1 text-center text-[11px] leading-[1.15rem] font-bold text-white"
        >
          <span data-testid="notification-count">{shown}</span>
          <span className="sr-only"> unread</span>
        </span>
      )}
    </Link>
  );
}

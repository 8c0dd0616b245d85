'use client';
// The notification bell of the top bar: the caller's unread count, live (see useUnreadCount).
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useUnreadCount } from './queries';

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
        <span className="absolute -top-1.5 -right-1.5 min-w-[1.15rem] rounded-full bg-rose-600 px-1 text-center text-[11px] leading-[1.15rem] font-bold text-white">
          <span data-testid="notification-count">{shown}</span>
          <span className="sr-only"> unread</span>
        </span>
      )}
    </Link>
  );
}

'use client';
// The /notifications list: newest first, each linking to its context (marking it read), "Mark all read".
import Link from 'next/link';
import { useState } from 'react';
import { Badge, Button, Checkbox, EmptyState, ErrorAlert, Loading, PageHeader, Time, cx } from '@/src/ui/components';
import { useSession } from '@/src/ui/session';
import { useMarkAllRead, useMarkRead, useNotificationList, type Notification } from './queries';

const TYPE_LABEL: Record<Notification['type'], { label: string; tone: 'indigo' | 'sky' | 'amber' | 'emerald' | 'slate' }> = {
  mention: { label: 'Mention', tone: 'indigo' },
  mention_all: { label: '@all', tone: 'sky' },
  assignment: { label: 'Assigned', tone: 'amber' },
  status_change: { label: 'Status', tone: 'emerald' },
  agent_registration: { label: 'Agent', tone: 'slate' },
  webhook_disabled: { label: 'Webhook', tone: 'amber' },
  budget_warning: { label: 'Budget 80%', tone: 'amber' },
  budget_exceeded: { label: 'Budget 100%', tone: 'amber' },
  lease_expired: { label: 'Lease expired', tone: 'amber' },
  invitation: { label: 'Invitation', tone: 'indigo' },
  cron_failing: { label: 'Cron failing', tone: 'amber' },
  cron_paused: { label: 'Cron paused', tone: 'amber' },
  cron_missed: { label: 'Cron missed', tone: 'amber' },
};

/** Where a notification takes its reader. */
function useHref() {
  const { workspaces } = useSession();
  return (n: Notification) => {
    if (n.context.ticketId) return `/t/${encodeURIComponent(n.context.ticketId)}`;
    // The invitee is not in the workspace yet: invitations are answered on the workspaces page.
    if (n.context.invitationId) return '/workspaces#invitations';
    const slug = workspaces?.find((w) => w.id === n.context.workspaceId)?.slug;
    if (n.context.agentId && slug) return `/w/${encodeURIComponent(slug)}/agents`;
    return slug ? `/w/${encodeURIComponent(slug)}` : '/workspaces';
  };
}

export function NotificationList() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = useNotificationList(unreadOnly);
  const markRead = useMarkRead(unreadOnly);
  const markAll = useMarkAllRead();
  const hrefOf = useHref();
  const read = (n: Notification) => {
    if (!n.read) markRead.mutate(n);
  };
  const { items, meta } = list;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Notifications"
        description={meta ? `${meta.unreadCount ?? 0} unread` : 'Mentions, assignments and changes to tickets you are involved in.'}
        actions={
          <Button variant="secondary" onClick={() => markAll.mutate()} disabled={markAll.isPending || !meta?.unreadCount}>
            Mark all read
          </Button>
        }
      />
      <Checkbox label="Only unread" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} />
      <ErrorAlert error={list.error ?? markRead.error ?? markAll.error} />
      {items === null ? (
        <Loading />
      ) : items.length === 0 ? (
        <EmptyState title={unreadOnly ? 'Nothing unread' : 'No notifications yet'}>
          You hear about @mentions, @all, tickets assigned to you and status changes of tickets you created, hold or are assigned to.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-slate-200 overflow-hidden rounded-lg bg-white ring-1 ring-slate-200" data-testid="notification-list">
          {items.map((n) => {
            const t = TYPE_LABEL[n.type] ?? { label: n.type, tone: 'slate' as const };
            return (
              <li key={n.id} className={cx('flex items-start gap-3 px-4 py-3', !n.read && 'bg-indigo-50/60')}>
                <span className={cx('mt-2 h-2 w-2 shrink-0 rounded-full', n.read ? 'bg-transparent' : 'bg-indigo-500')} aria-hidden="true" />
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
                    <Badge tone={t.tone}>{t.label}</Badge>
                    <Time iso={n.createdAt} relative />
                    {!n.read && <span className="sr-only">unread</span>}
                  </div>
                  <Link href={hrefOf(n)} onClick={() => read(n)} className="mt-1 block text-sm text-slate-900 hover:text-indigo-700 hover:underline">
                    {n.content}
                  </Link>
                </div>
                {!n.read && (
                  <Button variant="ghost" size="sm" onClick={() => read(n)}>
                    Mark read
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {list.hasMore && (
        <Button variant="secondary" onClick={() => void list.loadMore()} loading={list.loadingMore}>
          Load more
        </Button>
      )}
    </div>
  );
}

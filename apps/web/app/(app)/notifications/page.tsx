'use client';
// /notifications: what needs the caller's attention — mentions, @all, assignments, status changes of their tickets,
// agents waiting for approval — newest first, each linking to its context.
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { api, apiList, qs, toApiError, type ApiError } from '@/src/ui/api';
import { Badge, Button, Checkbox, EmptyState, ErrorAlert, Loading, PageHeader, Time, cx, useTitle } from '@/src/ui/components';
import { announceNotificationsChanged, type Notification, type NotificationMeta } from '@/src/ui/notifications';
import { useSession } from '@/src/ui/session';

const TYPE_LABEL: Record<string, { label: string; tone: 'indigo' | 'sky' | 'amber' | 'emerald' | 'slate' }> = {
  mention: { label: 'Mention', tone: 'indigo' },
  mention_all: { label: '@all', tone: 'sky' },
  assignment: { label: 'Assigned', tone: 'amber' },
  status_change: { label: 'Status', tone: 'emerald' },
  agent_registration: { label: 'Agent', tone: 'slate' },
  webhook_disabled: { label: 'Webhook', tone: 'amber' },
  budget_warning: { label: 'Budget 80%', tone: 'amber' },
  budget_exceeded: { label: 'Budget 100%', tone: 'amber' },
  invitation: { label: 'Invitation', tone: 'indigo' },
};

export default function NotificationsPage() {
  useTitle('Notifications');
  const { workspaces } = useSession();
  const [items, setItems] = useState<Notification[] | null>(null);
  const [meta, setMeta] = useState<NotificationMeta | null>(null);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    async (cursor?: string) => {
      try {
        const page = await apiList<Notification>(`/notifications${qs({ limit: 30, unread: unreadOnly ? 'true' : undefined, cursor })}`);
        setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
        setMeta(page.meta as NotificationMeta);
        setError(null);
      } catch (err) {
        setError(toApiError(err));
      }
    },
    [unreadOnly],
  );

  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);

  const slugOf = (workspaceId: string) => workspaces?.find((w) => w.id === workspaceId)?.slug;
  const hrefOf = (n: Notification) => {
    if (n.context.ticketId) return `/t/${encodeURIComponent(n.context.ticketId)}`;
    // The invitee is not in the workspace yet: invitations are answered on the workspaces page.
    if (n.context.invitationId) return '/workspaces#invitations';
    const slug = slugOf(n.context.workspaceId);
    if (n.context.agentId && slug) return `/w/${encodeURIComponent(slug)}/agents`;
    return slug ? `/w/${encodeURIComponent(slug)}` : '/workspaces';
  };

  const markRead = async (n: Notification) => {
    if (n.read) return;
    try {
      const updated = await api<Notification>('POST', `/notifications/${encodeURIComponent(n.id)}/read`);
      setItems((prev) => prev?.map((x) => (x.id === n.id ? updated : x)) ?? null);
      setMeta((m) => (m ? { ...m, unreadCount: Math.max(0, (m.unreadCount ?? 1) - 1) } : m));
      announceNotificationsChanged();
    } catch (err) {
      setError(toApiError(err));
    }
  };

  const markAll = async () => {
    setBusy(true);
    try {
      await api('POST', '/notifications/read-all');
      announceNotificationsChanged();
      await load();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-6">
      <PageHeader
        title="Notifications"
        description={meta ? `${meta.unreadCount ?? 0} unread` : 'Mentions, assignments and changes to tickets you are involved in.'}
        actions={
          <Button variant="secondary" onClick={markAll} disabled={busy || !meta?.unreadCount}>
            Mark all read
          </Button>
        }
      />
      <Checkbox label="Only unread" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} />
      {error && <ErrorAlert error={error} />}
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
                  <Link href={hrefOf(n)} onClick={() => void markRead(n)} className="mt-1 block text-sm text-slate-900 hover:text-indigo-700 hover:underline">
                    {n.content}
                  </Link>
                </div>
                {!n.read && (
                  <Button variant="ghost" size="sm" onClick={() => void markRead(n)}>
                    Mark read
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {meta?.nextCursor && (
        <Button variant="secondary" onClick={() => void load(meta.nextCursor ?? undefined)}>
          Load more
        </Button>
      )}
    </div>
  );
}

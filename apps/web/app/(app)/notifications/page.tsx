'use client';
// /notifications: what needs the caller's attention — mentions, @all, assignments, status changes of their tickets,
// agents waiting for approval — newest first, each linking to its context.
import { NotificationList } from '@/src/features/notifications/notification-list';
import { useTitle } from '@/src/ui/components';

export default function NotificationsPage() {
  useTitle('Notifications');
  return <NotificationList />;
}

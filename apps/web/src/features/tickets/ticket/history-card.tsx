'use client';
// "History": the status timeline and every activity entry about the ticket (live).
import { ActivityItem } from '@/src/ui/activity-item';
import { Card, ErrorAlert, Loading } from '@/src/ui/components';
import { useTicketActivity } from '../queries';
import type { TicketStatus } from '../types';
import { StatusHistory } from './status-history';

export function HistoryCard({
  workspaceId,
  ticketId,
  status,
  workspaceSlug,
  here,
  agentName,
}: {
  workspaceId: string;
  ticketId: string;
  status: TicketStatus;
  workspaceSlug: string;
  here: string;
  agentName(id: string | null | undefined): string | null;
}) {
  const { data: activity, error } = useTicketActivity(workspaceId, ticketId);
  return (
    <Card title="History" description="Status changes and everything else that happened to this ticket.">
      <ErrorAlert error={error} className="mb-3" />
      {activity === undefined ? (
        !error && <Loading />
      ) : (
        <div className="space-y-5">
          <StatusHistory activity={activity} current={status} />
          {activity.length > 0 && (
            <div>
              <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Activity</h3>
              <ul className="divide-y divide-slate-100" data-testid="ticket-activity">
                {activity.map((a) => (
                  <ActivityItem key={a.id} entry={a} workspaceSlug={workspaceSlug} agentName={agentName} here={here} />
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
    </Card>
  );
}

// "History": the status timeline and every activity entry about the ticket.
import { ActivityItem } from '@/src/ui/activity-item';
import { Card, ErrorAlert, Loading } from '@/src/ui/components';
import type { Activity } from '@/src/ui/types';
import type { TicketStatus } from '../types';
import { StatusHistory } from './status-history';

export function HistoryCard({
  activity,
  error,
  status,
  workspaceSlug,
  here,
  agentName,
}: {
  activity: Activity[] | undefined;
  error: unknown;
  status: TicketStatus;
  workspaceSlug: string;
  here: string;
  agentName(id: string | null | undefined): string | null;
}) {
  return (
    <Card title="History" description="Status changes and everything else that happened to this ticket.">
      <ErrorAlert error={error} className="mb-3" />
      {activity === undefined ? (
        <Loading />
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

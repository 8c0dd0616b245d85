'use client';
// Everything recorded about one agent, newest first (its entries of the activity log).
import { ActivityItem } from '@/src/ui/activity-item';
import { Card, ErrorAlert, Loading } from '@/src/ui/components';
import type { Activity } from '@/src/ui/types';

export function AgentHistory({ history, error, workspaceSlug, agentId }: { history: Activity[] | null; error: unknown; workspaceSlug: string; agentId: string }) {
  return (
    <Card title="History" description="Everything recorded about this agent, newest first.">
      <ErrorAlert error={error} className="mb-3" />
      {history === null ? (
        <Loading />
      ) : history.length === 0 ? (
        <p className="text-sm text-slate-500">Nothing recorded yet.</p>
      ) : (
        <ul className="-my-3 divide-y divide-slate-100" data-testid="agent-history">
          {history.map((a) => (
            <ActivityItem key={a.id} entry={a} workspaceSlug={workspaceSlug} here={`/w/${encodeURIComponent(workspaceSlug)}/agents/${encodeURIComponent(agentId)}`} />
          ))}
        </ul>
      )}
    </Card>
  );
}

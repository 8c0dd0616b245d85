'use client';
// One line of the activity log: who did what, when, with the outcome (an execution's or a ticket's status) and a
// link to what the entry is about (the ticket, agent, execution, webhook, delivery, member or settings).
import Link from 'next/link';
import { activityLink, readableSummary, type NameOf } from './activity-text';
import { Badge, Time } from './components';
import { OutcomeBadge } from './executions';
import type { Activity } from './types';

const ACTOR_ICON: Record<Activity['actor']['kind'], string> = { user: '👤', agent: '🤖', system: '⚙️' };

/**
 * `workspaceSlug` turns an entry into a link to what it is about; `agentName` names the agents its summary
 * mentions by id; `here` (the path of the page showing the entry) leaves out links back to that same page.
 */
export function ActivityItem({ entry, workspaceSlug, agentName, here }: { entry: Activity; workspaceSlug?: string; agentName?: NameOf; here?: string }) {
  const status = entry.status;
  const link = workspaceSlug ? activityLink(entry, `/w/${encodeURIComponent(workspaceSlug)}`) : null;
  return (
    <li className="flex gap-3 py-3" data-testid="activity-entry" data-action={entry.action}>
      <span aria-hidden="true" className="mt-0.5 flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-slate-100 text-sm">
        {ACTOR_ICON[entry.actor.kind] ?? '•'}
      </span>
      <div className="min-w-0 flex-1">
        <p className="text-sm text-slate-800">
          <span className="font-medium text-slate-900">{entry.actor.name}</span> {readableSummary(entry, agentName)}
        </p>
        <div className="mt-0.5 flex flex-wrap items-center gap-2 text-xs text-slate-500">
          <Time iso={entry.createdAt} relative />
          <Badge>{entry.action}</Badge>
          {status && <OutcomeBadge status={status} />}
          {link && link.href !== here && (
            <Link href={link.href} className="font-medium text-indigo-700 hover:text-indigo-500" data-testid={link.testId}>
              {link.label} →
            </Link>
          )}
        </div>
      </div>
    </li>
  );
}

'use client';
// One line of the activity log: who did what, when, with the outcome (an execution's or a ticket's status) and a
// link to the execution an entry is about.
import Link from 'next/link';
import { Badge, Time } from './components';
import { OutcomeBadge } from './executions';
import type { Activity } from './types';

const ACTOR_ICON: Record<Activity['actor']['kind'], string> = { user: '👤', agent: '🤖', system: '⚙️' };

/** The execution an entry is about: its target, or the execution named in its metadata. */
export function executionOf(entry: Activity): string | null {
  if (entry.target.kind === 'execution' && entry.target.id) return entry.target.id;
  const m = entry.metadata as Record<string, unknown>;
  return typeof m.executionId === 'string' ? m.executionId : null;
}

/** `workspaceSlug` turns entries about executions into links to the execution page. */
export function ActivityItem({ entry, workspaceSlug }: { entry: Activity; workspaceSlug?: string }) {
  const status = entry.status;
  const executionId = workspaceSlug ? executionOf(entry) : null;
  return (
    <li className="flex gap-3 py-3" data-testid="activity-entry" data-action={entry.action}>
      <span aria-hidden="true" className="mt-0.5 flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-slate-100 text-sm">
        {ACTOR_ICON[entry.actor.kind] ?? '•'}
      </span>
      <div className="min-w-0 flex-1">
        <p className="text-sm text-slate-800">
          <span className="font-medium text-slate-900">{entry.actor.name}</span> {entry.summary}
        </p>
        <div className="mt-0.5 flex flex-wrap items-center gap-2 text-xs text-slate-500">
          <Time iso={entry.createdAt} relative />
          <Badge>{entry.action}</Badge>
          {status && <OutcomeBadge status={status} />}
          {executionId && workspaceSlug && (
            <Link
              href={`/w/${encodeURIComponent(workspaceSlug)}/executions/${encodeURIComponent(executionId)}`}
              className="font-medium text-indigo-600 hover:text-indigo-500"
              data-testid="activity-execution-link"
            >
              View execution →
            </Link>
          )}
        </div>
      </div>
    </li>
  );
}

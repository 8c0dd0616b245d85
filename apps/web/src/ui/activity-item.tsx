'use client';
// One line of the activity log: who did what, when.
import { Badge, Time } from './components';
import type { Activity } from './types';

const ACTOR_ICON: Record<Activity['actor']['kind'], string> = { user: '👤', agent: '🤖', system: '⚙️' };

export function ActivityItem({ entry }: { entry: Activity }) {
  return (
    <li className="flex gap-3 py-3">
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
        </div>
      </div>
    </li>
  );
}

'use client';
// The cards of the workspace overview: mission, recent activity, members, monthly budget.
import Link from 'next/link';
import type { Schemas } from '@/src/data/client';
import { ActivityItem } from '@/src/ui/activity-item';
import { Card, ErrorAlert, Loading } from '@/src/ui/components';
import { useMembers, useRecentActivity } from './queries';

type Workspace = Schemas['Workspace'];
const linkClass = 'text-sm font-medium text-indigo-600 hover:text-indigo-500';

export function MissionCard({ workspace: w, base }: { workspace: Workspace; base: string }) {
  return (
    <Card title="Mission">
      {w.mission ? (
        <p className="text-sm whitespace-pre-wrap text-slate-700" data-testid="workspace-mission">
          {w.mission}
        </p>
      ) : (
        <p className="text-sm text-slate-500">
          No mission yet.{' '}
          {w.permissions['workspace.update'] && (
            <Link href={`${base}/settings`} className={linkClass}>
              Write one
            </Link>
          )}
        </p>
      )}
    </Card>
  );
}

export function RecentActivityCard({ workspace: w, base }: { workspace: Workspace; base: string }) {
  const { data: activity, error } = useRecentActivity(w.id);
  return (
    <Card
      title="Recent activity"
      footer={
        <Link href={`${base}/activity`} className={linkClass}>
          Open the full log →
        </Link>
      }
    >
      <ErrorAlert error={error} />
      {activity === undefined ? (
        !error && <Loading />
      ) : activity.length === 0 ? (
        <p className="text-sm text-slate-500">Nothing has happened here yet.</p>
      ) : (
        <ul className="-my-3 divide-y divide-slate-100">
          {activity.map((a) => (
            <ActivityItem key={a.id} entry={a} workspaceSlug={w.slug} />
          ))}
        </ul>
      )}
    </Card>
  );
}

export function MembersCard({ workspace: w, base }: { workspace: Workspace; base: string }) {
  const { data: members, error } = useMembers(w.id);
  return (
    <Card
      title="Members"
      footer={
        <Link href={`${base}/members`} className={linkClass}>
          {w.permissions['members.manage'] ? 'Manage the member list →' : 'Open the member list →'}
        </Link>
      }
    >
      <ErrorAlert error={error} />
      {members === undefined ? (
        !error && <Loading />
      ) : (
        <>
          <p className="text-3xl font-semibold text-slate-900">{members.length}</p>
          <p className="text-sm text-slate-500">{members.length === 1 ? 'member' : 'members'}</p>
          <ul className="mt-3 space-y-1 text-sm text-slate-700">
            {members.slice(0, 5).map((m) => (
              <li key={m.userId} className="flex justify-between gap-2">
                <span className="truncate">{m.name}</span>
                <span className="text-xs text-slate-500 capitalize">{m.role}</span>
              </li>
            ))}
            {members.length > 5 && <li className="text-xs text-slate-500">and {members.length - 5} more</li>}
          </ul>
        </>
      )}
    </Card>
  );
}

export function BudgetCard({ workspace: w, base }: { workspace: Workspace; base: string }) {
  const b = w.budget;
  const limits = [
    b.monthlyTokenLimit !== null ? `${b.monthlyTokenLimit.toLocaleString()} tokens` : null,
    b.monthlyCostLimitUsd !== null ? `$${b.monthlyCostLimitUsd.toLocaleString(undefined, { maximumFractionDigits: 2 })}` : null,
  ].filter(Boolean);
  return (
    <Card
      title="Monthly budget"
      footer={
        <Link href={`${base}/settings#budget`} className={linkClass}>
          {w.permissions['workspace.budget'] ? 'Edit budget →' : 'View budget →'}
        </Link>
      }
    >
      {limits.length === 0 ? (
        <p className="text-sm text-slate-500">No limit set.</p>
      ) : (
        <ul className="space-y-1 text-sm text-slate-700">
          {limits.map((l) => (
            <li key={l}>{l} per month</li>
          ))}
          <li className="text-xs text-slate-500">{b.hardStop ? 'Hard stop at 100%' : 'Warn only (no hard stop)'}</li>
        </ul>
      )}
    </Card>
  );
}

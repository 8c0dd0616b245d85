'use client';
// Workspace overview: its mission, budget, members and latest activity, with the way to each.
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { ActivityItem } from '@/src/ui/activity-item';
import { apiList, qs, toApiError, type ApiError } from '@/src/ui/api';
import { Card, ErrorAlert, Loading, useTitle } from '@/src/ui/components';
import type { Activity, Member } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function WorkspaceOverview() {
  const { workspace: w } = useWorkspace();
  useTitle(w.name);
  const base = `/w/${encodeURIComponent(w.slug)}`;
  const [members, setMembers] = useState<Member[] | null>(null);
  const [activity, setActivity] = useState<Activity[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([
      apiList<Member>(`/workspaces/${w.id}/members`),
      apiList<Activity>(`/activity${qs({ workspaceId: w.id, limit: 5 })}`),
    ])
      .then(([m, a]) => {
        if (!live) return;
        setMembers(m.items);
        setActivity(a.items);
      })
      .catch((err) => live && setError(toApiError(err)));
    return () => {
      live = false;
    };
  }, [w.id]);

  const b = w.budget;
  const limits = [
    b.monthlyTokenLimit !== null ? `${b.monthlyTokenLimit.toLocaleString()} tokens` : null,
    b.monthlyCostLimitUsd !== null ? `$${b.monthlyCostLimitUsd.toLocaleString(undefined, { maximumFractionDigits: 2 })}` : null,
  ].filter(Boolean);

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="space-y-6 lg:col-span-2">
        <Card title="Mission">
          {w.mission ? (
            <p className="text-sm whitespace-pre-wrap text-slate-700" data-testid="workspace-mission">
              {w.mission}
            </p>
          ) : (
            <p className="text-sm text-slate-500">
              No mission yet.{' '}
              {w.permissions['workspace.update'] && (
                <Link href={`${base}/settings`} className="font-medium text-indigo-600 hover:text-indigo-500">
                  Write one
                </Link>
              )}
            </p>
          )}
        </Card>
        <Card
          title="Recent activity"
          footer={
            <Link href={`${base}/activity`} className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
              Open the full log →
            </Link>
          }
        >
          <ErrorAlert error={error} />
          {activity === null ? (
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
      </div>
      <div className="space-y-6">
        <Card
          title="Members"
          footer={
            <Link href={`${base}/members`} className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
              {w.permissions['members.manage'] ? 'Manage the member list →' : 'Open the member list →'}
            </Link>
          }
        >
          {members === null ? (
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
        <Card
          title="Monthly budget"
          footer={
            <Link href={`${base}/settings#budget`} className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
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
      </div>
    </div>
  );
}

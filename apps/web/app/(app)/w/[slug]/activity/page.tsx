'use client';
// The workspace's activity log, filtered by action, text and dates, paged with "Load more" (cursor).
import { useState } from 'react';
import { ActivityItem } from '@/src/ui/activity-item';
import { qs } from '@/src/ui/api';
import { Button, Card, EmptyState, ErrorAlert, Loading, TextField, useTitle } from '@/src/ui/components';
import type { Activity } from '@/src/ui/types';
import { useCursorList } from '@/src/ui/use-cursor-list';
import { useWorkspace } from '@/src/ui/workspace-context';

const PAGE = 30;
const ACTION_SUGGESTIONS = ['workspace.*', 'member.*', 'api_key.*', 'user.*', 'settings.*', 'workspace.created', 'workspace.updated', 'workspace.budget_changed', 'member.added', 'member.role_changed'];

interface Filters {
  action: string;
  q: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = { action: '', q: '', from: '', to: '' };

/** A local calendar day as an ISO instant; `to` days are inclusive, so their bound is the next midnight. */
function dayToIso(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(y, m - 1, d + (end ? 1 : 0));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export default function ActivityPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Activity · ${w.name}`);
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const { items, error, hasMore, loadMore, loadingMore } = useCursorList<Activity>(
    `/activity${qs({
      workspaceId: w.id,
      limit: PAGE,
      action: applied.action.trim(),
      q: applied.q.trim(),
      from: dayToIso(applied.from, false),
      to: dayToIso(applied.to, true),
    })}`,
  );

  const filtered = Object.values(applied).some(Boolean);
  const fieldErr = (name: string) => error?.fieldError(name);

  return (
    <div className="space-y-6">
      <Card>
        <form
          className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_10rem_10rem_auto]"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied({ ...draft });
          }}
        >
          <TextField id="activity-q" label="Search" type="search" placeholder="Text in summary, actor or action" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} error={fieldErr('q')} />
          <TextField
            id="activity-action"
            label="Action"
            placeholder="e.g. member.* or workspace.updated"
            list="activity-actions"
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
            error={fieldErr('action')}
            spellCheck={false}
          />
          <datalist id="activity-actions">
            {ACTION_SUGGESTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <TextField id="activity-from" label="From" type="date" value={draft.from} max={draft.to || undefined} onChange={(e) => setDraft({ ...draft, from: e.target.value })} error={fieldErr('from')} />
          <TextField id="activity-to" label="To" type="date" value={draft.to} min={draft.from || undefined} onChange={(e) => setDraft({ ...draft, to: e.target.value })} error={fieldErr('to')} />
          <div className="flex items-end gap-2">
            <Button type="submit">Apply filters</Button>
            {(filtered || Object.values(draft).some(Boolean)) && (
              <Button
                variant="ghost"
                onClick={() => {
                  setDraft(NO_FILTERS);
                  setApplied(NO_FILTERS);
                }}
              >
                Clear
              </Button>
            )}
          </div>
        </form>
      </Card>
      <Card title="Activity" description="Everything that changed in this workspace, newest first.">
        <ErrorAlert error={error} fields={['q', 'action', 'from', 'to']} className="mb-4" />
        {items === null ? (
          <Loading />
        ) : items.length === 0 ? (
          <EmptyState icon="📜" title={filtered ? 'No activity matches these filters' : 'No activity yet'}>
            {filtered ? 'Widen the dates or clear the filters.' : 'Changes to this workspace, its members and its budget appear here.'}
          </EmptyState>
        ) : (
          <>
            <ul className="-my-3 divide-y divide-slate-100" data-testid="activity-list">
              {items.map((a) => (
                <ActivityItem key={a.id} entry={a} />
              ))}
            </ul>
            <div className="mt-6 flex justify-center">
              {hasMore ? (
                <Button variant="secondary" onClick={loadMore} loading={loadingMore}>
                  Load more
                </Button>
              ) : (
                <p className="text-xs text-slate-400">That is everything.</p>
              )}
            </div>
          </>
        )}
      </Card>
    </div>
  );
}

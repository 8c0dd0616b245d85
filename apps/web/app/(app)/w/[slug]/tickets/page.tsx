'use client';
// Tickets as a table: filter by status, priority, assignee, label, epic and text; sort; "Load more" pages on.
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { agentOptionLabel } from '@/src/ui/agents';
import { apiList, qs } from '@/src/ui/api';
import { Button, Card, EmptyState, ErrorAlert, Loading, ScrollRegion, SelectField, TextField, Time, useTitle } from '@/src/ui/components';
import { NewTicketDialog } from '@/src/ui/new-ticket-dialog';
import { LabelChip, LiveIndicator, PriorityBadge, StatusBadge } from '@/src/ui/ticket-parts';
import { PRIORITIES, PRIORITY_LABEL, STATUS_LABEL, STATUSES, useLiveEvents, usePeople, type Epic, type Ticket } from '@/src/ui/tickets';
import { useCursorList } from '@/src/ui/use-cursor-list';
import { useWorkspace } from '@/src/ui/workspace-context';

const PAGE = 50;
const SORTS = [
  { value: '-createdAt', label: 'Newest' },
  { value: 'createdAt', label: 'Oldest' },
  { value: '-updatedAt', label: 'Recently updated' },
  { value: 'priority,-createdAt', label: 'Priority' },
  { value: '-number', label: 'Number ↓' },
];

interface Filters {
  status: string;
  priority: string;
  assigneeId: string;
  label: string;
  epicId: string;
  q: string;
  sort: string;
}
const NO_FILTERS: Filters = { status: '', priority: '', assigneeId: '', label: '', epicId: '', q: '', sort: '-createdAt' };

export default function TicketListPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Tickets · ${w.name}`);
  const people = usePeople(w.id);
  const base = `/w/${encodeURIComponent(w.slug)}`;
  const canWrite = !!w.permissions['tickets.write'] && !w.archived;
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [epics, setEpics] = useState<Epic[]>([]);
  const [creating, setCreating] = useState(false);
  const [stale, setStale] = useState(false);
  const list = useCursorList<Ticket>(`/tickets${qs({ workspaceId: w.id, limit: PAGE, ...applied, label: applied.label.trim(), q: applied.q.trim() })}`);
  const { items, error } = list;
  const reload = () => {
    setStale(false);
    list.reload();
  };

  useEffect(() => {
    apiList<Epic>(`/epics${qs({ workspaceId: w.id })}`)
      .then(({ items }) => setEpics(items))
      .catch(() => setEpics([]));
  }, [w.id]);

  // A table keeps its rows still while you read it: live changes offer a refresh instead of reshuffling.
  const live = useLiveEvents(w.id, (e) => e.ticketId && setStale(true));

  const filtered = JSON.stringify({ ...applied, sort: '' }) !== JSON.stringify({ ...NO_FILTERS, sort: '' });
  const set = (k: keyof Filters, v: string, now = false) => {
    setDraft((d) => ({ ...d, [k]: v }));
    if (now) setApplied((a) => ({ ...a, [k]: v }));
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          <h2 className="text-lg font-semibold text-slate-900">Tickets</h2>
          <LiveIndicator state={live} />
          <Link href={`${base}/board`} className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
            Board view
          </Link>
        </div>
        {canWrite && <Button onClick={() => setCreating(true)}>New ticket</Button>}
      </div>
      <Card>
        <form
          role="search"
          aria-label="Filter tickets"
          className="grid gap-3 sm:grid-cols-3 lg:grid-cols-[1fr_9rem_8rem_10rem_8rem_9rem_9rem]"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied({ ...draft });
          }}
        >
          <TextField id="list-q" label="Search" type="search" placeholder="Text or #number" value={draft.q} onChange={(e) => set('q', e.target.value)} />
          <SelectField id="list-status" label="Status" value={draft.status} onChange={(e) => set('status', e.target.value, true)}>
            <option value="">Any</option>
            <option value="todo,in_progress,pr_review">Open</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </SelectField>
          <SelectField id="list-priority" label="Priority" value={draft.priority} onChange={(e) => set('priority', e.target.value, true)}>
            <option value="">Any</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABEL[p]}
              </option>
            ))}
          </SelectField>
          <SelectField id="list-assignee" label="Assignee" value={draft.assigneeId} onChange={(e) => set('assigneeId', e.target.value, true)}>
            <option value="">Anyone</option>
            {people.agents.map((a) => (
              <option key={a.id} value={a.id}>
                🤖 {agentOptionLabel(a)}
              </option>
            ))}
            {people.members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name}
              </option>
            ))}
          </SelectField>
          <TextField id="list-label" label="Label" placeholder="Any" value={draft.label} onChange={(e) => set('label', e.target.value)} />
          <SelectField id="list-epic" label="Epic" value={draft.epicId} onChange={(e) => set('epicId', e.target.value, true)}>
            <option value="">Any</option>
            {epics.map((ep) => (
              <option key={ep.id} value={ep.id}>
                {ep.title}
              </option>
            ))}
          </SelectField>
          <SelectField id="list-sort" label="Sort" value={draft.sort} onChange={(e) => set('sort', e.target.value, true)}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </SelectField>
          <div className="flex gap-2 sm:col-span-3 lg:col-span-7">
            <Button type="submit">Apply</Button>
            {filtered && (
              <Button variant="ghost" onClick={() => (setDraft(NO_FILTERS), setApplied(NO_FILTERS))}>
                Clear
              </Button>
            )}
          </div>
        </form>
      </Card>

      {stale && (
        <div className="flex items-center justify-between gap-3 rounded-md border border-sky-200 bg-sky-50 px-3.5 py-2 text-sm text-sky-900" role="status">
          Tickets changed since this list loaded.
          <Button size="sm" variant="secondary" onClick={() => reload()}>
            Refresh
          </Button>
        </div>
      )}
      <ErrorAlert error={error} fields={[]} />

      <Card>
        {items === null ? (
          <Loading />
        ) : items.length === 0 ? (
          <EmptyState icon="🎫" title={filtered ? 'No tickets match' : 'No tickets yet'}>
            {filtered ? 'Widen or clear the filters.' : 'Create one to give your agents work.'}
          </EmptyState>
        ) : (
          <>
            <ScrollRegion label="Tickets" className="-mx-5 -my-4">
              <table className="min-w-full text-sm" data-testid="tickets-table">
                <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                  <tr>
                    <th scope="col" className="px-5 py-2.5">#</th>
                    <th scope="col" className="px-3 py-2.5">Title</th>
                    <th scope="col" className="px-3 py-2.5">Status</th>
                    <th scope="col" className="px-3 py-2.5">Priority</th>
                    <th scope="col" className="px-3 py-2.5">Assignee / holder</th>
                    <th scope="col" className="px-5 py-2.5">Updated</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {items.map((t) => (
                    <tr key={t.id} className="hover:bg-slate-50">
                      <td className="px-5 py-2.5 font-mono text-xs text-slate-500">{t.number}</td>
                      <td className="px-3 py-2.5">
                        <Link href={`${base}/tickets/${t.id}`} className="font-medium text-slate-900 hover:text-indigo-700">
                          {t.title}
                        </Link>
                        {t.labels.length > 0 && (
                          <div className="mt-1 flex flex-wrap gap-1">
                            {t.labels.map((l) => (
                              <LabelChip key={l} label={l} />
                            ))}
                          </div>
                        )}
                      </td>
                      <td className="px-3 py-2.5">
                        <StatusBadge status={t.status} />
                      </td>
                      <td className="px-3 py-2.5">
                        <PriorityBadge priority={t.priority} />
                      </td>
                      <td className="px-3 py-2.5 text-slate-700">
                        {people.assigneeName(t.assignee) ?? (!t.claimedBy && <span className="text-slate-500">—</span>)}
                        {t.claimedBy && <span className="block text-xs text-slate-500">🤖 {people.agentName(t.claimedBy) ?? 'an agent'}</span>}
                      </td>
                      <td className="px-5 py-2.5 text-slate-500">
                        <Time iso={t.updatedAt} relative />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
            <div className="mt-8 flex justify-center">
              {list.hasMore ? (
                <Button variant="secondary" onClick={list.loadMore} loading={list.loadingMore}>
                  Load more
                </Button>
              ) : (
                <p className="text-xs text-slate-500">{items.length} {items.length === 1 ? 'ticket' : 'tickets'}</p>
              )}
            </div>
          </>
        )}
      </Card>

      {canWrite && (
        <NewTicketDialog
          open={creating}
          workspaceId={w.id}
          epics={epics}
          people={people}
          canAssign={!!w.permissions['tickets.manage']}
          onClose={() => setCreating(false)}
          onCreated={() => reload()}
          onEpicCreated={(e) => setEpics((l) => [...l, e])}
        />
      )}
    </div>
  );
}

'use client';
// The ticket board: five columns, drag a card (or use its "Move to…" menu) to move the ticket through the state
// machine. Moves are optimistic and roll back when the API refuses, saying why. Live: the workspace's event
// stream refreshes the tickets that agents and other people claim, move or comment on.
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { api, apiList, qs, toApiError, type ApiError } from '@/src/ui/api';
import { Button, cx, ErrorAlert, Loading, SelectField, TextField, useTitle } from '@/src/ui/components';
import { agentOptionLabel } from '@/src/ui/agents';
import { NewTicketDialog } from '@/src/ui/new-ticket-dialog';
import { LabelChip, LeaseCountdown, LiveIndicator, PriorityBadge } from '@/src/ui/ticket-parts';
import {
  explainMoveError,
  isStatus,
  NEXT_STATUSES,
  STATUS_LABEL,
  STATUSES,
  useLiveEvents,
  usePeople,
  type Epic,
  type LiveEvent,
  type People,
  type Ticket,
  type TicketStatus,
} from '@/src/ui/tickets';
import { useWorkspace } from '@/src/ui/workspace-context';

/** Cards loaded per column and per "Load more". */
const PAGE = 100;
const COLUMN_SORT: Record<TicketStatus, string> = {
  todo: 'priority,createdAt',
  in_progress: 'priority,createdAt',
  pr_review: 'priority,createdAt',
  done: '-updatedAt',
  closed: '-updatedAt',
};
const PRIORITY_RANK = { urgent: 0, high: 1, medium: 2, low: 3 } as const;

interface Filters {
  assignee: string;
  label: string;
  epic: string;
  q: string;
}
const NO_FILTERS: Filters = { assignee: '', label: '', epic: '', q: '' };

function filtersFromUrl(): Filters {
  if (typeof window === 'undefined') return NO_FILTERS;
  const sp = new URLSearchParams(window.location.search);
  return { assignee: sp.get('assignee') ?? '', label: sp.get('label') ?? '', epic: sp.get('epic') ?? '', q: sp.get('q') ?? '' };
}

/** The server's filters, applied to one ticket that changed (so a live update does not show what the filters hide). */
function matches(t: Ticket, f: Filters): boolean {
  if (f.assignee && t.assignee?.id !== f.assignee) return false;
  if (f.label && !t.labels.includes(f.label.trim())) return false;
  if (f.epic && t.epicId !== f.epic) return false;
  const q = f.q.trim().toLowerCase();
  if (q) {
    const n = /^#?(\d{1,9})$/.exec(q);
    if (!t.title.toLowerCase().includes(q) && !t.description.toLowerCase().includes(q) && !(n && t.number === Number(n[1]))) return false;
  }
  return true;
}

function columnOrder(status: TicketStatus) {
  return status === 'done' || status === 'closed'
    ? (a: Ticket, b: Ticket) => b.statusChangedAt.localeCompare(a.statusChangedAt) || b.number - a.number
    : (a: Ticket, b: Ticket) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.number - b.number;
}

interface Refusal {
  ticketId: string;
  text: string;
}

export default function BoardPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Board · ${w.name}`);
  const people = usePeople(w.id);
  const canWrite = !!w.permissions['tickets.write'] && !w.archived;
  const canManage = !!w.permissions['tickets.manage'] && !w.archived;
  const base = `/w/${encodeURIComponent(w.slug)}`;

  const [filters, setFilters] = useState<Filters>(filtersFromUrl);
  const [qDraft, setQDraft] = useState(filters.q);
  const [tickets, setTickets] = useState<Map<string, Ticket> | null>(null);
  const [cursors, setCursors] = useState<Partial<Record<TicketStatus, string | null>>>({});
  /** Tickets of a column that match but are not loaded yet (from meta.total), so its count stays true. */
  const [unloaded, setUnloaded] = useState<Partial<Record<TicketStatus, number>>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [announce, setAnnounce] = useState('');
  const [epics, setEpics] = useState<Epic[]>([]);
  const [creating, setCreating] = useState(false);
  const [dragging, setDraggingState] = useState<Ticket | null>(null);
  // The drag events read the ref: a dragover can come before React has rendered the dragstart's state.
  const draggingRef = useRef<Ticket | null>(null);
  const setDragging = (t: Ticket | null) => {
    draggingRef.current = t;
    setDraggingState(t);
  };
  const [over, setOver] = useState<TicketStatus | null>(null);
  const [flash, setFlash] = useState<Set<string>>(new Set());
  const pending = useRef(new Set<string>());
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const loadSeq = useRef(0);

  // ------------------------------------------------------------------------------------------------ loading

  const columnQuery = useCallback(
    (status: TicketStatus, cursor: string | null) =>
      `/tickets${qs({ workspaceId: w.id, status, limit: PAGE, sort: COLUMN_SORT[status], assigneeId: filters.assignee, label: filters.label.trim(), epicId: filters.epic, q: filters.q.trim(), cursor })}`,
    [w.id, filters],
  );

  const loadAll = useCallback(async () => {
    const seq = ++loadSeq.current;
    try {
      const pages = await Promise.all(STATUSES.map((s) => apiList<Ticket>(columnQuery(s, null))));
      if (seq !== loadSeq.current) return;
      const map = new Map<string, Ticket>();
      const next: Partial<Record<TicketStatus, string | null>> = {};
      const rest: Partial<Record<TicketStatus, number>> = {};
      pages.forEach((p, i) => {
        for (const t of p.items) map.set(t.id, t);
        next[STATUSES[i]] = p.meta.nextCursor ?? null;
        rest[STATUSES[i]] = p.meta.nextCursor && typeof p.meta.total === 'number' ? Math.max(0, p.meta.total - p.items.length) : 0;
      });
      setTickets(map);
      setCursors(next);
      setUnloaded(rest);
      setError(null);
    } catch (err) {
      if (seq !== loadSeq.current) return;
      setError(toApiError(err));
      setTickets((cur) => cur ?? new Map());
    }
  }, [columnQuery]);

  useEffect(() => {
    void loadAll();
  }, [loadAll]);

  useEffect(() => {
    apiList<Epic>(`/epics${qs({ workspaceId: w.id })}`)
      .then(({ items }) => setEpics(items))
      .catch(() => setEpics([]));
  }, [w.id]);

  // Text search waits for a pause in typing; the filters live in the URL so a board view can be shared.
  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => (f.q === qDraft ? f : { ...f, q: qDraft })), 300);
    return () => clearTimeout(t);
  }, [qDraft]);
  useEffect(() => {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) sp.set(k, v);
    const s = sp.toString();
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${s ? `?${s}` : ''}`);
  }, [filters]);

  async function loadMore(status: TicketStatus) {
    const cursor = cursors[status];
    if (!cursor) return;
    try {
      const p = await apiList<Ticket>(columnQuery(status, cursor));
      setTickets((cur) => {
        const map = new Map(cur ?? []);
        for (const t of p.items) map.set(t.id, t);
        return map;
      });
      setCursors((c) => ({ ...c, [status]: p.meta.nextCursor ?? null }));
      setUnloaded((u) => ({ ...u, [status]: p.meta.nextCursor ? Math.max(0, (u[status] ?? 0) - p.items.length) : 0 }));
    } catch (err) {
      setError(toApiError(err));
    }
  }

  const put = useCallback((t: Ticket, opts: { force?: boolean } = {}) => {
    setTickets((cur) => {
      const map = new Map(cur ?? []);
      const old = map.get(t.id);
      if (!opts.force && old && old.version > t.version) return cur;
      if (matches(t, filtersRef.current)) map.set(t.id, t);
      else map.delete(t.id);
      return map;
    });
  }, []);

  const remove = useCallback((id: string) => {
    setTickets((cur) => {
      if (!cur?.has(id)) return cur;
      const map = new Map(cur);
      map.delete(id);
      return map;
    });
  }, []);

  // ------------------------------------------------------------------------------------------------ live

  const refreshTicket = useCallback(
    async (id: string) => {
      try {
        const t = await api<Ticket>('GET', `/tickets/${id}`);
        if (pending.current.has(id)) return; // the move in flight sets the final state
        put(t);
        setFlash((s) => new Set(s).add(id));
        setTimeout(
          () =>
            setFlash((s) => {
              const n = new Set(s);
              n.delete(id);
              return n;
            }),
          2000,
        );
      } catch (err) {
        if (toApiError(err).status === 404) remove(id);
      }
    },
    [put, remove],
  );

  const { agentName, agents, reload: reloadPeople } = people;
  const onEvent = useCallback(
    (e: LiveEvent) => {
      const id = e.ticketId;
      if (!id) return;
      if (e.agentId && !agentName(e.agentId) && agents.length < 200) reloadPeople();
      // The event says where the ticket went: show that at once, then let the fetched ticket fill in the rest.
      if (isStatus(e.status) && !pending.current.has(id)) {
        const status = e.status;
        setTickets((cur) => {
          const old = cur?.get(id);
          if (!cur || !old || (old.status === status && (e.type !== 'ticket.claimed' || old.claimedBy === e.agentId))) return cur;
          const map = new Map(cur);
          map.set(id, { ...old, status, ...(e.type === 'ticket.claimed' && e.agentId ? { claimedBy: e.agentId } : {}) });
          return map;
        });
      }
      void refreshTicket(id);
    },
    [refreshTicket, agentName, agents.length, reloadPeople],
  );
  const live = useLiveEvents(w.id, onEvent, () => void loadAll());

  // ------------------------------------------------------------------------------------------------ moves

  async function move(t: Ticket, to: TicketStatus) {
    if (t.status === to) return;
    setRefusal(null);
    pending.current.add(t.id);
    put({ ...t, status: to }, { force: true });
    try {
      const updated = await api<Ticket>('PATCH', `/tickets/${t.id}`, { status: to, version: t.version });
      pending.current.delete(t.id);
      put(updated, { force: true });
      setAnnounce(`Moved #${t.number} to ${STATUS_LABEL[to]}.`);
    } catch (err) {
      pending.current.delete(t.id);
      const e = toApiError(err);
      put(t, { force: true });
      setRefusal({ ticketId: t.id, text: explainMoveError(e, t, to) });
      if (e.code === 'NOT_FOUND') remove(t.id);
      else if (e.status === 409 || e.status === 403) void refreshTicket(t.id);
    }
  }

  function onDrop(e: DragEvent, to: TicketStatus) {
    e.preventDefault();
    setOver(null);
    const id = e.dataTransfer.getData('application/x-mc-ticket') || draggingRef.current?.id;
    const t = id ? tickets?.get(id) : undefined;
    setDragging(null);
    if (t) void move(t, to);
  }

  // ------------------------------------------------------------------------------------------------ view

  const columns = useMemo(() => {
    const by = Object.fromEntries(STATUSES.map((s) => [s, [] as Ticket[]])) as Record<TicketStatus, Ticket[]>;
    for (const t of tickets?.values() ?? []) by[t.status].push(t);
    for (const s of STATUSES) by[s].sort(columnOrder(s));
    return by;
  }, [tickets]);

  const knownLabels = useMemo(() => [...new Set([...(tickets?.values() ?? [])].flatMap((t) => t.labels))].sort(), [tickets]);
  const filtered = Object.values(filters).some(Boolean);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          <h2 className="text-lg font-semibold text-slate-900">Board</h2>
          <LiveIndicator state={live} />
          <Link href={`${base}/tickets`} className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
            List view
          </Link>
        </div>
        {canWrite && <Button onClick={() => setCreating(true)}>New ticket</Button>}
      </div>

      <form
        role="search"
        aria-label="Filter tickets"
        className="grid gap-3 rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-[1fr_12rem_10rem_12rem_auto]"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters((f) => ({ ...f, q: qDraft }));
        }}
      >
        <TextField id="board-q" label="Search" type="search" placeholder="Title, description or #number" value={qDraft} onChange={(e) => setQDraft(e.target.value)} />
        <SelectField id="board-assignee" label="Assignee" value={filters.assignee} onChange={(e) => setFilters((f) => ({ ...f, assignee: e.target.value }))}>
          <option value="">Anyone</option>
          {people.agents.length > 0 && (
            <optgroup label="Agents">
              {people.agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {agentOptionLabel(a)}
                </option>
              ))}
            </optgroup>
          )}
          <optgroup label="Members">
            {people.members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name}
              </option>
            ))}
          </optgroup>
        </SelectField>
        <TextField id="board-label" label="Label" list="board-labels" placeholder="Any" value={filters.label} onChange={(e) => setFilters((f) => ({ ...f, label: e.target.value }))} />
        <datalist id="board-labels">
          {knownLabels.map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
        <SelectField id="board-epic" label="Epic" value={filters.epic} onChange={(e) => setFilters((f) => ({ ...f, epic: e.target.value }))}>
          <option value="">Any</option>
          {epics.map((ep) => (
            <option key={ep.id} value={ep.id}>
              {ep.title}
            </option>
          ))}
        </SelectField>
        <div className="flex items-end">
          <Button
            variant="ghost"
            disabled={!filtered && !qDraft}
            onClick={() => {
              setQDraft('');
              setFilters(NO_FILTERS);
            }}
          >
            Clear
          </Button>
        </div>
      </form>

      {refusal && (
        <div role="alert" data-testid="move-error" className="flex items-start justify-between gap-3 rounded-md border border-rose-200 bg-rose-50 px-3.5 py-2.5 text-sm text-rose-800">
          <p className="font-medium">{refusal.text}</p>
          <button type="button" onClick={() => setRefusal(null)} className="shrink-0 rounded px-1 text-rose-600 hover:bg-rose-100" aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
      <p className="sr-only" role="status">
        {announce}
      </p>
      <ErrorAlert error={error} />

      {tickets === null ? (
        <Loading label="Loading the board…" />
      ) : (
        <div className="-mx-4 overflow-x-auto px-4 pb-2 sm:mx-0 sm:px-0">
          <div className="grid min-w-[60rem] grid-cols-5 gap-3" data-testid="board">
            {STATUSES.map((s) => {
              const allowed = !!dragging && dragging.status !== s && NEXT_STATUSES[dragging.status].includes(s);
              return (
                <section
                  key={s}
                  data-testid={`column-${s}`}
                  aria-label={`${STATUS_LABEL[s]} column`}
                  onDragOver={(e) => {
                    if (!draggingRef.current) return;
                    e.preventDefault();
                    e.dataTransfer.dropEffect = 'move';
                    if (over !== s) setOver(s);
                  }}
                  onDragLeave={(e) => {
                    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver((o) => (o === s ? null : o));
                  }}
                  onDrop={(e) => onDrop(e, s)}
                  className={cx(
                    'flex min-h-[24rem] flex-col rounded-lg p-2 ring-1 transition-colors',
                    over === s ? (allowed ? 'bg-indigo-50 ring-2 ring-indigo-400' : 'bg-rose-50 ring-2 ring-rose-300') : allowed ? 'bg-indigo-50/40 ring-indigo-200 ring-dashed' : 'bg-slate-100/70 ring-slate-200',
                    dragging && !allowed && dragging.status !== s && over !== s && 'opacity-60',
                  )}
                >
                  <header className="mb-2 flex items-center justify-between px-1">
                    <h3 className="text-xs font-semibold tracking-wide text-slate-600 uppercase">{STATUS_LABEL[s]}</h3>
                    <span data-testid="column-count" className="rounded-full bg-white px-2 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-slate-200">
                      {columns[s].length + (unloaded[s] ?? 0)}
                      {cursors[s] && !unloaded[s] ? '+' : ''}
                    </span>
                  </header>
                  <ul className="flex flex-1 flex-col gap-2" data-testid="column-cards">
                    {columns[s].map((t) => (
                      <TicketCard
                        key={t.id}
                        ticket={t}
                        base={base}
                        people={people}
                        draggable={canWrite}
                        dragging={dragging?.id === t.id}
                        flash={flash.has(t.id)}
                        refused={refusal?.ticketId === t.id}
                        onDragStart={(e) => {
                          // A drag that starts on the title link carries the whole card (draggable=false on the
                          // link would keep Chromium from starting a drag there at all).
                          const el = e.currentTarget as HTMLElement;
                          const r = el.getBoundingClientRect();
                          e.dataTransfer.setDragImage(el, e.clientX - r.left, e.clientY - r.top);
                          e.dataTransfer.setData('application/x-mc-ticket', t.id);
                          e.dataTransfer.setData('text/plain', `#${t.number} ${t.title}`);
                          e.dataTransfer.effectAllowed = 'move';
                          setDragging(t);
                        }}
                        onDragEnd={() => {
                          setDragging(null);
                          setOver(null);
                        }}
                        onMove={canWrite ? (to) => void move(t, to) : undefined}
                      />
                    ))}
                    {columns[s].length === 0 && <li className="px-1 py-6 text-center text-xs text-slate-600">{filtered ? 'No matching tickets' : 'Nothing here'}</li>}
                  </ul>
                  {cursors[s] && (
                    <Button variant="ghost" size="sm" className="mt-2" onClick={() => void loadMore(s)}>
                      Load more
                    </Button>
                  )}
                </section>
              );
            })}
          </div>
        </div>
      )}

      {canWrite && (
        <NewTicketDialog
          open={creating}
          workspaceId={w.id}
          epics={epics}
          people={people}
          canAssign={canManage}
          onClose={() => setCreating(false)}
          onCreated={(t) => {
            put(t);
            setAnnounce(`Created #${t.number}.`);
          }}
          onEpicCreated={(e) => setEpics((list) => [...list, e])}
        />
      )}
    </div>
  );
}

function TicketCard({
  ticket: t,
  base,
  people,
  draggable,
  dragging,
  flash,
  refused,
  onDragStart,
  onDragEnd,
  onMove,
}: {
  ticket: Ticket;
  base: string;
  people: People;
  draggable: boolean;
  dragging: boolean;
  flash: boolean;
  refused: boolean;
  onDragStart(e: DragEvent): void;
  onDragEnd(): void;
  onMove?: (to: TicketStatus) => void;
}) {
  const holder = t.claimedBy ? (people.agentName(t.claimedBy) ?? 'an agent') : null;
  const assignee = people.assigneeName(t.assignee);
  const held = !!t.claimedBy && t.status === 'in_progress';
  return (
    <li
      data-testid="ticket-card"
      data-ticket-id={t.id}
      data-number={t.number}
      data-status={t.status}
      draggable={draggable}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      className={cx(
        'group relative rounded-md bg-white p-2.5 shadow-sm ring-1 transition',
        draggable && 'cursor-grab active:cursor-grabbing',
        dragging ? 'opacity-40' : '',
        refused ? 'ring-2 ring-rose-300' : flash ? 'ring-2 ring-emerald-300' : 'ring-slate-200 hover:ring-slate-300',
      )}
    >
      <div className="flex items-center justify-between gap-2">
        <div className="flex min-w-0 items-center gap-1.5">
          <span className="font-mono text-xs text-slate-500">#{t.number}</span>
          <PriorityBadge priority={t.priority} />
        </div>
        {onMove && <MoveMenu ticket={t} onMove={onMove} />}
      </div>
      <Link href={`${base}/tickets/${t.id}`} className="mt-1 block text-sm font-medium text-slate-900 hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-600" data-testid="ticket-title">
        {t.title}
      </Link>
      {t.labels.length > 0 && (
        <div className="mt-1.5 flex flex-wrap gap-1">
          {t.labels.map((l) => (
            <LabelChip key={l} label={l} />
          ))}
        </div>
      )}
      {(holder || assignee) && (
        <div className="mt-2 flex flex-wrap items-center justify-between gap-x-2 gap-y-1 text-xs text-slate-600">
          {holder && (
            <span data-testid="holder" title={held ? 'Holds the claim' : 'Worked on it'} className="inline-flex min-w-0 items-center gap-1">
              <span aria-hidden="true">🤖</span>
              <span className="truncate">{holder}</span>
            </span>
          )}
          {assignee && (
            <span data-testid="assignee" title="Assignee" className="inline-flex min-w-0 items-center gap-1 text-slate-500">
              <span aria-hidden="true">→</span>
              <span className="truncate">{assignee}</span>
            </span>
          )}
        </div>
      )}
      {held && (
        <div className="mt-1">
          <LeaseCountdown ticket={t} />
        </div>
      )}
    </li>
  );
}

/** The keyboard way to move a card: a small menu of the states this ticket may go to. */
function MoveMenu({ ticket, onMove }: { ticket: Ticket; onMove(to: TicketStatus): void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const targets = NEXT_STATUSES[ticket.status];

  useEffect(() => {
    if (!open) return;
    ref.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  if (targets.length === 0) return null;
  return (
    <div
      ref={ref}
      className="relative"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          setOpen(false);
          ref.current?.querySelector<HTMLButtonElement>('button')?.focus();
        }
        if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
          e.preventDefault();
          const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
          const i = items.indexOf(document.activeElement as HTMLButtonElement);
          items[(i + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length]?.focus();
        }
      }}
    >
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Move #${ticket.number} to…`}
        onClick={() => setOpen((o) => !o)}
        className="rounded px-1.5 py-0.5 text-xs font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        Move ▾
      </button>
      {open && (
        <div role="menu" aria-label={`Move #${ticket.number} to`} className="absolute right-0 z-10 mt-1 w-40 rounded-md bg-white py-1 shadow-lg ring-1 ring-slate-200">
          {targets.map((s) => (
            <button
              key={s}
              type="button"
              role="menuitem"
              onClick={() => {
                setOpen(false);
                onMove(s);
              }}
              className="block w-full px-3 py-1.5 text-left text-sm text-slate-700 hover:bg-indigo-50 focus:bg-indigo-50 focus:outline-none"
            >
              {STATUS_LABEL[s]}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

'use client';
// The board's tickets: one page per column with the server's filters, "Load more" per column, optimistic moves
// that roll back with the server's refusal, and the live event stream keeping it current.
import { TICKET_STATUS_VALUES } from '@mc/contracts/constants';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, apiList, qs, toApiError, type ApiError } from '@/src/ui/api';
import { STATUS_LABEL, isStatus } from '@/src/ui/ticket-status';
import { useLiveEvents, type LiveEvent } from '@/src/features/tickets/live-events';
import { explainMoveError } from '@/src/features/tickets/move-error';
import type { People } from '@/src/features/tickets/people';
import type { Ticket, TicketStatus } from '@/src/features/tickets/types';
import { isFiltered, type BoardFilters } from './board-filters';
import { columnOrder, columnSort } from './column-order';

/** Cards loaded per column and per "Load more". */
const PAGE = 100;

export interface Refusal {
  ticketId: string;
  text: string;
}

export function useBoard(workspaceId: string, filters: BoardFilters, people: People & { reload(): void }) {
  const [tickets, setTickets] = useState<Map<string, Ticket> | null>(null);
  const [cursors, setCursors] = useState<Partial<Record<TicketStatus, string | null>>>({});
  /** Tickets of a column that match but are not loaded yet (from meta.total), so its count stays true. */
  const [unloaded, setUnloaded] = useState<Partial<Record<TicketStatus, number>>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [announce, setAnnounce] = useState('');
  const [flash, setFlash] = useState<Set<string>>(new Set());
  const pending = useRef(new Set<string>());
  const loadSeq = useRef(0);
  const filtered = isFiltered(filters);

  const columnQuery = useCallback(
    (status: TicketStatus, cursor: string | null) =>
      `/tickets${qs({ workspaceId, status, limit: PAGE, sort: columnSort(status), assigneeId: filters.assignee, label: filters.label.trim(), epicId: filters.epic, q: filters.q.trim(), cursor })}`,
    [workspaceId, filters],
  );

  const loadAll = useCallback(async () => {
    const seq = ++loadSeq.current;
    try {
      const pages = await Promise.all(TICKET_STATUS_VALUES.map((s) => apiList<Ticket>(columnQuery(s, null))));
      if (seq !== loadSeq.current) return;
      const map = new Map<string, Ticket>();
      const next: Partial<Record<TicketStatus, string | null>> = {};
      const rest: Partial<Record<TicketStatus, number>> = {};
      pages.forEach((p, i) => {
        const s = TICKET_STATUS_VALUES[i];
        for (const t of p.items) map.set(t.id, t);
        next[s] = p.meta.nextCursor ?? null;
        rest[s] = p.meta.nextCursor && typeof p.meta.total === 'number' ? Math.max(0, p.meta.total - p.items.length) : 0;
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
      const old = cur?.get(t.id);
      if (!opts.force && old && old.version > t.version) return cur;
      return new Map(cur ?? []).set(t.id, t);
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

  const flashCard = useCallback((id: string) => {
    setFlash((s) => new Set(s).add(id));
    setTimeout(() => setFlash((s) => new Set([...s].filter((x) => x !== id))), 2000);
  }, []);

  const refreshTicket = useCallback(
    async (id: string) => {
      try {
        const t = await api<Ticket>('GET', `/tickets/${id}`);
        if (pending.current.has(id)) return; // the move in flight sets the final state
        put(t);
        flashCard(id);
      } catch (err) {
        if (toApiError(err).status === 404) remove(id);
      }
    },
    [put, remove, flashCard],
  );

  // With filters on, whether a changed ticket still belongs on the board is the server's filters' business: the
  // columns are asked again (once per burst of events). Without filters every ticket belongs: it is fetched alone.
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const reloadSoon = useCallback(() => {
    if (reloadTimer.current) clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(() => void loadAll(), 150);
  }, [loadAll]);
  useEffect(() => () => void (reloadTimer.current && clearTimeout(reloadTimer.current)), []);

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
          // Its moves from the new status are the server's to say: none until the fetched ticket brings them.
          return new Map(cur).set(id, { ...old, status, allowedMoves: [], ...(e.type === 'ticket.claimed' && e.agentId ? { claimedBy: e.agentId } : {}) });
        });
      }
      if (filtered) reloadSoon();
      else void refreshTicket(id);
    },
    [refreshTicket, reloadSoon, filtered, agentName, agents.length, reloadPeople],
  );
  const live = useLiveEvents(workspaceId, onEvent, () => void loadAll());

  async function move(t: Ticket, to: TicketStatus) {
    if (t.status === to || pending.current.has(t.id)) return;
    setRefusal(null);
    pending.current.add(t.id);
    put({ ...t, status: to, allowedMoves: [] }, { force: true });
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

  const columns = useMemo(() => {
    const by = Object.fromEntries(TICKET_STATUS_VALUES.map((s) => [s, [] as Ticket[]])) as Record<TicketStatus, Ticket[]>;
    for (const t of tickets?.values() ?? []) by[t.status].push(t);
    for (const s of TICKET_STATUS_VALUES) by[s].sort(columnOrder(s));
    return by;
  }, [tickets]);
  const knownLabels = useMemo(() => [...new Set([...(tickets?.values() ?? [])].flatMap((t) => t.labels))].sort(), [tickets]);

  return {
    loaded: tickets !== null,
    columns,
    get: (id: string) => tickets?.get(id),
    inFlight: (id: string) => pending.current.has(id),
    hasMore: (s: TicketStatus) => !!cursors[s],
    count: (s: TicketStatus) => `${columns[s].length + (unloaded[s] ?? 0)}${cursors[s] && !unloaded[s] ? '+' : ''}`,
    loadMore,
    knownLabels,
    error,
    refusal,
    dismissRefusal: () => setRefusal(null),
    announce,
    flash,
    live,
    move,
    created(t: Ticket) {
      if (filtered) void loadAll();
      else put(t);
      setAnnounce(`Created #${t.number}.`);
    },
  };
}

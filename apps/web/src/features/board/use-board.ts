'use client';
// The board's tickets: one paged list per column with the server's filters (so whether a ticket belongs on the
// board is always the server's answer), "Load more" per column, moves that show at once and roll back with the
// server's refusal, and the live stream refreshing the columns (a changed card flashes).
import { TICKET_STATUS_VALUES } from '@mc/contracts/constants';
import { useMutation, useQueryClient, type InfiniteData, type QueryKey } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { api, type ApiError, type Page } from '@/src/data/client';
import { useLiveEvents } from '@/src/data/live';
import { usePagedList, type PagedList, type PageParam } from '@/src/data/paging';
import { isStatus, STATUS_LABEL } from '@/src/ui/ticket-status';
import { explainMoveError } from '@/src/features/tickets/move-error';
import { ticketKeys, type TicketListQuery } from '@/src/features/tickets/queries';
import type { Ticket, TicketStatus } from '@/src/features/tickets/types';
import type { BoardFilters } from './board-filters';
import { columnOrder, columnSort } from './column-order';

/** Cards loaded per column and per "Load more". */
const PAGE = 100;
const FLASH_MS = 2000;

export interface Refusal {
  ticketId: string;
  text: string;
}

type Rows = InfiniteData<Page<Ticket>, PageParam>;

/** Change a column's cached rows (all loaded pages at once; the pages keep their sizes, the last takes the rest). */
function editRows(data: Rows | undefined, fn: (rows: Ticket[]) => Ticket[]): Rows | undefined {
  if (!data) return data;
  const all = fn(data.pages.flatMap((p) => p.items));
  let at = 0;
  const pages = data.pages.map((p, i) => {
    const items = all.slice(at, i === data.pages.length - 1 ? all.length : at + p.items.length);
    at += items.length;
    return { ...p, items };
  });
  return { ...data, pages };
}

export function useBoard(workspaceId: string, filters: BoardFilters) {
  const queryClient = useQueryClient();
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [announce, setAnnounce] = useState('');
  const [flash, setFlash] = useState<ReadonlySet<string>>(new Set());
  const inFlight = useRef(new Set<string>());

  const columnQuery = useCallback(
    (status: TicketStatus): TicketListQuery => ({
      workspaceId,
      status,
      limit: PAGE,
      sort: columnSort(status),
      assigneeId: filters.assignee || undefined,
      label: filters.label.trim() || undefined,
      epicId: filters.epic || undefined,
      q: filters.q.trim() || undefined,
      // The column header shows how many tickets it holds: counted on the first page (up to 10,000; ADR 0016).
      total: 'exact',
    }),
    [workspaceId, filters],
  );
  const keyOf = useCallback((status: TicketStatus): QueryKey => ticketKeys.list(workspaceId, columnQuery(status)), [workspaceId, columnQuery]);

  // One list per column. The statuses are a constant list, so the hooks run in the same order on every render.
  const lists = {} as Record<TicketStatus, PagedList<Ticket>>;
  for (const s of TICKET_STATUS_VALUES) {
    lists[s] = usePagedList<Ticket>(keyOf(s), (page, signal) => api.list('/tickets', { params: { query: { ...columnQuery(s), cursor: page.cursor } }, signal }));
  }

  /** Show `ticket` in the column of `to` at once (a move on its way, or one an event announces). */
  const relocate = useCallback(
    (ticket: Ticket, to: TicketStatus, patch: Partial<Ticket> = {}) => {
      const now = new Date().toISOString();
      // Where it may go from the new column is the server's to say: no moves until its answer.
      const moved: Ticket = { ...ticket, ...patch, status: to, allowedMoves: [], updatedAt: now, statusChangedAt: now };
      queryClient.setQueryData<Rows>(keyOf(ticket.status), (d) => editRows(d, (rows) => rows.filter((x) => x.id !== ticket.id)));
      queryClient.setQueryData<Rows>(keyOf(to), (d) => editRows(d, (rows) => [...rows.filter((x) => x.id !== ticket.id), moved].sort(columnOrder(to))));
    },
    [queryClient, keyOf],
  );

  // The stream refreshes the columns by itself; here a changed card flashes, and one the event says moved goes to
  // its new column before the refreshed columns arrive.
  const live = useLiveEvents(workspaceId, (e) => {
    const id = e.ticketId;
    if (!id || inFlight.current.has(id)) return;
    const shown = TICKET_STATUS_VALUES.flatMap((s) => queryClient.getQueryData<Rows>(keyOf(s))?.pages.flatMap((p) => p.items) ?? []).find((t) => t.id === id);
    if (shown && isStatus(e.status) && e.status !== shown.status) relocate(shown, e.status, e.type === 'ticket.claimed' && e.agentId ? { claimedBy: e.agentId } : {});
    setFlash((cur) => new Set(cur).add(id));
    setTimeout(() => setFlash((cur) => new Set([...cur].filter((x) => x !== id))), FLASH_MS);
  });

  const move = useMutation<Ticket, ApiError, { ticket: Ticket; to: TicketStatus }, { key: QueryKey; value: unknown }[]>({
    mutationFn: ({ ticket, to }) => api.patch('/tickets/{id}', { params: { path: { id: ticket.id } }, body: { status: to, version: ticket.version } }),
    onMutate: async ({ ticket, to }) => {
      setRefusal(null);
      inFlight.current.add(ticket.id);
      const from = keyOf(ticket.status);
      const into = keyOf(to);
      await Promise.all([queryClient.cancelQueries({ queryKey: from }), queryClient.cancelQueries({ queryKey: into })]);
      const snapshot = [from, into].map((key) => ({ key, value: queryClient.getQueryData(key) }));
      relocate(ticket, to);
      return snapshot;
    },
    onError: (error, { ticket, to }, snapshot) => {
      for (const s of snapshot ?? []) queryClient.setQueryData(s.key, s.value);
      setRefusal({ ticketId: ticket.id, text: explainMoveError(error, ticket, to) });
    },
    onSuccess: (updated, { ticket, to }) => {
      queryClient.setQueryData<Rows>(keyOf(to), (d) => editRows(d, (rows) => rows.map((x) => (x.id === updated.id ? updated : x))));
      setAnnounce(`Moved #${ticket.number} to ${STATUS_LABEL[to]}.`);
    },
    onSettled: async (_data, _error, { ticket, to }) => {
      inFlight.current.delete(ticket.id);
      await Promise.all([keyOf(ticket.status), keyOf(to)].map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
  });

  const columns = Object.fromEntries(TICKET_STATUS_VALUES.map((s) => [s, lists[s].items ?? []])) as Record<TicketStatus, Ticket[]>;
  const knownLabels = [...new Set(Object.values(columns).flatMap((ts) => ts.flatMap((t) => t.labels)))].sort();

  return {
    loaded: TICKET_STATUS_VALUES.every((s) => lists[s].items !== null),
    columns,
    error: TICKET_STATUS_VALUES.map((s) => lists[s].error).find(Boolean) ?? null,
    hasMore: (s: TicketStatus) => lists[s].hasMore,
    loadMore: (s: TicketStatus) => lists[s].loadMore(),
    /** The column's count: the server's total when it has more than is loaded. */
    count: (s: TicketStatus) => {
      const l = lists[s];
      if (!l.hasMore) return String(columns[s].length);
      return typeof l.total === 'number' ? String(Math.max(l.total, columns[s].length)) : `${columns[s].length}+`;
    },
    knownLabels,
    refusal,
    dismissRefusal: () => setRefusal(null),
    announce,
    setAnnounce,
    flash,
    live,
    inFlight: (id: string) => inFlight.current.has(id),
    move: (ticket: Ticket, to: TicketStatus) => {
      if (ticket.status === to || inFlight.current.has(ticket.id)) return;
      move.mutate({ ticket, to });
    },
  };
}

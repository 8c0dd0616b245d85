'use client';
// The tickets list's rows: the server's filters and sort, paged ("Load more"), kept current by the live stream.
import { api } from '@/src/data/client';
import { usePagedList } from '@/src/data/paging';
import { ticketKeys, type TicketListQuery } from '../queries';
import type { Ticket } from '../types';
import type { ListFilters } from './list-filters';

const PAGE = 50;

export function useTicketList(workspaceId: string, f: ListFilters) {
  const query: TicketListQuery = {
    workspaceId,
    limit: PAGE,
    sort: f.sort,
    status: f.status || undefined,
    priority: (f.priority || undefined) as TicketListQuery['priority'],
    assigneeId: f.assigneeId || undefined,
    label: f.label.trim() || undefined,
    epicId: f.epicId || undefined,
    q: f.q.trim() || undefined,
  };
  return usePagedList<Ticket>(ticketKeys.list(workspaceId, query), (page, signal) => api.list('/tickets', { params: { query: { ...query, cursor: page.cursor } }, signal }));
}

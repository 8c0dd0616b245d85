'use client';
// The workspace's activity log, filtered and paged by cursor ("Load more"); live events refresh it.
import { api } from '@/src/data/client';
import { wsKey } from '@/src/data/keys';
import { usePagedList } from '@/src/data/paging';
import { localDayToIso } from '@/src/ui/format';
import type { ActivityFilters } from './activity-filters';

const PAGE = 30;

export function useActivity(workspaceId: string, filters: ActivityFilters) {
  const query = {
    workspaceId,
    limit: PAGE,
    agentId: filters.agentId,
    status: filters.status,
    action: filters.action.trim(),
    q: filters.q.trim(),
    from: localDayToIso(filters.from, false),
    to: localDayToIso(filters.to, true),
  };
  return usePagedList(wsKey(workspaceId, 'activity', 'list', query), (page, signal) => api.list('/activity', { params: { query: { ...query, ...page } }, signal }));
}

/** Everything recorded about one target (an agent, a ticket…), newest first. */
export function useTargetHistory(workspaceId: string, targetId: string) {
  const query = { workspaceId, targetId, limit: 100 };
  return usePagedList(wsKey(workspaceId, 'activity', 'list', query), (page, signal) => api.list('/activity', { params: { query: { ...query, ...page } }, signal }));
}

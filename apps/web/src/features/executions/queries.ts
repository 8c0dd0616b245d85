'use client';
// The workspace's executions: the filtered, sorted list ("Load more" by cursor), one execution, and the price
// version a computed cost used. Live events (execution.*) refresh them; a run in flight is also polled, since it
// reports usage as it goes without an event.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError, type Schemas } from '@/src/data/client';
import { globalKey, wsKey } from '@/src/data/keys';
import { usePagedList } from '@/src/data/paging';
import { localDayToIso } from '@/src/ui/format';
import type { ExecutionFilters } from './execution-filters';

export type Execution = Schemas['Execution'];

const PAGE = 30;
const RUNNING_POLL_MS = 5000;

/** The executions matching `filters` (local days, as the form holds them), sorted as `sort` says. */
export function useExecutions(workspaceId: string, filters: ExecutionFilters, sort: string | undefined) {
  const query = {
    workspaceId,
    limit: PAGE,
    sort,
    agentId: filters.agentId,
    status: filters.status,
    model: filters.model.trim(),
    q: filters.q.trim(),
    from: localDayToIso(filters.from, false),
    to: localDayToIso(filters.to, true),
  };
  // Poll while a run on screen is still going (it reports tokens and cost as it goes).
  const [running, setRunning] = useState(false);
  const list = usePagedList(wsKey(workspaceId, 'executions', 'list', query), (page, signal) => api.list('/executions', { params: { query: { ...query, ...page } }, signal }), {
    refetchInterval: running ? RUNNING_POLL_MS : false,
  });
  const anyRunning = !!list.items?.some((e) => e.status === 'running');
  useEffect(() => setRunning(anyRunning), [anyRunning]);
  return list;
}

/** One execution of this workspace (one of another workspace is "not found" here); polled while it runs. */
export function useExecution(workspaceId: string, id: string) {
  return useQuery({
    queryKey: wsKey(workspaceId, 'executions', 'one', id),
    queryFn: async ({ signal }) => {
      const e = await api.get('/executions/{id}', { params: { path: { id } }, signal });
      if (e.workspaceId !== workspaceId) throw new ApiError(404, 'NOT_FOUND', 'execution not found');
      return e;
    },
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 4000 : false),
  });
}

/** The price version a computed cost used (the price table is public to every signed-in user). */
export function usePriceVersion(model: string | null, priceId: string | null) {
  return useQuery({
    queryKey: globalKey('model-prices', 'list', { model }),
    queryFn: ({ signal }) => api.list('/model-prices', { params: { query: { model: model!, limit: 100 } }, signal }).then((p) => p.items),
    enabled: !!model && !!priceId,
    select: (items) => items.find((p) => p.id === priceId) ?? null,
  });
}

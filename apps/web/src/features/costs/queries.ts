'use client';
// What the workspace spends: this month's budget standing, and the cost breakdown of a range of UTC days. Live
// events (execution.finished, budget.threshold_reached) refresh both; a slow poll catches the rest.
import { useQuery } from '@tanstack/react-query';
import { api } from '@/src/data/client';
import { wsKey } from '@/src/data/keys';
import type { DayRange } from './date-range';

const POLL_MS = 30_000;

export function useBudgetStatus(workspaceId: string) {
  return useQuery({
    queryKey: wsKey(workspaceId, 'budget', 'one'),
    queryFn: ({ signal }) => api.get('/workspaces/{id}/budget', { params: { path: { id: workspaceId } }, signal }),
    refetchInterval: POLL_MS,
  });
}

export function useCostBreakdown(workspaceId: string, range: DayRange) {
  return useQuery({
    queryKey: wsKey(workspaceId, 'costs', 'one', range),
    queryFn: ({ signal }) => api.get('/workspaces/{id}/costs', { params: { path: { id: workspaceId }, query: { from: range.from, to: range.to } }, signal }),
    refetchInterval: POLL_MS,
  });
}

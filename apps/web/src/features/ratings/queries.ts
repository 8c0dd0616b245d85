'use client';
// Good / bad ratings of a ticket's or an execution's work: the counts with the caller's own rating, and rating or
// taking a rating back.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '@/src/data/client';
import { wsKey } from '@/src/data/keys';
import { useApiMutation } from '@/src/data/mutations';

export type RatingSummary = Schemas['RatingSummary'];
export type RatingValue = Schemas['RatingValue'];
/** What is rated: a ticket's work or one execution's. */
export interface RatingTarget {
  kind: 'tickets' | 'executions';
  id: string;
}

const ratingKey = (workspaceId: string, t: RatingTarget) => wsKey(workspaceId, 'ratings', 'one', t.kind, t.id);

function readRating(t: RatingTarget, signal?: AbortSignal): Promise<RatingSummary> {
  const params = { path: { id: t.id } };
  return t.kind === 'tickets' ? api.get('/tickets/{id}/rating', { params, signal }) : api.get('/executions/{id}/rating', { params, signal });
}

export function useRating(workspaceId: string, target: RatingTarget) {
  return useQuery({ queryKey: ratingKey(workspaceId, target), queryFn: ({ signal }) => readRating(target, signal) });
}

/**
 * Rate `value`, or take the rating back when it is already yours (`retract`). POST answers the rating itself and
 * DELETE nothing, so the counts are read again and cached; the agents' and workspace's metrics are re-read too.
 */
export function useRate(workspaceId: string, target: RatingTarget) {
  const queryClient = useQueryClient();
  const params = { path: { id: target.id } };
  return useApiMutation({
    mutationFn: async ({ value, retract }: { value: RatingValue; retract: boolean }) => {
      if (target.kind === 'tickets') {
        if (retract) await api.delete('/tickets/{id}/rating', { params });
        else await api.post('/tickets/{id}/rating', { params, body: { rating: value } });
      } else if (retract) await api.delete('/executions/{id}/rating', { params });
      else await api.post('/executions/{id}/rating', { params, body: { rating: value } });
      return readRating(target);
    },
    onSuccess: (summary) => {
      queryClient.setQueryData(ratingKey(workspaceId, target), summary);
    },
    invalidate: [wsKey(workspaceId, 'agents'), wsKey(workspaceId, 'metrics')],
  });
}

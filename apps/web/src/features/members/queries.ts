'use client';
// The workspace's members; member.* live events refresh them.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '@/src/data/client';
import { wsKey } from '@/src/data/keys';
import type { Member } from '@/src/ui/types';

export function useMembers(workspaceId: string) {
  return useQuery({
    queryKey: wsKey(workspaceId, 'members', 'list'),
    queryFn: ({ signal }) => api.list('/workspaces/{id}/members', { params: { path: { id: workspaceId } }, signal }).then((p) => p.items as Member[]),
  });
}

/** A member as the API answered a change: into the cached list at once, then the list and invitations are re-read. */
export function useMemberChanged(workspaceId: string) {
  const queryClient = useQueryClient();
  return useCallback(
    (member?: Member) => {
      if (member) queryClient.setQueryData<Member[]>(wsKey(workspaceId, 'members', 'list'), (list) => list?.map((x) => (x.userId === member.userId ? member : x)));
      void queryClient.invalidateQueries({ queryKey: wsKey(workspaceId, 'members') });
      void queryClient.invalidateQueries({ queryKey: wsKey(workspaceId, 'invitations') });
    },
    [queryClient, workspaceId],
  );
}

'use client';
// The workspace overview's reads: its members and its five latest activity entries (live through the workspace's
// event stream: members.* and every activity-producing event refresh them).
import { useQuery } from '@tanstack/react-query';
import { api } from '@/src/data/client';
import { wsKey } from '@/src/data/keys';

export function useMembers(workspaceId: string) {
  return useQuery({
    queryKey: wsKey(workspaceId, 'members', 'list'),
    queryFn: ({ signal }) => api.list('/workspaces/{id}/members', { params: { path: { id: workspaceId } }, signal }).then((p) => p.items),
  });
}

export function useRecentActivity(workspaceId: string, limit = 5) {
  return useQuery({
    queryKey: wsKey(workspaceId, 'activity', 'list', { limit }),
    queryFn: ({ signal }) => api.list('/activity', { params: { query: { workspaceId, limit } }, signal }).then((p) => p.items),
  });
}

'use client';
// A workspace's OpenClaw gateways: the list (polled every 5 s while the page is visible: live state is written by the
// process that holds each connection, without a live event), and what a write refreshes.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '@/src/data/client';
import { wsKey } from '@/src/data/keys';
import type { Gateway } from './gateway-parts';

const POLL_MS = 5000;
/** A workspace has a handful of gateways; the list says so if there are more. */
export const GATEWAY_PAGE = 200;

export function useGateways(workspaceId: string) {
  return useQuery({
    queryKey: wsKey(workspaceId, 'gateways', 'list'),
    queryFn: ({ signal }) => api.list('/gateways', { params: { query: { workspaceId, limit: GATEWAY_PAGE, sort: 'name' } }, signal }).then((p) => p.items as Gateway[]),
    refetchInterval: POLL_MS,
  });
}

/** After a write: the gateways, and the agents (a link or "add as agent" changes them). */
export function useGatewaysChanged(workspaceId: string) {
  const queryClient = useQueryClient();
  return useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: wsKey(workspaceId, 'gateways') });
    void queryClient.invalidateQueries({ queryKey: wsKey(workspaceId, 'agents') });
  }, [queryClient, workspaceId]);
}

'use client';
// A workspace's agents: every one of them for the agents page (polled every 5 s while the page is visible, and
// refreshed by the agent.* and ticket.* live events), one agent, and an agent's scorecard metrics.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, ApiError } from '@/src/data/client';
import { wsKey } from '@/src/data/keys';
import type { Agent } from '@/src/ui/agents';
import type { MetricsPeriod } from '@/src/ui/types';

const POLL_MS = 5000;
export const AGENT_PAGE = 200;
/** Enough for any workspace a person manages by eye; the list says so if there are more. */
export const AGENT_MAX_PAGES = 5;

/** Every agent of the workspace by name (up to AGENT_PAGE × AGENT_MAX_PAGES), and whether there were more. */
export function useAgentList(workspaceId: string) {
  return useQuery({
    queryKey: wsKey(workspaceId, 'agents', 'list', { all: true }),
    queryFn: async ({ signal }) => {
      const all: Agent[] = [];
      let total = 0;
      for (let page = 0; page < AGENT_MAX_PAGES; page++) {
        const { items, meta } = await api.list('/agents', { params: { query: { workspaceId, limit: AGENT_PAGE, offset: page * AGENT_PAGE, sort: 'name' } }, signal });
        all.push(...(items as Agent[]));
        total = meta.total ?? all.length;
        if (items.length < AGENT_PAGE || all.length >= total) break;
      }
      return { agents: all, truncated: all.length < total };
    },
    refetchInterval: POLL_MS,
  });
}

/** One agent of this workspace (one of another workspace is "not found" under this one's URL); polled. */
export function useAgent(workspaceId: string, agentId: string, poll = true) {
  return useQuery({
    queryKey: wsKey(workspaceId, 'agents', 'one', agentId),
    queryFn: async ({ signal }) => {
      const a = (await api.get('/agents/{id}', { params: { path: { id: agentId } }, signal })) as Agent;
      if (a.workspaceId !== workspaceId) throw new ApiError(404, 'NOT_FOUND', 'agent not found');
      return a;
    },
    refetchInterval: poll ? POLL_MS : false,
  });
}

export function useAgentMetrics(workspaceId: string, agentId: string, period: MetricsPeriod) {
  return useQuery({
    queryKey: wsKey(workspaceId, 'metrics', 'one', 'agent', agentId, period),
    queryFn: ({ signal }) => api.get('/agents/{id}/metrics', { params: { path: { id: agentId }, query: { period } }, signal }),
  });
}

/**
 * After a manager's action on an agent: put the agent as the API answered it into the cached list and the agent's
 * own query at once, then re-read the workspace's agents and activity.
 */
export function useAgentChanged(workspaceId: string) {
  const queryClient = useQueryClient();
  return useCallback(
    (agent: Agent, removed = false) => {
      // A poll that started before the change must not put the old state back.
      void queryClient.cancelQueries({ queryKey: wsKey(workspaceId, 'agents') });
      queryClient.setQueryData<{ agents: Agent[]; truncated: boolean }>(wsKey(workspaceId, 'agents', 'list', { all: true }), (old) =>
        old ? { ...old, agents: removed ? old.agents.filter((a) => a.id !== agent.id) : old.agents.map((a) => (a.id === agent.id ? agent : a)) } : old,
      );
      if (!removed) queryClient.setQueryData(wsKey(workspaceId, 'agents', 'one', agent.id), agent);
      void queryClient.invalidateQueries({ queryKey: wsKey(workspaceId, 'agents') });
      void queryClient.invalidateQueries({ queryKey: wsKey(workspaceId, 'activity') });
    },
    [queryClient, workspaceId],
  );
}

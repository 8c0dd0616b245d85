'use client';
// The people around tickets: the workspace's agents (holders, assignees, @mentions, filters) and members.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { listAgentsByStatus } from '@/src/ui/agents';
import { ApiError, apiList } from '@/src/ui/api';
import type { Member } from '@/src/ui/types';
import type { AgentInfo, Ticket } from './types';

export interface People {
  /** Active and deactivated agents (names of holders and assignees, filters, @mentions). */
  agents: AgentInfo[];
  /** The agents a ticket can be given to now: active ones only. */
  activeAgents: AgentInfo[];
  members: Member[];
  agentName(id: string | null | undefined): string | null;
  memberName(id: string | null | undefined): string | null;
  /** Who a ticket is assigned to, by name. */
  assigneeName(a: Ticket['assignee']): string | null;
}

/**
 * The workspace's agents (for names of holders and assignees, @mentions, filters and the assignee pickers) and
 * members; refreshed on demand. Pending and rejected agents are left out by the server's status filter.
 */
export function usePeople(workspaceId: string): People & { reload(): void; error: ApiError | null } {
  const [agents, setAgents] = useState<AgentInfo[]>([]);
  const [members, setMembers] = useState<Member[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    Promise.all([
      listAgentsByStatus(workspaceId).catch((e: unknown) => (e instanceof ApiError && e.status === 403 ? ([] as AgentInfo[]) : Promise.reject(e))),
      apiList<Member>(`/workspaces/${workspaceId}/members`),
    ])
      .then(([a, m]) => {
        if (!live) return;
        setAgents(a);
        setMembers(m.items);
        setError(null);
      })
      .catch((e: unknown) => live && setError(e instanceof ApiError ? e : null));
    return () => {
      live = false;
    };
  }, [workspaceId, tick]);

  const agentName = useCallback((id: string | null | undefined) => (id ? (agents.find((a) => a.id === id)?.name ?? null) : null), [agents]);
  const memberName = useCallback((id: string | null | undefined) => (id ? (members.find((m) => m.userId === id)?.name ?? null) : null), [members]);
  const assigneeName = useCallback(
    (a: Ticket['assignee']) => (!a ? null : a.kind === 'agent' ? (agentName(a.id) ?? 'an agent') : (memberName(a.id) ?? 'a member')),
    [agentName, memberName],
  );
  const activeAgents = useMemo(() => agents.filter((a) => a.status === 'active'), [agents]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { agents, activeAgents, members, agentName, memberName, assigneeName, reload, error };
}

/** A member's @handle: the local part of their e-mail, lower-cased (as the API resolves mentions). */
export function memberHandle(m: Pick<Member, 'email'>): string {
  return m.email.split('@')[0].toLowerCase();
}

'use client';
// The people around tickets: the workspace's agents (holders, assignees, @mentions, filters) and members, by name.
import { useCallback, useMemo } from 'react';
import { useWorkspaceAgents, useWorkspaceMembers } from './queries';
import type { AgentInfo, Member, Ticket } from './types';

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

const NONE: never[] = [];

/** Kept current by the live stream (agent and member events refresh these queries). */
export function usePeople(workspaceId: string): People {
  const agents = useWorkspaceAgents(workspaceId).data ?? NONE;
  const members = useWorkspaceMembers(workspaceId).data ?? NONE;
  const agentName = useCallback((id: string | null | undefined) => (id ? (agents.find((a) => a.id === id)?.name ?? null) : null), [agents]);
  const memberName = useCallback((id: string | null | undefined) => (id ? (members.find((m) => m.userId === id)?.name ?? null) : null), [members]);
  const assigneeName = useCallback(
    (a: Ticket['assignee']) => (!a ? null : a.kind === 'agent' ? (agentName(a.id) ?? 'an agent') : (memberName(a.id) ?? 'a member')),
    [agentName, memberName],
  );
  const activeAgents = useMemo(() => agents.filter((a) => a.status === 'active'), [agents]);
  return useMemo(() => ({ agents, activeAgents, members, agentName, memberName, assigneeName }), [agents, activeAgents, members, agentName, memberName, assigneeName]);
}

/** A member's @handle: the local part of their e-mail, lower-cased (as the API resolves mentions). */
export function memberHandle(m: Pick<Member, 'email'>): string {
  return m.email.split('@')[0].toLowerCase();
}

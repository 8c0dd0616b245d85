'use client';
// Tickets in the dashboard: response types (from the contracts, as types only), status and priority wording, the
// explanation of a refused move, the people who can hold or be assigned a ticket, and the live event stream.
import type { ZAgent, ZComment, ZEpic, ZPullRequestLink, ZTicket } from '@mc/contracts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { z } from 'zod';
import { listAgentsByStatus } from './agents';
import { ApiError, apiList } from './api';
import { useLiveEvents as useWorkspaceLiveEvents, type LiveEvent, type LiveState } from '../data/live';
import { STATUSES, STATUS_LABEL, isStatus, type TicketStatus } from './ticket-status';
import type { Member } from './types';

export { STATUSES, STATUS_LABEL, isStatus, type TicketStatus };

export type Ticket = z.infer<typeof ZTicket>;
export type TicketPriority = Ticket['priority'];
export type Comment = z.infer<typeof ZComment>;
export type Epic = z.infer<typeof ZEpic>;
export type PullRequestLink = z.infer<typeof ZPullRequestLink>;
export type AgentInfo = z.infer<typeof ZAgent>;

export const STATUS_TONE: Record<TicketStatus, 'slate' | 'sky' | 'amber' | 'emerald' | 'indigo'> = {
  todo: 'slate',
  in_progress: 'sky',
  pr_review: 'amber',
  done: 'emerald',
  closed: 'indigo',
};

export const PRIORITIES: readonly TicketPriority[] = ['urgent', 'high', 'medium', 'low'];
export const PRIORITY_LABEL: Record<TicketPriority, string> = { urgent: 'Urgent', high: 'High', medium: 'Medium', low: 'Low' };
export const PRIORITY_TONE: Record<TicketPriority, 'rose' | 'amber' | 'sky' | 'slate'> = { urgent: 'rose', high: 'amber', medium: 'sky', low: 'slate' };

/**
 * A hint of the state machine (packages/core/src/tickets/tickets.rules.ts) for planning controls only: which
 * columns light up while dragging and which move buttons a ticket page offers. The API decides every move; a
 * refusal it sends is shown as it is.
 */
export const NEXT_STATUSES: Record<TicketStatus, readonly TicketStatus[]> = {
  todo: ['in_progress', 'closed'],
  in_progress: ['pr_review', 'todo', 'closed'],
  pr_review: ['done', 'in_progress', 'closed'],
  done: ['closed'],
  closed: [],
};

/** Why a move did not happen, in one sentence a person can act on. */
export function explainMoveError(err: ApiError, ticket: Pick<Ticket, 'number' | 'status'>, to: TicketStatus): string {
  const head = `Can't move #${ticket.number} from ${STATUS_LABEL[ticket.status]} to ${STATUS_LABEL[to]}`;
  if (err.code === 'INVALID_TRANSITION') {
    const allowed = Array.isArray(err.details?.allowed) ? (err.details.allowed as unknown[]).filter(isStatus) : [];
    return allowed.length ? `${head} — allowed: ${allowed.map((s) => STATUS_LABEL[s]).join(', ')}.` : `${head} — it cannot move anywhere from ${STATUS_LABEL[ticket.status]}.`;
  }
  if (err.code === 'CONFLICT' && err.details?.reason === 'stale_version') return `${head} — it changed meanwhile; the board now shows its latest state. Try again.`;
  if (err.code === 'FORBIDDEN' || err.code === 'CONFLICT') return `${head} — ${sentence(err.message)}`;
  if (err.code === 'NOT_FOUND') return `#${ticket.number} no longer exists or you can no longer see it.`;
  return `${head} — ${sentence(err.message)}`;
}

function sentence(message: string): string {
  const m = message.trim();
  return m.endsWith('.') ? m : `${m}.`;
}

/** Comma- or newline-separated text → unique, trimmed, non-empty values. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean))];
}

// ---------------------------------------------------------------------------------------------------- people

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

// ---------------------------------------------------------------------------------------------------- live

export type { LiveEvent, LiveState } from '../data/live';

/**
 * @deprecated Transitional adapter over `useLiveEvents` (src/data/live.ts) for pages not yet on TanStack Query:
 * `onEvent` gets each ticket/comment event, `onResync` a `resync` (also sent when the stream comes back after a
 * break: events in between may be missing).
 */
export function useLiveEvents(workspaceId: string, onEvent: (e: LiveEvent) => void, onResync?: () => void): LiveState {
  const handlers = useRef({ onEvent, onResync });
  handlers.current = { onEvent, onResync };
  return useWorkspaceLiveEvents(
    workspaceId,
    useCallback((e: LiveEvent) => {
      if (e.type === 'resync') handlers.current.onResync?.();
      else if (e.type.startsWith('ticket.') || e.type.startsWith('comment.')) handlers.current.onEvent(e);
    }, []),
  );
}

/** Ticks every `ms` while mounted, for countdowns. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** "9:41" left until `iso`, or null when it has passed. */
export function countdown(iso: string | null | undefined, now: number): string | null {
  if (!iso) return null;
  const left = Math.floor((new Date(iso).getTime() - now) / 1000);
  if (left <= 0) return null;
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

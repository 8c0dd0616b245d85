'use client';
// Agents in the dashboard: their shapes (types only from the contracts), the lists pickers and filters offer, and
// status and liveness badges. The manager's actions live in features/agents/agent-actions.tsx.
import type { ZAgent, ZApprovedAgent, ZRotatedKey } from '@mc/contracts';
import type { z } from 'zod';
import { api } from '../data/client';
import { Badge, cx, relativeTime } from './components';

export type Agent = z.infer<typeof ZAgent>;
export type ApprovedAgent = z.infer<typeof ZApprovedAgent>;
export type RotatedKey = z.infer<typeof ZRotatedKey>;
export type AgentStatus = Agent['status'];
export type AgentLiveness = Agent['liveness'];

// ---------------------------------------------------------------------------------------------------- lists

/** The agents who can appear in a workspace's work: active ones, and deactivated ones whose history stays. */
export const WORKING_AGENT_STATUSES = ['active', 'deactivated'] as const;

/**
 * A workspace's agents in the given statuses, by name, asked of the server with its `status` filter (one request
 * per status). Pending and rejected agents never worked in the workspace: pickers and filters do not offer them.
 */
export async function listAgentsByStatus(workspaceId: string, statuses: readonly Exclude<AgentStatus, 'deleted'>[] = WORKING_AGENT_STATUSES, signal?: AbortSignal): Promise<Agent[]> {
  const pages = await Promise.all(statuses.map((status) => api.list('/agents', { params: { query: { workspaceId, status, limit: 200, sort: 'name' } }, signal })));
  return pages.flatMap((p) => p.items as Agent[]).sort((a, b) => a.name.localeCompare(b.name));
}

/** How an agent is named in a filter or picker: a deactivated one says so. */
export function agentOptionLabel(a: { name: string; status: string }): string {
  return a.status === 'active' ? a.name : `${a.name} (${a.status})`;
}

// ---------------------------------------------------------------------------------------------------- display

const STATUS: Record<AgentStatus, { label: string; tone: 'emerald' | 'slate' | 'rose' | 'amber' }> = {
  pending: { label: 'Pending', tone: 'amber' },
  active: { label: 'Active', tone: 'emerald' },
  deactivated: { label: 'Deactivated', tone: 'slate' },
  rejected: { label: 'Rejected', tone: 'rose' },
  deleted: { label: 'Deleted', tone: 'slate' },
};

export function AgentStatusBadge({ status }: { status: AgentStatus }) {
  const s = STATUS[status];
  return (
    <span data-testid="agent-status" data-status={status}>
      <Badge tone={s.tone}>{s.label}</Badge>
    </span>
  );
}

const LIVENESS: Record<AgentLiveness, { label: string; dot: string; text: string; hint: string }> = {
  online: { label: 'Online', dot: 'bg-emerald-500', text: 'text-emerald-700', hint: 'Seen within the last 2 minutes' },
  idle: { label: 'Idle', dot: 'bg-amber-400', text: 'text-amber-700', hint: 'Seen within the last 15 minutes' },
  offline: { label: 'Offline', dot: 'bg-slate-300', text: 'text-slate-500', hint: 'Not seen for 15 minutes or more' },
};

/** A time relative to `now` (so that it ages on screen), with the absolute time on hover. */
export function RelativeTime({ iso, now, className }: { iso: string; now: number; className?: string }) {
  const d = new Date(iso);
  return (
    <time dateTime={iso} title={`${d.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'medium' })} (${d.toISOString()})`} className={className}>
      {relativeTime(iso, now)}
    </time>
  );
}

/** Online/idle/offline with a colored dot and "last seen …". */
export function Liveness({ agent, now, compact = false }: { agent: Agent; now: number; compact?: boolean }) {
  const l = LIVENESS[agent.liveness];
  const neverActive = agent.status === 'pending' || agent.status === 'rejected';
  return (
    <span className="inline-flex flex-col gap-0.5" data-testid="agent-liveness" data-liveness={agent.liveness}>
      <span className={cx('inline-flex items-center gap-1.5 text-sm font-medium', l.text)} title={agent.status === 'active' ? l.hint : 'Only active agents can be online'}>
        <span className={cx('h-2.5 w-2.5 shrink-0 rounded-full', l.dot, agent.liveness === 'online' && 'ring-4 ring-emerald-100')} aria-hidden="true" />
        {l.label}
      </span>
      {!(compact && neverActive) && (
        <span className="text-xs text-slate-500" data-testid="agent-last-seen">
          {agent.lastSeenAt ? (
            <>
              last seen <RelativeTime iso={agent.lastSeenAt} now={now} />
            </>
          ) : neverActive ? (
            'not active yet'
          ) : (
            'never seen'
          )}
        </span>
      )}
    </span>
  );
}

export function Capabilities({ list, empty = '—' }: { list: string[]; empty?: string }) {
  if (list.length === 0) return <span className="text-xs text-slate-500">{empty}</span>;
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Capabilities">
      {list.map((c) => (
        <li key={c} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700 ring-1 ring-slate-200 ring-inset">
          {c}
        </li>
      ))}
    </ul>
  );
}

export function Endpoint({ url }: { url: string | null }) {
  if (!url) return <span className="text-xs text-slate-500">No endpoint (polls)</span>;
  return (
    <span className="block max-w-[14rem] truncate font-mono text-xs text-slate-600" title={url}>
      {url}
    </span>
  );
}

export const KEY_DELIVERY_TEXT: Record<string, string> = {
  endpoint_callback: "Key delivered to the agent's endpoint.",
  registration_poll: 'The agent will fetch its key with its registration secret.',
};

'use client';
// Pieces shared by the execution list, the execution page, the ticket page and the costs pages: the execution's
// status and cost badges, the decision timeline and the workspace's agents by name (the rating buttons are in
// features/ratings).
import { EXECUTION_STATUS_VALUES } from '@mc/contracts/constants';
import Link from 'next/link';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { api } from '../data/client';
import { wsKey } from '../data/keys';
import { usePagedList } from '../data/paging';
import { WORKING_AGENT_STATUSES, listAgentsByStatus } from './agents';
import { Badge, Button, ErrorAlert, Loading, Time, cx } from './components';
import { formatDuration, formatInt, formatUsd } from './format';
import { Markdown } from './markdown';
import type { Execution, ExecutionStatus } from './types';

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = EXECUTION_STATUS_VALUES;
export const EXECUTION_STATUS_LABEL: Record<ExecutionStatus, string> = { running: 'Running', success: 'Success', failed: 'Failed', blocked: 'Blocked' };
const EXECUTION_STATUS_TONE: Record<ExecutionStatus, 'sky' | 'emerald' | 'rose' | 'amber'> = { running: 'sky', success: 'emerald', failed: 'rose', blocked: 'amber' };

export function ExecutionStatusBadge({ status }: { status: ExecutionStatus }) {
  return (
    <Badge tone={EXECUTION_STATUS_TONE[status] ?? 'slate'}>
      {status === 'running' && <span className="mr-1 h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" aria-hidden="true" />}
      <span data-testid="execution-status">{EXECUTION_STATUS_LABEL[status] ?? status}</span>
    </Badge>
  );
}

/** Any outcome the activity log records: an execution's or a ticket's status. */
const OUTCOME_TONE: Record<string, 'sky' | 'emerald' | 'rose' | 'amber' | 'slate' | 'indigo'> = {
  running: 'sky',
  success: 'emerald',
  failed: 'rose',
  blocked: 'amber',
  todo: 'slate',
  in_progress: 'sky',
  pr_review: 'amber',
  done: 'emerald',
  closed: 'slate',
  active: 'emerald',
  pending: 'amber',
  rejected: 'rose',
  deactivated: 'slate',
  deleted: 'slate',
  warning: 'amber',
  exceeded: 'rose',
};
const OUTCOME_LABEL: Record<string, string> = { in_progress: 'In progress', pr_review: 'PR review', todo: 'To-do' };

export function OutcomeBadge({ status }: { status: string }) {
  const label = OUTCOME_LABEL[status] ?? status.charAt(0).toUpperCase() + status.slice(1).replace(/_/g, ' ');
  return (
    <Badge tone={OUTCOME_TONE[status] ?? 'slate'} title={`Status: ${label}`}>
      <span data-testid="activity-status">{label}</span>
    </Badge>
  );
}

export const COST_SOURCE_TEXT: Record<string, { label: string; title: string }> = {
  reported: { label: 'reported', title: 'Reported by the agent itself' },
  computed: { label: 'computed', title: "Computed from the model's price per million tokens" },
  unpriced: { label: 'unpriced', title: 'No price known for this model: the cost counts as $0 until an admin adds a price' },
};

/** A cost with where it came from. */
export function CostValue({ execution: e, className }: { execution: Pick<Execution, 'costUsd' | 'costSource' | 'status'>; className?: string }) {
  const source = e.costSource ? COST_SOURCE_TEXT[e.costSource] : null;
  return (
    <span className={cx('inline-flex items-baseline gap-1.5 whitespace-nowrap', className)}>
      <span className="tabular-nums" data-testid="execution-cost">
        {e.costUsd === null || e.costUsd === undefined ? (e.status === 'running' ? '…' : '—') : formatUsd(e.costUsd)}
      </span>
      {source && (
        <span
          title={source.title}
          className={cx('rounded px-1 text-[10px] font-semibold tracking-wide uppercase', e.costSource === 'unpriced' ? 'bg-amber-50 text-amber-800' : 'bg-slate-100 text-slate-600')}
          data-testid="cost-source"
        >
          {source.label}
        </span>
      )}
    </span>
  );
}

export function Tokens({ tokensIn, tokensOut }: { tokensIn: number; tokensOut: number }) {
  return (
    <span className="tabular-nums whitespace-nowrap" title={`${formatInt(tokensIn)} in, ${formatInt(tokensOut)} out`}>
      {formatInt(tokensIn)} <span className="text-slate-500">/</span> {formatInt(tokensOut)}
    </span>
  );
}

// ---------------------------------------------------------------------------------------------------- agents

export interface AgentName {
  id: string;
  name: string;
  status: string;
}

/**
 * The workspace's agents that can have history here (active and deactivated, asked of the server by status), for
 * agent filters and for names.
 */
export function useAgentNames(workspaceId: string): { agents: AgentName[]; nameOf: (id: string | null | undefined) => string | null } {
  const q = useQuery({
    queryKey: wsKey(workspaceId, 'agents', 'list', { statuses: WORKING_AGENT_STATUSES }),
    queryFn: ({ signal }) => listAgentsByStatus(workspaceId, WORKING_AGENT_STATUSES, signal),
  });
  const agents = useMemo(() => q.data ?? [], [q.data]);
  const nameOf = useCallback((id: string | null | undefined) => (id ? (agents.find((a) => a.id === id)?.name ?? null) : null), [agents]);
  return { agents, nameOf };
}

// ---------------------------------------------------------------------------------------------------- decisions

/** One step's input → reasoning → output, each part folded when long. */
export function DecisionTimeline({ decisions }: { decisions: Execution['decisions'] }) {
  if (!decisions.length) return <p className="text-sm text-slate-500">The agent reported no decisions for this run.</p>;
  return (
    <ol className="space-y-5" data-testid="decision-timeline">
      {decisions.map((d, i) => (
        <li key={i} className="relative pl-10">
          <span
            aria-hidden="true"
            className="absolute top-0 left-0 flex h-7 w-7 items-center justify-center rounded-full bg-indigo-50 text-xs font-semibold text-indigo-700 ring-1 ring-indigo-200"
          >
            {i + 1}
          </span>
          {i < decisions.length - 1 && <span aria-hidden="true" className="absolute top-8 bottom-[-1.25rem] left-3.5 w-px bg-slate-200" />}
          <h3 className="mb-1.5 flex items-baseline gap-2 text-sm font-medium text-slate-700">
            Step {i + 1}
            {d.at && (
              <span className="text-xs font-normal text-slate-500">
                received <Time iso={d.at} />
              </span>
            )}
          </h3>
          <div className="space-y-2">
            <DecisionPart label="Input" icon="📥" text={d.input} tone="slate" />
            <DecisionPart label="Reasoning" icon="💭" text={d.reasoning} tone="indigo" />
            <DecisionPart label="Output" icon="📤" text={d.output} tone="emerald" />
          </div>
        </li>
      ))}
    </ol>
  );
}

const LONG = 600;

function DecisionPart({ label, icon, text, tone }: { label: string; icon: string; text: string | null | undefined; tone: 'slate' | 'indigo' | 'emerald' }) {
  const value = text ?? '';
  const long = value.length > LONG || value.split('\n').length > 12;
  const [open, setOpen] = useState(!long);
  const tones = { slate: 'border-slate-200 bg-slate-50/60', indigo: 'border-indigo-100 bg-indigo-50/40', emerald: 'border-emerald-100 bg-emerald-50/40' };
  return (
    <section className={cx('rounded-md border px-3.5 py-2.5', tones[tone])} data-testid={`decision-${label.toLowerCase()}`}>
      <h4 className="mb-1 flex items-center gap-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">
        <span aria-hidden="true">{icon}</span>
        {label}
        {long && <span className="font-normal tracking-normal normal-case">· {formatInt(value.length)} characters</span>}
      </h4>
      {value.trim() === '' ? (
        <p className="text-sm text-slate-500">—</p>
      ) : (
        <>
          <div className={cx('relative', !open && 'max-h-48 overflow-hidden')}>
            <Markdown text={value} />
            {!open && <div aria-hidden="true" className="pointer-events-none absolute inset-x-0 bottom-0 h-12 bg-gradient-to-t from-white/95 to-transparent" />}
          </div>
          {long && (
            <button type="button" className="mt-1 text-xs font-medium text-indigo-600 hover:text-indigo-500 focus-visible:outline-2 focus-visible:outline-indigo-600" aria-expanded={open} onClick={() => setOpen(!open)}>
              {open ? `Show less` : `Show all of the ${label.toLowerCase()}`}
            </button>
          )}
        </>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------- tickets

export interface TicketRef {
  id: string;
  number: number;
  title: string;
}

/**
 * Number and title of the tickets `ids` (those that could not be read stay missing). Each ticket is the query the
 * ticket page reads too (its full answer, cached once), of which this picks the reference.
 */
export function useTicketRefs(workspaceId: string, ids: (string | null | undefined)[]): Map<string, TicketRef> {
  const unique = [...new Set(ids.filter((x): x is string => !!x))].sort();
  return useQueries({
    queries: unique.map((id) => ({
      queryKey: wsKey(workspaceId, 'tickets', 'one', id),
      queryFn: ({ signal }: { signal: AbortSignal }) => api.get('/tickets/{id}', { params: { path: { id } }, signal }),
      retry: false,
    })),
    combine: (results) => new Map(results.flatMap((r) => (r.data ? [[r.data.id, { id: r.data.id, number: r.data.number, title: r.data.title }] as const] : []))),
  });
}

// ---------------------------------------------------------------------------------------------------- per ticket

/** The runs agents reported for one ticket, newest first, each linking to its execution page. */
export function TicketExecutions({ workspaceId, workspaceSlug, ticketId }: { workspaceId: string; workspaceSlug: string; ticketId: string }) {
  const { items, error, hasMore, loadMore, loadingMore } = usePagedList(wsKey(workspaceId, 'executions', 'list', { ticketId, limit: 10 }), (page, signal) =>
    api.list('/executions', { params: { query: { workspaceId, ticketId, limit: 10, ...page } }, signal }),
  );
  const base = `/w/${encodeURIComponent(workspaceSlug)}/executions`;
  if (items === null) return <Loading />;
  return (
    <div>
      <ErrorAlert error={error} className="mb-3" />
      {items.length === 0 ? (
        <p className="text-sm text-slate-500">No agent has reported a run for this ticket yet.</p>
      ) : (
        <ul className="-my-2 divide-y divide-slate-100" data-testid="ticket-executions">
          {items.map((e) => (
            <li key={e.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm" data-testid="ticket-execution">
              <ExecutionStatusBadge status={e.status} />
              <Link href={`${base}/${encodeURIComponent(e.id)}`} className="font-medium text-indigo-600 hover:text-indigo-500">
                <Time iso={e.startTime} />
              </Link>
              <span className="text-slate-600">🤖 {e.agentName ?? e.agentId}</span>
              <span className="ml-auto flex items-center gap-3 text-xs text-slate-500">
                <span className="tabular-nums">{e.status === 'running' ? 'running' : formatDuration(e.durationMs)}</span>
                <span>
                  <Tokens tokensIn={e.tokensIn} tokensOut={e.tokensOut} /> tokens
                </span>
                <CostValue execution={e} className="text-slate-700" />
              </span>
            </li>
          ))}
        </ul>
      )}
      {hasMore && (
        <div className="mt-3">
          <Button size="sm" variant="secondary" onClick={loadMore} loading={loadingMore}>
            More runs
          </Button>
        </div>
      )}
    </div>
  );
}

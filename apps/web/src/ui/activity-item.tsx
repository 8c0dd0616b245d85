'use client';
// One line of the activity log: who did what, when, with the outcome (an execution's or a ticket's status) and a
// link to what the entry is about (the ticket, agent, execution, webhook, delivery, member or settings).
import Link from 'next/link';
import { Badge, Time, formatDateTime } from './components';
import { EXECUTION_STATUS_LABEL, OutcomeBadge } from './executions';
import { formatDuration, formatInt } from './format';
import { STATUS_LABEL, isStatus } from './tickets';
import type { Activity, ExecutionStatus } from './types';

const ACTOR_ICON: Record<Activity['actor']['kind'], string> = { user: '👤', agent: '🤖', system: '⚙️' };

/** The execution an entry is about: its target, or the execution named in its metadata. */
export function executionOf(entry: Activity): string | null {
  if (entry.target.kind === 'execution' && entry.target.id) return entry.target.id;
  const m = entry.metadata as Record<string, unknown>;
  return typeof m.executionId === 'string' ? m.executionId : null;
}

type NameOf = (id: string | null | undefined) => string | null;

/**
 * The entry's summary as a person reads it. The server writes one sentence per entry when it happens (kept as it
 * was, for the API and the log); here its machine parts are said in words from the entry's own metadata and the
 * names the page already loaded: ticket statuses by their labels, durations in s/min, token counts grouped,
 * instants in local time, agents by name, and ids that only the link needs left out.
 */
export function readableSummary(entry: Activity, agentName?: NameOf): string {
  const m = entry.metadata as Record<string, unknown>;
  let s = entry.summary;
  if (typeof m.from === 'string' && typeof m.to === 'string' && isStatus(m.from) && isStatus(m.to)) {
    s = s.replace(`from ${m.from} to ${m.to}`, `from ${STATUS_LABEL[m.from]} to ${STATUS_LABEL[m.to]}`);
  }
  if (entry.action === 'execution.finished') {
    s = s.replace(/: (running|success|failed|blocked) in (\d+) ms/, (_, status: ExecutionStatus, ms: string) => `: ${EXECUTION_STATUS_LABEL[status].toLowerCase()} in ${formatDuration(Number(ms))}`);
    s = s.replace(/, (\d+) tokens/, (_, n: string) => `, ${formatInt(Number(n))} tokens`);
  }
  s = s.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g, (iso) => formatDateTime(iso));
  s = s.replace(/\b(?:agent )?(agt_[0-9A-Za-z]+)\b/g, (_, id: string) => {
    const name = agentName?.(id);
    return name ? `agent ${name}` : 'an agent';
  });
  // "(whd_…)" and "webhook whk_…": the link beside the entry leads there; the sentence keeps the event type / URL.
  s = s.replace(/ \((?:whd|wha)_[0-9A-Za-z]+\)/g, '').replace(/\bwebhook whk_[0-9A-Za-z]+/g, 'a webhook');
  return s;
}

/** Where an entry leads, in the workspace `base` (`/w/<slug>`): what it is about, by the kind of its target. */
export function activityLink(entry: Activity, base: string): { href: string; label: string; testId: string } | null {
  const id = entry.target.id ? encodeURIComponent(entry.target.id) : null;
  const m = entry.metadata as Record<string, unknown>;
  const execution = executionOf(entry);
  if (execution) return { href: `${base}/executions/${encodeURIComponent(execution)}`, label: 'View execution', testId: 'activity-execution-link' };
  switch (entry.target.kind) {
    case 'ticket':
      return id ? { href: `${base}/tickets/${id}`, label: 'View ticket', testId: 'activity-target-link' } : null;
    case 'agent':
      return id && entry.status !== 'deleted' && entry.action !== 'agent.deleted' ? { href: `${base}/agents/${id}`, label: 'View agent', testId: 'activity-target-link' } : null;
    case 'webhook':
      return { href: `${base}/webhooks`, label: 'View webhooks', testId: 'activity-target-link' };
    case 'webhook_delivery':
      return id ? { href: `${base}/webhooks/deliveries/${id}`, label: 'View delivery', testId: 'activity-target-link' } : null;
    case 'user':
      return entry.action.startsWith('member.') ? { href: `${base}/members`, label: 'View members', testId: 'activity-target-link' } : null;
    case 'workspace':
      return { href: `${base}/settings`, label: 'View settings', testId: 'activity-target-link' };
    default:
      return typeof m.ticketId === 'string' ? { href: `${base}/tickets/${encodeURIComponent(m.ticketId)}`, label: 'View ticket', testId: 'activity-target-link' } : null;
  }
}

/**
 * `workspaceSlug` turns an entry into a link to what it is about; `agentName` names the agents its summary
 * mentions by id; `here` (the path of the page showing the entry) leaves out links back to that same page.
 */
export function ActivityItem({ entry, workspaceSlug, agentName, here }: { entry: Activity; workspaceSlug?: string; agentName?: NameOf; here?: string }) {
  const status = entry.status;
  const link = workspaceSlug ? activityLink(entry, `/w/${encodeURIComponent(workspaceSlug)}`) : null;
  return (
    <li className="flex gap-3 py-3" data-testid="activity-entry" data-action={entry.action}>
      <span aria-hidden="true" className="mt-0.5 flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-slate-100 text-sm">
        {ACTOR_ICON[entry.actor.kind] ?? '•'}
      </span>
      <div className="min-w-0 flex-1">
        <p className="text-sm text-slate-800">
          <span className="font-medium text-slate-900">{entry.actor.name}</span> {readableSummary(entry, agentName)}
        </p>
        <div className="mt-0.5 flex flex-wrap items-center gap-2 text-xs text-slate-500">
          <Time iso={entry.createdAt} relative />
          <Badge>{entry.action}</Badge>
          {status && <OutcomeBadge status={status} />}
          {link && link.href !== here && (
            <Link href={link.href} className="font-medium text-indigo-700 hover:text-indigo-500" data-testid={link.testId}>
              {link.label} →
            </Link>
          )}
        </div>
      </div>
    </li>
  );
}

// The activity log in words: an entry's summary as a person reads it and where the entry leads. No React here, so
// the wording has unit tests (activity-text.test.ts).
import { formatDateTime, formatDuration, formatInt } from './format';
import { STATUS_LABEL, isStatus } from './ticket-status';
import type { Activity } from './types';

/** The execution an entry is about: its target, or the execution named in its metadata. */
export function executionOf(entry: Activity): string | null {
  if (entry.target.kind === 'execution' && entry.target.id) return entry.target.id;
  const m = entry.metadata as Record<string, unknown>;
  return typeof m.executionId === 'string' ? m.executionId : null;
}

export type NameOf = (id: string | null | undefined) => string | null;

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
    s = s.replace(/ in (\d+) ms\b/, (_, ms: string) => ` in ${formatDuration(Number(ms))}`);
    s = s.replace(/, (\d+) tokens/, (_, n: string) => `, ${formatInt(Number(n))} tokens`);
  }
  // "updated mission, defaultRepository (of agent coderBot)": the changed fields, before any " of …", are property
  // names; say them as words (a name after " of " stays as it is).
  if (/\.updated$/.test(entry.action)) {
    const cut = s.indexOf(' of ');
    const fields = cut < 0 ? s : s.slice(0, cut);
    s = fields.replace(/\b[a-z]+(?:[A-Z][a-z]*)+\b/g, (name) => name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)) + (cut < 0 ? '' : s.slice(cut));
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


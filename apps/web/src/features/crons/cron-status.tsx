'use client';
// How a cron's state and a run's outcome read on screen: the status badges, the words for triggers, owners and
// policies, the success rate, and an instant in the cron's time zone (UTC on hover).
import { Badge } from '@/src/ui/components';
import { formatPercent } from '@/src/ui/format';
import type { Cron, CronOwner, CronStatus, RunStatus } from './types';
import { formatInZone, formatUtc } from './zoned';

const CRON_STATUS: Record<CronStatus, { label: string; tone: 'emerald' | 'slate' | 'rose'; title: string }> = {
  active: { label: 'Active', tone: 'emerald', title: 'Runs on its schedule' },
  paused: { label: 'Paused', tone: 'slate', title: 'Does not run until resumed' },
  failing: { label: 'Failing', tone: 'rose', title: 'Its latest runs failed' },
};
export const CRON_STATUSES = Object.keys(CRON_STATUS) as CronStatus[];
export const CRON_STATUS_LABEL = (s: CronStatus) => CRON_STATUS[s].label;

export function CronStatusBadge({ status }: { status: CronStatus }) {
  const s = CRON_STATUS[status] ?? { label: status, tone: 'slate' as const, title: status };
  return (
    <Badge tone={s.tone} title={s.title}>
      <span data-testid="cron-status">{s.label}</span>
    </Badge>
  );
}

const RUN_STATUS: Record<RunStatus, { label: string; tone: 'sky' | 'emerald' | 'rose' | 'amber' | 'slate' }> = {
  pending: { label: 'Pending', tone: 'slate' },
  running: { label: 'Running', tone: 'sky' },
  success: { label: 'Success', tone: 'emerald' },
  failed: { label: 'Failed', tone: 'rose' },
  skipped: { label: 'Skipped', tone: 'amber' },
  missed: { label: 'Missed', tone: 'amber' },
};

export function RunStatusBadge({ status, testId = 'run-status' }: { status: RunStatus; testId?: string }) {
  const s = RUN_STATUS[status] ?? { label: status, tone: 'slate' as const };
  return (
    <Badge tone={s.tone}>
      {status === 'running' && <span className="mr-1 h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" aria-hidden="true" />}
      <span data-testid={testId}>{s.label}</span>
    </Badge>
  );
}

export const OWNER_LABEL: Record<CronOwner, string> = { mission_control: 'Mission Control', gateway: 'Gateway' };
export const TRIGGER_LABEL: Record<string, string> = { schedule: 'Schedule', manual: 'Run now', catch_up: 'Catch-up' };
export const CONCURRENCY_LABEL: Record<Cron['concurrency'], string> = {
  skip: 'Skip the slot while the previous run goes',
  queue_one: 'Queue one run behind the previous',
  allow: 'Run alongside the previous',
};
export const CATCH_UP_LABEL: Record<Cron['catchUp'], string> = {
  once: 'Run the latest missed slot once',
  skip: 'Record missed slots, run none',
};

export function SuccessRate({ rate }: { rate: number | null | undefined }) {
  if (rate == null) return <span className="text-slate-500">—</span>;
  const tone = rate >= 0.9 ? 'text-emerald-700' : rate >= 0.5 ? 'text-amber-700' : 'text-rose-700';
  return <span className={`tabular-nums ${tone}`}>{formatPercent(rate, 0)}</span>;
}

/** An instant in the cron's zone; the UTC instant (what the API holds) on hover. */
export function ZonedTime({ iso, timeZone }: { iso: string | null | undefined; timeZone: string }) {
  if (!iso) return <span className="text-slate-500">—</span>;
  return (
    <time dateTime={iso} title={formatUtc(iso)} className="whitespace-nowrap">
      {formatInZone(iso, timeZone)}
    </time>
  );
}

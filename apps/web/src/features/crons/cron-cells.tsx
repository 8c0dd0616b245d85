'use client';
// What a crons list says about one cron, shared by the table (wide screens) and the cards (phones).
import { Badge } from '@/src/ui/components';
import { RunStatusBadge, ZonedTime } from './cron-status';
import type { Cron, RunStatus } from './types';
import { withoutZone } from './zoned';

export const cronHref = (c: Pick<Cron, 'id'>) => `/crons/${encodeURIComponent(c.id)}`;

export function ScheduleText({ cron: c }: { cron: Cron }) {
  return (
    <>
      <span data-testid="cron-description">{withoutZone(c.description, c.timezone)}</span>
      <code className="block text-xs text-slate-500">{c.schedule}</code>
    </>
  );
}

export function NextRun({ cron: c }: { cron: Cron }) {
  return (
    <>
      {c.nextRuns[0] ? <ZonedTime iso={c.nextRuns[0]} timeZone={c.timezone} /> : <span className="text-slate-500">—</span>}
      <span className="block text-xs text-slate-500" data-testid="cron-timezone">
        {c.timezone}
      </span>
    </>
  );
}

export function LastResult({ cron: c }: { cron: Cron }) {
  if (c.running)
    return (
      <span className="inline-flex flex-col items-start gap-0.5" data-testid="cron-running">
        <Badge tone="sky">
          <span className="mr-1 h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" aria-hidden="true" />
          {c.running.runs > 1 ? `${c.running.runs} running…` : 'Running…'}
        </Badge>
        <span className="text-xs text-slate-500">
          since <ZonedTime iso={c.running.since} timeZone={c.timezone} />
        </span>
      </span>
    );
  if (!c.lastRun) return <span className="text-xs text-slate-500">Never ran</span>;
  return (
    <span className="inline-flex flex-col items-start gap-0.5">
      <RunStatusBadge status={c.lastRun.status as RunStatus} testId="cron-last-result" />
      <span className="text-xs text-slate-500">
        <ZonedTime iso={c.lastRun.at} timeZone={c.timezone} />
      </span>
    </span>
  );
}


'use client';
// The attempts inside one run (retries by the cron's policy): when each started and ended, how it went, and the
// error or the execution and ticket it made.
import Link from 'next/link';
import { formatDuration } from '@/src/ui/format';
import { RunStatusBadge, ZonedTime } from './cron-status';
import type { CronRun, RunStatus } from './types';

function span(a: CronRun['attempts'][number]): number | null {
  return a.startedAt && a.endedAt ? new Date(a.endedAt).getTime() - new Date(a.startedAt).getTime() : null;
}

export function RunAttempts({ run, timeZone }: { run: CronRun; timeZone: string }) {
  if (run.attempts.length === 0) return <p className="text-xs text-slate-500">{run.reason ? `No attempt: ${run.reason}` : 'No attempt has started yet.'}</p>;
  return (
    <div className="space-y-2">
      {run.output && <p className="text-xs whitespace-pre-line text-slate-700">{run.output}</p>}
      <ol className="space-y-1.5 text-xs" data-testid="run-attempts" aria-label={`Attempts of the run for ${run.slot}`}>
        {run.attempts.map((a) => (
          <li key={a.attempt} className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span className="font-medium text-slate-700">Attempt {a.attempt}</span>
            <RunStatusBadge status={a.status as RunStatus} testId="attempt-status" />
            <ZonedTime iso={a.startedAt} timeZone={timeZone} />
            <span className="text-slate-500 tabular-nums">{formatDuration(span(a))}</span>
            {a.ticketId && (
              <Link href={`/t/${encodeURIComponent(a.ticketId)}`} className="font-medium text-indigo-600 hover:text-indigo-500">
                ticket
              </Link>
            )}
            {a.error && <span className="text-rose-700">{a.error}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}

'use client';
// The attempts inside one run (retries by the cron's policy): when each started and ended, how it went, and the
// error or the execution and ticket it made.
import Link from 'next/link';
import { formatDuration } from '@/src/ui/format';
import { useWorkspaceNames } from './cron-targets';
import { RunStatusBadge, ZonedTime } from './cron-status';
import type { CronRun, RunStatus } from './types';

/** An attempt's execution: a link to it in the run's workspace, when the caller has that workspace in its list. */
function ExecutionLink({ run, id, testId, children }: { run: CronRun; id: string; testId: string; children: React.ReactNode }) {
  const slug = useWorkspaceNames()(run).slug;
  if (!slug) return <span className="text-slate-500">{children}</span>;
  return (
    <Link href={`/w/${encodeURIComponent(slug)}/executions/${encodeURIComponent(id)}`} className="font-medium text-indigo-600 hover:text-indigo-500" data-testid={testId}>
      {children}
    </Link>
  );
}

/**
 * What a run without a ticket did (a task dispatched to the agent on its own): its latest attempt's execution, or a
 * dash when none started (skipped, missed, not yet started).
 */
export function RunExecution({ run }: { run: CronRun }) {
  const id = [...run.attempts].reverse().find((a) => a.executionId)?.executionId;
  if (!id) return <span className="text-slate-500">—</span>;
  return (
    <span className="text-xs">
      <ExecutionLink run={run} id={id} testId="run-execution">
        Execution
      </ExecutionLink>{' '}
      <span className="text-slate-500">(no ticket)</span>
    </span>
  );
}

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
            {a.executionId && (
              <ExecutionLink run={run} id={a.executionId} testId="attempt-execution">
                execution
              </ExecutionLink>
            )}
            {a.error && <span className="text-rose-700">{a.error}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}

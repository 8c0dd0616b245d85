'use client';
// The next runs of a schedule, in the cron's zone with UTC on hover: on the cron's page and under the form's
// schedule field (the preview).
import { ZonedTime } from './cron-status';

export function NextRunsList({ runs, timeZone, testId = 'next-runs' }: { runs: readonly string[]; timeZone: string; testId?: string }) {
  if (runs.length === 0) return <p className="text-sm text-slate-500">No run is due: the cron is paused, or its one run is past.</p>;
  return (
    <ol className="space-y-1 text-sm text-slate-800" data-testid={testId}>
      {runs.map((iso, i) => (
        <li key={iso} className="flex items-baseline gap-2">
          <span className="w-4 text-right text-xs text-slate-500 tabular-nums" aria-hidden="true">
            {i + 1}.
          </span>
          <ZonedTime iso={iso} timeZone={timeZone} />
        </li>
      ))}
    </ol>
  );
}

'use client';
// The schedule of the form with a live preview: once typing pauses the server reads the expression in the chosen
// zone and answers in plain words with the next runs (shown in that zone), or names what is wrong with it.
import { TextField, Spinner } from '@/src/ui/components';
import { NextRunsList } from './next-runs';
import type { SchedulePreview } from './queries';

const EXAMPLES = [
  { schedule: '0 9 * * 1-5', label: 'Weekdays at 9:00' },
  { schedule: '@every 15m', label: 'Every 15 minutes' },
  { schedule: '0 * * * *', label: 'Hourly' },
  { schedule: '30 8 1 * *', label: 'Monthly, 1st at 8:30' },
];

export function ScheduleField({
  value,
  timezone,
  preview,
  onChange,
  error,
}: {
  value: string;
  timezone: string;
  /** useSchedulePreview(value, timezone), held by the form (its zone error goes to the zone's field). */
  preview: SchedulePreview;
  onChange: (schedule: string) => void;
  /** The save's refusal for `schedule`, if the schedule was not edited since. */
  error?: string;
}) {
  const shown = value.trim() && !preview.issue ? preview.data : null;

  return (
    <div className="space-y-2">
      <TextField
        id="cron-schedule"
        label="Schedule"
        required
        spellCheck={false}
        autoComplete="off"
        maxLength={200}
        style={{ fontFamily: 'var(--font-mono)' }}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        error={preview.issue?.field === 'schedule' ? preview.issue.message : error}
        hint={
          <>
            A cron expression (minute hour day month weekday), <code>@every 15m</code> (1 minute or more) or <code>@once 2027-01-01T09:00</code>.
          </>
        }
      />
      <div className="flex flex-wrap gap-1.5" role="group" aria-label="Example schedules">
        {EXAMPLES.map((x) => (
          <button
            key={x.schedule}
            type="button"
            onClick={() => onChange(x.schedule)}
            className="rounded-full bg-slate-100 px-2.5 py-1 text-xs text-slate-700 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            {x.label}
          </button>
        ))}
      </div>
      <div className="rounded-md bg-slate-50 px-3.5 py-3 ring-1 ring-slate-200 ring-inset" aria-live="polite" data-testid="schedule-preview">
        {shown ? (
          <div className="space-y-2">
            <p className="text-sm font-medium text-slate-900" data-testid="schedule-description">
              {shown.description}
            </p>
            <p className="text-xs text-slate-500">Next runs, in {timezone}:</p>
            <NextRunsList runs={shown.nextRuns} timeZone={timezone} testId="preview-next-runs" />
          </div>
        ) : preview.isFetching || preview.settling ? (
          <p className="flex items-center gap-2 text-sm text-slate-500">
            <Spinner className="h-3.5 w-3.5" /> Reading the schedule…
          </p>
        ) : (
          <p className="text-sm text-slate-500">{preview.issue ? `Fix the ${preview.issue.field === 'timezone' ? 'time zone' : 'schedule'} to see when it runs.` : 'Type a schedule to see when it runs.'}</p>
        )}
      </div>
    </div>
  );
}

'use client';
// The event filter of an endpoint: "All events" (types added later included) or a choice among the catalog's types,
// grouped by what they are about.
import { useId } from 'react';
import { Checkbox } from '@/src/ui/components';
import { WEBHOOK_EVENT_TYPES } from './webhook-parts';

const EVENT_GROUPS: { label: string; prefix: string }[] = [
  { label: 'Tickets', prefix: 'ticket.' },
  { label: 'Comments', prefix: 'comment.' },
  { label: 'Agents', prefix: 'agent.' },
  { label: 'Executions', prefix: 'execution.' },
  { label: 'Ratings', prefix: 'rating.' },
  { label: 'Budget', prefix: 'budget.' },
  { label: 'Members', prefix: 'member.' },
  { label: 'Webhooks', prefix: 'webhook.' },
];

/** "All events" or a choice of event types, grouped by what they are about. */
export function EventsPicker({
  all,
  selected,
  onChange,
  error,
  disabled,
}: {
  all: boolean;
  selected: string[];
  onChange: (next: { all: boolean; selected: string[] }) => void;
  error?: string;
  disabled?: boolean;
}) {
  const errorId = useId();
  const toggle = (type: string, on: boolean) => onChange({ all, selected: on ? [...selected, type] : selected.filter((t) => t !== type) });
  return (
    <fieldset aria-describedby={error ? errorId : undefined} disabled={disabled}>
      <legend className="mb-1 text-sm font-medium text-slate-700">Events</legend>
      <Checkbox
        id="webhook-events-all"
        label="All events"
        hint="Every event of this workspace, including types added later."
        checked={all}
        onChange={(e) => onChange({ all: e.target.checked, selected })}
      />
      {!all && (
        <div className="mt-3 grid gap-3 rounded-md border border-slate-200 p-3 sm:grid-cols-2" data-testid="webhook-event-choices">
          {EVENT_GROUPS.map((g) => (
            <div key={g.prefix}>
              <p className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">{g.label}</p>
              <ul className="space-y-1">
                {WEBHOOK_EVENT_TYPES.filter((t) => t.startsWith(g.prefix)).map((t) => (
                  <li key={t} className="flex items-center gap-2">
                    <input
                      id={`webhook-event-${t}`}
                      type="checkbox"
                      className="h-4 w-4 rounded border-slate-300 accent-indigo-600"
                      checked={selected.includes(t)}
                      onChange={(e) => toggle(t, e.target.checked)}
                    />
                    <label htmlFor={`webhook-event-${t}`} className="font-mono text-xs text-slate-700">
                      {t}
                    </label>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
      {error && (
        <p id={errorId} className="mt-1 text-xs font-medium text-rose-600">
          {error}
        </p>
      )}
    </fieldset>
  );
}

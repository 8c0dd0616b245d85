'use client';
// A range of UTC days (`YYYY-MM-DD`, both inclusive) with presets — this month, last month, the last 7 or 30
// days — and two date fields for anything else. The costs and scorecard pages read the API's UTC days with it.
import { useEffect, useState } from 'react';
import { Button, TextField, cx } from '@/src/ui/components';
import { addDays, utcMonthRange, utcToday } from '@/src/ui/format';

export interface DayRange {
  from: string;
  to: string;
}

export const PRESETS: { id: string; label: string; range: () => DayRange }[] = [
  { id: 'month', label: 'This month', range: () => utcMonthRange(0) },
  { id: 'last-month', label: 'Last month', range: () => utcMonthRange(-1) },
  { id: '7d', label: 'Last 7 days', range: () => ({ from: addDays(utcToday(), -6), to: utcToday() }) },
  { id: '30d', label: 'Last 30 days', range: () => ({ from: addDays(utcToday(), -29), to: utcToday() }) },
  { id: '90d', label: 'Last 90 days', range: () => ({ from: addDays(utcToday(), -89), to: utcToday() }) },
];

export function currentMonth(): DayRange {
  return utcMonthRange(0);
}

export function DateRangePicker({ value, onChange, idPrefix = 'range', errors }: { value: DayRange; onChange: (r: DayRange) => void; idPrefix?: string; errors?: { from?: string; to?: string } }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const active = PRESETS.find((p) => {
    const r = p.range();
    return r.from === value.from && r.to === value.to;
  })?.id;
  const invalid = !draft.from || !draft.to || draft.from > draft.to;
  return (
    <div className="flex flex-wrap items-end gap-3" data-testid="date-range">
      <div role="group" aria-label="Preset ranges" className="flex flex-wrap gap-1">
        {PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            aria-pressed={active === p.id}
            onClick={() => onChange(p.range())}
            className={cx(
              'rounded-md px-2.5 py-1.5 text-xs font-medium ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600',
              active === p.id ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-50',
            )}
          >
            {p.label}
          </button>
        ))}
      </div>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!invalid) onChange(draft);
        }}
      >
        <TextField id={`${idPrefix}-from`} label="From (UTC)" type="date" className="w-40" value={draft.from} max={draft.to || undefined} onChange={(e) => setDraft({ ...draft, from: e.target.value })} error={errors?.from} />
        <TextField id={`${idPrefix}-to`} label="To (UTC)" type="date" className="w-40" value={draft.to} min={draft.from || undefined} onChange={(e) => setDraft({ ...draft, to: e.target.value })} error={errors?.to} />
        <Button type="submit" variant="secondary" disabled={invalid || (draft.from === value.from && draft.to === value.to)}>
          Apply
        </Button>
      </form>
    </div>
  );
}

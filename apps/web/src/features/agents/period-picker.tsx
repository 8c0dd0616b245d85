'use client';
// Day / week / month as a radio group (the metrics' bucket size).
import { cx } from '@/src/ui/components';
import type { MetricsPeriod } from '@/src/ui/types';

export const PERIODS: { id: MetricsPeriod; label: string; hint: string }[] = [
  { id: 'day', label: 'Day', hint: 'the last 30 days' },
  { id: 'week', label: 'Week', hint: 'the last 12 weeks' },
  { id: 'month', label: 'Month', hint: 'the last 12 months' },
];

export function PeriodPicker({ period, onChange }: { period: MetricsPeriod; onChange: (p: MetricsPeriod) => void }) {
  return (
    <div role="radiogroup" aria-label="Period" className="inline-flex rounded-md shadow-sm ring-1 ring-slate-300 ring-inset">
      {PERIODS.map((p) => (
        <button
          key={p.id}
          type="button"
          role="radio"
          aria-checked={period === p.id}
          onClick={() => onChange(p.id)}
          className={cx(
            'px-3.5 py-1.5 text-sm font-medium first:rounded-l-md last:rounded-r-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600',
            period === p.id ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700 hover:bg-slate-50',
          )}
          data-testid={`period-${p.id}`}
        >
          {p.label}
        </button>
      ))}
    </div>
  );
}

'use client';
// Good / bad for a ticket's or an execution's work: the counts, the caller's own rating highlighted; clicking it again
// takes it back. Without `canRate` only the counts show.
import { Spinner, ErrorAlert, cx } from '@/src/ui/components';
import { useRate, useRating, type RatingTarget, type RatingValue } from './queries';

export function RatingButtons({ workspaceId, target, canRate, label = 'Rate this work' }: { workspaceId: string; target: RatingTarget; canRate: boolean; label?: string }) {
  const rating = useRating(workspaceId, target);
  const rate = useRate(workspaceId, target);
  const summary = rating.data ?? null;
  const pending: RatingValue | null = rate.isPending ? rate.variables.value : null;
  const error = rate.error ?? rating.error;
  const rateValue = (value: RatingValue) => rate.mutate({ value, retract: summary?.mine === value });

  const buttons: { value: RatingValue; icon: string; text: string; on: string }[] = [
    { value: 'good', icon: '👍', text: 'Good', on: 'bg-emerald-50 text-emerald-800 ring-emerald-400' },
    { value: 'bad', icon: '👎', text: 'Bad', on: 'bg-rose-50 text-rose-800 ring-rose-400' },
  ];
  return (
    <div data-testid="rating">
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label={label}>
        {buttons.map((b) => {
          const mine = summary?.mine === b.value;
          const count = summary ? summary[b.value] : null;
          return (
            <button
              key={b.value}
              type="button"
              disabled={!canRate || !summary || pending !== null}
              aria-pressed={canRate ? mine : undefined}
              onClick={() => rateValue(b.value)}
              title={!canRate ? 'Members and above can rate work' : mine ? 'Your rating: click to take it back' : `Rate ${b.text.toLowerCase()}`}
              data-testid={`rate-${b.value}`}
              className={cx(
                'inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium ring-1 transition-colors ring-inset focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600',
                mine ? cx(b.on, 'ring-2') : 'bg-white text-slate-700 ring-slate-300 enabled:hover:bg-slate-50',
                'disabled:cursor-not-allowed',
                !canRate && 'opacity-80',
              )}
            >
              {pending === b.value ? <Spinner className="h-3.5 w-3.5" /> : <span aria-hidden="true">{b.icon}</span>}
              {b.text}
              <span className={cx('rounded-full px-1.5 text-xs tabular-nums', mine ? 'bg-white/70' : 'bg-slate-100 text-slate-600')} data-testid={`rating-${b.value}-count`}>
                <span className="sr-only">: </span>
                {count ?? '·'}
              </span>
            </button>
          );
        })}
        {summary?.mine && <span className="text-xs text-slate-500">You rated this {summary.mine}.</span>}
      </div>
      <ErrorAlert error={error} className="mt-2" />
    </div>
  );
}

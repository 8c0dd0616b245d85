'use client';
// This month's budget standing: used against the token and cost limits (a meter each, with the warning threshold),
// the 80% warning, 100%, a hard stop in force, and where to raise a limit.
import Link from 'next/link';
import type { ApiError } from '@/src/data/client';
import { Button, Card, ErrorAlert, Loading, cx, formatDateTime } from '@/src/ui/components';
import { formatInt, formatUsd } from '@/src/ui/format';
import type { BudgetStatus } from '@/src/ui/types';

export function BudgetCard({ budget, error, settingsHref, canEdit, onRetry }: { budget: BudgetStatus | null; error: ApiError | null; settingsHref: string; canEdit: boolean; onRetry: () => void }) {
  const raise = canEdit ? (
    <Link href={settingsHref} className="font-medium text-indigo-600 underline hover:text-indigo-500" data-testid="raise-limit">
      Raise the limit in Settings
    </Link>
  ) : (
    <span>Ask a workspace admin to raise the limit.</span>
  );
  if (!budget) {
    return (
      <Card title="Monthly budget">
        {error ? (
          <div className="space-y-3">
            <ErrorAlert error={error} />
            <Button variant="secondary" size="sm" onClick={onRetry}>
              Try again
            </Button>
          </div>
        ) : (
          <Loading />
        )}
      </Card>
    );
  }
  const b = budget;
  const noLimits = b.limits.monthlyTokenLimit === null && b.limits.monthlyCostLimitUsd === null;
  const warnAt = b.thresholds[0];
  const nearOrPast = (l: BudgetLevel) => l === 'warning' || l === 'exceeded';
  const month = new Date(`${b.month}-01T00:00:00Z`).toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return (
    <Card
      title={`Monthly budget · ${month}`}
      description={
        noLimits
          ? 'No monthly limits are set.'
          : `Admins are notified at ${warnAt}% of a limit. ${b.limits.hardStop ? 'Hard stop at 100%: work is refused once a limit is reached.' : 'No hard stop: work goes on past 100%.'}`
      }
    >
      <div className="space-y-5" data-testid="budget" data-blocked={b.blocked ? 'true' : 'false'}>
        {b.blocked && (
          <div role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3.5 py-3 text-sm text-rose-900" data-testid="budget-blocked">
            <p className="font-semibold">Blocked: this workspace has used its monthly budget.</p>
            <p className="mt-1">
              With the hard stop on, agents cannot claim tickets or start executions (they get <code className="text-xs">402 BUDGET_EXCEEDED</code>), cron runs, dispatches and
              workflow steps are refused, and runs in flight are told to stop. This lasts until the month rolls over on {formatDateTime(b.resetsAt)} or a limit is raised.
            </p>
            <p className="mt-2">{raise}</p>
          </div>
        )}
        <div className="grid gap-6 md:grid-cols-2">
          <Gauge label="Tokens" used={b.used.tokens} limit={b.limits.monthlyTokenLimit} percent={b.percent.tokens} level={b.level.tokens} warnAt={warnAt} format={(v) => formatInt(v)} testId="gauge-tokens" />
          <Gauge label="Cost" used={b.used.costUsd} limit={b.limits.monthlyCostLimitUsd} percent={b.percent.cost} level={b.level.cost} warnAt={warnAt} format={(v) => formatUsd(v)} testId="gauge-cost" />
        </div>
        {!b.blocked && (noLimits || nearOrPast(b.level.tokens) || nearOrPast(b.level.cost)) && (
          <p className="text-sm text-slate-600">
            {noLimits ? (canEdit ? <Link href={settingsHref} className="font-medium text-indigo-600 underline hover:text-indigo-500">Set monthly limits in Settings</Link> : 'A workspace admin can set monthly limits.') : raise}
          </p>
        )}
        <p className="text-xs text-slate-500">Usage counts every execution report of the month (runs in flight included) and starts again from zero on {formatDateTime(b.resetsAt)}.</p>
      </div>
    </Card>
  );
}

type BudgetLevel = BudgetStatus['level']['tokens'];

/** One limit's gauge; the level (ok / warning / exceeded) is the server's, the bar only draws it. */
function Gauge({
  label,
  used,
  limit,
  percent: p,
  level,
  warnAt,
  format,
  testId,
}: {
  label: string;
  used: number;
  limit: number | null;
  percent: number | null;
  level: BudgetLevel;
  warnAt: number;
  format: (v: number) => string;
  testId: string;
}) {
  const bar = { none: 'bg-slate-300', ok: 'bg-emerald-500', warning: 'bg-amber-500', exceeded: 'bg-rose-600' }[level];
  const text = { none: 'text-slate-900', ok: 'text-slate-900', warning: 'text-amber-700', exceeded: 'text-rose-700' }[level];
  const id = `${testId}-label`;
  return (
    <div data-testid={testId} data-level={level}>
      <div className="flex items-baseline justify-between gap-2">
        <span id={id} className="text-sm font-medium text-slate-700">
          {label}
        </span>
        <span className={cx('text-sm font-semibold tabular-nums', text)} data-testid={`${testId}-percent`}>
          {p === null ? 'no limit' : `${p.toFixed(p < 10 ? 1 : 0)}%`}
          {level === 'warning' && ` · over ${warnAt}%`}
          {level === 'exceeded' && ' · limit reached'}
        </span>
      </div>
      <div
        role="meter"
        aria-labelledby={id}
        aria-valuemin={0}
        aria-valuemax={limit ?? undefined}
        aria-valuenow={used}
        aria-valuetext={limit === null ? `${format(used)} used, no limit` : `${format(used)} of ${format(limit)} (${(p ?? 0).toFixed(0)}%)`}
        className="relative mt-1.5 h-3 overflow-hidden rounded-full bg-slate-100 ring-1 ring-slate-200 ring-inset"
      >
        <div className={cx('h-full rounded-full transition-[width]', bar)} style={{ width: `${Math.min(100, Math.max(p ?? 0, used > 0 && p !== null ? 1 : 0))}%` }} />
        {limit !== null && <div aria-hidden="true" className="absolute inset-y-0 w-px bg-amber-600/60" style={{ left: `${warnAt}%` }} title={`${warnAt}% warning`} />}
      </div>
      <p className="mt-1 text-xs text-slate-500 tabular-nums">
        <span data-testid={`${testId}-used`}>{format(used)}</span> used{limit !== null ? <> of {format(limit)}</> : ' (no limit set)'}
      </p>
    </div>
  );
}

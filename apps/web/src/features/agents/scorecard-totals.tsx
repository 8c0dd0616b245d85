'use client';
// The totals of an agent's scorecard over the range: attempted, completed, success rate, ratings, cost, cost and
// tokens per completion, average duration.
import { StatCard } from '@/src/ui/charts';
import { formatCompact, formatDuration, formatInt, formatPercent, formatUsd } from '@/src/ui/format';
import type { Metrics } from '@/src/ui/types';

export function ScorecardTotals({ totals: t }: { totals: Metrics['totals'] }) {
  return (
    <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="scorecard-totals">
      <StatCard label="Attempted" value={formatInt(t.attempted)} hint={`${formatInt(t.failed)} failed · ${formatInt(t.blocked)} blocked`} testId="total-attempted" />
      <StatCard label="Completed" value={formatInt(t.completed)} testId="total-completed" />
      <StatCard
        label="Success rate"
        value={formatPercent(t.successRate)}
        tone={t.successRate === null ? undefined : t.successRate >= 0.8 ? 'emerald' : t.successRate < 0.5 ? 'rose' : 'amber'}
        testId="total-success-rate"
      />
      <StatCard label="Ratings" value={<Ratings good={t.ratings.good} bad={t.ratings.bad} />} testId="total-ratings" />
      <StatCard label="Cost" value={formatUsd(t.costUsd)} testId="total-cost" />
      <StatCard label="Cost per completion" value={formatUsd(t.avgCostPerCompletion)} hint="All finished runs' cost / completions" testId="total-avg-cost" />
      <StatCard
        label="Tokens per completion"
        value={t.avgTokensPerCompletion === null ? '—' : formatCompact(Math.round(t.avgTokensPerCompletion))}
        hint={`${formatInt(t.tokensIn)} in · ${formatInt(t.tokensOut)} out in all`}
        testId="total-avg-tokens"
      />
      <StatCard label="Average duration" value={formatDuration(t.avgDurationMs)} testId="total-avg-duration" />
    </dl>
  );
}

function Ratings({ good, bad }: { good: number; bad: number }) {
  return (
    <span className="inline-flex items-baseline gap-3">
      <span className="text-emerald-700" data-testid="ratings-good">
        <span aria-hidden="true">👍</span> {formatInt(good)}
        <span className="sr-only"> good</span>
      </span>
      <span className="text-rose-700" data-testid="ratings-bad">
        <span aria-hidden="true">👎</span> {formatInt(bad)}
        <span className="sr-only"> bad</span>
      </span>
    </span>
  );
}

'use client';
// The charts of an agent's scorecard, per bucket of the period: attempted vs completed, success rate, tokens and cost
// per completion, ratings.
import { CHART_COLORS, TimeBarChart, TimeLineChart } from '@/src/ui/charts';
import { formatBucket, formatCompact, formatInt, formatPercent, formatUsd } from '@/src/ui/format';
import type { Metrics, MetricsPeriod } from '@/src/ui/types';

export function ScorecardCharts({ series, period }: { series: Metrics['series']; period: MetricsPeriod }) {
  const label = (d: string) => formatBucket(d, period);
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <TimeBarChart
        title="Attempted vs completed"
        testId="chart-attempted-completed"
        integer
        data={series}
        xKey="periodStart"
        xLabel={period === 'day' ? 'Day' : period === 'week' ? 'Week' : 'Month'}
        xFormat={label}
        series={[
          { key: 'attempted', label: 'Attempted', color: CHART_COLORS.slate, format: formatInt },
          { key: 'completed', label: 'Completed', color: CHART_COLORS.emerald, format: formatInt },
        ]}
        empty="No finished executions in this range."
      />
      <TimeLineChart
        title="Success rate"
        testId="chart-success-rate"
        data={series}
        xKey="periodStart"
        xLabel="Period"
        xFormat={label}
        domain={[0, 1]}
        series={[{ key: 'successRate', label: 'Success rate', color: CHART_COLORS.emerald, format: (v) => formatPercent(v, 0) }]}
        empty="No finished executions in this range."
      />
      <TimeLineChart
        title="Tokens per completion"
        testId="chart-avg-tokens"
        data={series}
        xKey="periodStart"
        xLabel="Period"
        xFormat={label}
        series={[{ key: 'avgTokensPerCompletion', label: 'Tokens per completion', color: CHART_COLORS.sky, format: (v) => formatCompact(Math.round(v)) }]}
        empty="No completions in this range."
      />
      <TimeLineChart
        title="Cost per completion"
        testId="chart-avg-cost"
        data={series}
        xKey="periodStart"
        xLabel="Period"
        xFormat={label}
        series={[{ key: 'avgCostPerCompletion', label: 'Cost per completion', color: CHART_COLORS.indigo, format: (v) => formatUsd(v) }]}
        empty="No completions in this range."
      />
      <TimeBarChart
        title="Ratings"
        description="Good and bad ratings of its tickets and executions"
        testId="chart-ratings"
        integer
        className="lg:col-span-2"
        data={series.map((s) => ({ periodStart: s.periodStart, good: s.ratings.good, bad: s.ratings.bad }))}
        xKey="periodStart"
        xLabel="Period"
        xFormat={label}
        stacked
        series={[
          { key: 'good', label: 'Good', color: CHART_COLORS.emerald, format: formatInt },
          { key: 'bad', label: 'Bad', color: CHART_COLORS.rose, format: formatInt },
        ]}
        empty="Nobody rated this agent's work in this range."
      />
    </div>
  );
}

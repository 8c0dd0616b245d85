'use client';
// The spending of a range of days: totals, cost and tokens by day, cost by agent and by model (charts), then the same
// by agent and by model as tables.
import { CategoryBarChart, CHART_COLORS, StatCard, TimeBarChart } from '@/src/ui/charts';
import { formatCompact, formatDay, formatInt, formatUsd } from '@/src/ui/format';
import type { CostBreakdown } from '@/src/ui/types';
import { Breakdown } from './breakdown';

const usd = (v: number) => formatUsd(v);
const tokens = (v: number) => formatCompact(v);

export function Spending({ costs }: { costs: CostBreakdown }) {
  return (
    <>
    <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="cost-totals">
      <StatCard label="Cost" value={formatUsd(costs.totals.costUsd)} testId="total-cost" />
      <StatCard label="Executions" value={formatInt(costs.totals.executions)} testId="total-executions" />
      <StatCard label="Tokens in" value={formatCompact(costs.totals.tokensIn)} hint={`${formatInt(costs.totals.tokensIn)} tokens`} testId="total-tokens-in" />
      <StatCard label="Tokens out" value={formatCompact(costs.totals.tokensOut)} hint={`${formatInt(costs.totals.tokensOut)} tokens`} testId="total-tokens-out" />
    </dl>
    <div className="grid gap-6 lg:grid-cols-2">
      <TimeBarChart
        title="Cost by day"
        testId="chart-cost-by-day"
        data={costs.byDay}
        xKey="day"
        xLabel="Day"
        xFormat={(d) => formatDay(d)}
        series={[{ key: 'costUsd', label: 'Cost', color: CHART_COLORS.indigo, format: usd }]}
        empty="No cost in this range."
      />
      <TimeBarChart
        title="Tokens by day"
        testId="chart-tokens-by-day"
        data={costs.byDay}
        xKey="day"
        xLabel="Day"
        xFormat={(d) => formatDay(d)}
        series={[{ key: 'tokens', label: 'Tokens', color: CHART_COLORS.sky, format: tokens }]}
        empty="No tokens in this range."
      />
      <CategoryBarChart
        title="Cost by agent"
        description="Most expensive first"
        testId="chart-cost-by-agent"
        data={costs.byAgent.map((a) => ({ ...a, name: a.agentName ?? `${a.agentId} (deleted)` }))}
        xKey="name"
        xLabel="Agent"
        series={[{ key: 'costUsd', label: 'Cost', color: CHART_COLORS.violet, format: usd }]}
        empty="No agent ran in this range."
      />
      <CategoryBarChart
        title="Cost by model"
        description="Most expensive first"
        testId="chart-cost-by-model"
        data={costs.byModel.map((m) => ({ ...m, name: m.model ?? 'no model reported' }))}
        xKey="name"
        xLabel="Model"
        series={[{ key: 'costUsd', label: 'Cost', color: CHART_COLORS.emerald, format: usd }]}
        empty="No model was used in this range."
      />
    </div>
      <Breakdown costs={costs} />
    </>
  );
}

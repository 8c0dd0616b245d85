'use client';
// What the workspace's agents cost: this month's budget standing (used against the token and cost limits, the 80%
// warning, 100%, and a hard stop in force), then, for a range of UTC days (this month by default), the totals and
// the cost and tokens by day, by agent and by model. Refreshed when executions finish.
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { api, qs, toApiError, type ApiError } from '@/src/ui/api';
import { CategoryBarChart, CHART_COLORS, StatCard, TimeBarChart } from '@/src/ui/charts';
import { Button, Card, ErrorAlert, Loading, Notice, cx, formatDateTime, useTitle } from '@/src/ui/components';
import { currentMonth, DateRangePicker, type DayRange } from '@/src/ui/date-range';
import { formatCompact, formatDay, formatInt, formatUsd } from '@/src/ui/format';
import { useVisibleInterval, useWorkspaceEvents } from '@/src/ui/live';
import type { BudgetStatus, CostBreakdown } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';

const usd = (v: number) => formatUsd(v);
const tokens = (v: number) => formatCompact(v);

export default function CostsPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Costs · ${w.name}`);
  const [range, setRange] = useState<DayRange>(currentMonth);
  const [budget, setBudget] = useState<BudgetStatus | null>(null);
  const [budgetError, setBudgetError] = useState<ApiError | null>(null);
  const [costs, setCosts] = useState<CostBreakdown | null>(null);
  const [costsError, setCostsError] = useState<ApiError | null>(null);

  const loadBudget = useCallback(async () => {
    try {
      setBudget(await api<BudgetStatus>('GET', `/workspaces/${w.id}/budget`));
      setBudgetError(null);
    } catch (err) {
      setBudgetError(toApiError(err));
    }
  }, [w.id]);
  const loadCosts = useCallback(async () => {
    try {
      setCosts(await api<CostBreakdown>('GET', `/workspaces/${w.id}/costs${qs({ from: range.from, to: range.to })}`));
      setCostsError(null);
    } catch (err) {
      setCostsError(toApiError(err));
    }
  }, [w.id, range]);

  useEffect(() => {
    void loadBudget();
  }, [loadBudget]);
  useEffect(() => {
    setCosts(null);
    void loadCosts();
  }, [loadCosts]);
  const refresh = useCallback(() => Promise.all([loadBudget(), loadCosts()]), [loadBudget, loadCosts]);
  useVisibleInterval(refresh, 30_000);
  useWorkspaceEvents(w.id, ['execution.', 'budget.'], () => void refresh());

  if (!w.permissions['metrics.read']) {
    return <Notice tone="warning">You cannot see this workspace&apos;s costs.</Notice>;
  }

  return (
    <div className="space-y-6">
      <BudgetCard budget={budget} error={budgetError} settingsHref={`/w/${encodeURIComponent(w.slug)}/settings#budget`} canEdit={!!w.permissions['workspace.budget'] && !w.archived} onRetry={loadBudget} />

      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 className="text-lg font-semibold text-slate-900">Spending</h2>
          <p className="text-sm text-slate-500">
            {formatDay(range.from, true)} – {formatDay(range.to, true)} (UTC days). Finished executions count on the day they ended.
          </p>
        </div>
        <DateRangePicker value={range} onChange={setRange} idPrefix="costs" errors={{ from: costsError?.fieldError('from'), to: costsError?.fieldError('to') }} />
      </div>

      <ErrorAlert error={costsError} fields={['from', 'to']} />
      {costs === null ? (
        !costsError && <Loading />
      ) : (
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
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------- budget

function BudgetCard({ budget, error, settingsHref, canEdit, onRetry }: { budget: BudgetStatus | null; error: ApiError | null; settingsHref: string; canEdit: boolean; onRetry: () => void }) {
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

// ---------------------------------------------------------------------------------------------------- tables

function Breakdown({ costs }: { costs: CostBreakdown }) {
  if (costs.byAgent.length === 0 && costs.byModel.length === 0) return null;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="By agent">
        <table className="min-w-full text-sm" data-testid="costs-by-agent">
          <thead className="text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
            <tr>
              <th scope="col" className="py-1.5">Agent</th>
              <th scope="col" className="py-1.5 text-right">Runs</th>
              <th scope="col" className="py-1.5 text-right">Tokens</th>
              <th scope="col" className="py-1.5 text-right">Cost</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 tabular-nums">
            {costs.byAgent.map((a) => (
              <tr key={a.agentId}>
                <th scope="row" className="py-1.5 text-left font-medium text-slate-800">
                  {a.agentName ?? <span className="text-slate-500">{a.agentId} (deleted)</span>}
                </th>
                <td className="py-1.5 text-right">{formatInt(a.executions)}</td>
                <td className="py-1.5 text-right">{formatInt(a.tokens)}</td>
                <td className="py-1.5 text-right">{formatUsd(a.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="By model">
        <table className="min-w-full text-sm" data-testid="costs-by-model">
          <thead className="text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
            <tr>
              <th scope="col" className="py-1.5">Model</th>
              <th scope="col" className="py-1.5 text-right">Runs</th>
              <th scope="col" className="py-1.5 text-right">Tokens</th>
              <th scope="col" className="py-1.5 text-right">Cost</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 tabular-nums">
            {costs.byModel.map((m) => (
              <tr key={m.model ?? ''}>
                <th scope="row" className="py-1.5 text-left font-medium text-slate-800">
                  {m.model ? <code className="text-xs">{m.model}</code> : <span className="text-slate-500">no model reported</span>}
                </th>
                <td className="py-1.5 text-right">{formatInt(m.executions)}</td>
                <td className="py-1.5 text-right">{formatInt(m.tokens)}</td>
                <td className="py-1.5 text-right">{formatUsd(m.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}

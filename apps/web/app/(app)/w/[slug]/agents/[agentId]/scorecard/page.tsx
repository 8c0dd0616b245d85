'use client';
// An agent's scorecard: per day, week or month — executions attempted and completed, the success rate, tokens and
// cost per completion, and how people rated its work — with the totals of the range. Refreshed when one of its
// executions finishes or its work is rated.
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { api, toApiError, type ApiError, qs } from '@/src/ui/api';
import { CHART_COLORS, StatCard, TimeBarChart, TimeLineChart } from '@/src/ui/charts';
import { Button, EmptyState, ErrorAlert, Loading, cx, useTitle } from '@/src/ui/components';
import { formatBucket, formatCompact, formatDay, formatDuration, formatInt, formatPercent, formatUsd } from '@/src/ui/format';
import { useWorkspaceEvents } from '@/src/ui/live';
import type { Metrics, MetricsPeriod } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';

const PERIODS: { id: MetricsPeriod; label: string; hint: string }[] = [
  { id: 'day', label: 'Day', hint: 'the last 30 days' },
  { id: 'week', label: 'Week', hint: 'the last 12 weeks' },
  { id: 'month', label: 'Month', hint: 'the last 12 months' },
];

interface AgentHead {
  id: string;
  name: string;
  workspaceId: string;
}

export default function AgentScorecardPage() {
  const { workspace: w } = useWorkspace();
  const { agentId: rawId } = useParams<{ agentId: string }>();
  const agentId = decodeURIComponent(rawId);
  const base = `/w/${encodeURIComponent(w.slug)}/agents`;
  const [period, setPeriod] = useState<MetricsPeriod>('day');
  const [agent, setAgent] = useState<AgentHead | null>(null);
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useTitle(agent ? `Scorecard · ${agent.name} · ${w.name}` : `Scorecard · ${w.name}`);

  useEffect(() => {
    api<AgentHead>('GET', `/agents/${encodeURIComponent(agentId)}`)
      .then(setAgent)
      .catch((err) => setError(toApiError(err)));
  }, [agentId]);

  const load = useCallback(async () => {
    try {
      setMetrics(await api<Metrics>('GET', `/agents/${encodeURIComponent(agentId)}/metrics${qs({ period })}`));
      setError(null);
    } catch (err) {
      setError(toApiError(err));
    }
  }, [agentId, period]);
  useEffect(() => {
    setMetrics(null);
    void load();
  }, [load]);
  useWorkspaceEvents(w.id, ['execution.', 'rating.'], (e) => {
    if (!e.agentId || e.agentId === agentId) void load();
  });

  if (error && !metrics && error.status === 404) {
    return (
      <EmptyState icon="🤖" title="Agent not found" action={<Link className="text-sm font-medium text-indigo-600 hover:text-indigo-500" href={base}>All agents of {w.name}</Link>}>
        There is no agent <span className="font-mono">{agentId}</span> in this workspace.
      </EmptyState>
    );
  }

  const t = metrics?.totals;
  const label = (d: string) => formatBucket(d, period);
  const series = metrics?.series ?? [];

  return (
    <div className="space-y-6" data-testid="scorecard">
      <nav aria-label="Breadcrumb" className="flex flex-wrap gap-x-1 text-sm">
        <Link href={base} className="font-medium text-indigo-600 hover:text-indigo-500">
          Agents
        </Link>
        <span aria-hidden="true" className="text-slate-400">/</span>
        <Link href={`${base}/${encodeURIComponent(agentId)}`} className="font-medium text-indigo-600 hover:text-indigo-500">
          {agent?.name ?? agentId}
        </Link>
        <span aria-hidden="true" className="text-slate-400">/</span>
        <span className="text-slate-600" aria-current="page">
          Scorecard
        </span>
      </nav>

      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 className="text-xl font-semibold tracking-tight text-slate-900">Scorecard{agent ? ` of ${agent.name}` : ''}</h2>
          <p className="mt-1 text-sm text-slate-500">
            {metrics ? (
              <>
                {formatDay(metrics.from, true)} – {formatDay(metrics.to, true)} (UTC), by {period}. Finished executions only; ratings count in the {period} of their last change.
              </>
            ) : (
              <>By {period}, {PERIODS.find((p) => p.id === period)?.hint}.</>
            )}
          </p>
        </div>
        <div role="radiogroup" aria-label="Period" className="inline-flex rounded-md shadow-sm ring-1 ring-slate-300 ring-inset">
          {PERIODS.map((p) => (
            <button
              key={p.id}
              type="button"
              role="radio"
              aria-checked={period === p.id}
              onClick={() => setPeriod(p.id)}
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
      </div>

      {error && (
        <div className="space-y-2">
          <ErrorAlert error={error} fields={[]} />
          <Button variant="secondary" size="sm" onClick={() => void load()}>
            Try again
          </Button>
        </div>
      )}
      {!metrics || !t ? (
        !error && <Loading />
      ) : (
        <>
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
        </>
      )}
    </div>
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

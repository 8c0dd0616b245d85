'use client';
// An agent's scorecard: per day, week or month — executions attempted and completed, the success rate, tokens and
// cost per completion, and how people rated its work — with the totals of the range. Refreshed when one of its
// executions finishes or its work is rated.
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useState } from 'react';
import { PERIODS, PeriodPicker } from '@/src/features/agents/period-picker';
import { useAgent, useAgentMetrics } from '@/src/features/agents/queries';
import { ScorecardCharts } from '@/src/features/agents/scorecard-charts';
import { ScorecardTotals } from '@/src/features/agents/scorecard-totals';
import { Button, EmptyState, ErrorAlert, Loading, useTitle } from '@/src/ui/components';
import { formatDay } from '@/src/ui/format';
import type { MetricsPeriod } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function AgentScorecardPage() {
  const { workspace: w } = useWorkspace();
  const { agentId: rawId } = useParams<{ agentId: string }>();
  const agentId = decodeURIComponent(rawId);
  const base = `/w/${encodeURIComponent(w.slug)}/agents`;
  const [period, setPeriod] = useState<MetricsPeriod>('day');
  // The head only names the agent (its own page polls it).
  const agentQuery = useAgent(w.id, agentId, false);
  const agent = agentQuery.data ?? null;
  const metricsQuery = useAgentMetrics(w.id, agentId, period);
  const metrics = metricsQuery.data ?? null;
  const error = metricsQuery.error ?? agentQuery.error;
  useTitle(agent ? `Scorecard · ${agent.name} · ${w.name}` : `Scorecard · ${w.name}`);

  if (error && !metrics && error.status === 404) {
    return (
      <EmptyState icon="🤖" title="Agent not found" action={<Link className="text-sm font-medium text-indigo-600 hover:text-indigo-500" href={base}>All agents of {w.name}</Link>}>
        There is no agent <span className="font-mono">{agentId}</span> in this workspace.
      </EmptyState>
    );
  }

  const t = metrics?.totals;
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
        <PeriodPicker period={period} onChange={setPeriod} />
      </div>

      {error && (
        <div className="space-y-2">
          <ErrorAlert error={error} fields={[]} />
          <Button variant="secondary" size="sm" onClick={() => void metricsQuery.refetch()}>
            Try again
          </Button>
        </div>
      )}
      {!metrics || !t ? (
        !error && <Loading />
      ) : (
        <>
          <ScorecardTotals totals={t} />

          <ScorecardCharts series={series} period={period} />
        </>
      )}
    </div>
  );
}

'use client';
// What the workspace's agents cost: this month's budget standing (used against the token and cost limits, the 80%
// warning, 100%, and a hard stop in force), then, for a range of UTC days (this month by default), the totals and
// the cost and tokens by day, by agent and by model. Refreshed when executions finish.
import { useState } from 'react';
import { BudgetCard } from '@/src/features/costs/budget-card';
import { useBudgetStatus, useCostBreakdown } from '@/src/features/costs/queries';
import { Spending } from '@/src/features/costs/spending';
import { ErrorAlert, Loading, Notice, useTitle } from '@/src/ui/components';
import { currentMonth, DateRangePicker, type DayRange } from '@/src/features/costs/date-range';
import { formatDay } from '@/src/ui/format';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function CostsPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Costs · ${w.name}`);
  const [range, setRange] = useState<DayRange>(currentMonth);
  const budgetQuery = useBudgetStatus(w.id);
  const costsQuery = useCostBreakdown(w.id, range);
  const budget = budgetQuery.data ?? null;
  const costs = costsQuery.data ?? null;
  const costsError = costsQuery.error;

  if (!w.permissions['metrics.read']) {
    return <Notice tone="warning">You cannot see this workspace&apos;s costs.</Notice>;
  }

  return (
    <div className="space-y-6">
      <BudgetCard budget={budget} error={budgetQuery.error} settingsHref={`/w/${encodeURIComponent(w.slug)}/settings#budget`} canEdit={!!w.permissions['workspace.budget']} onRetry={() => void budgetQuery.refetch()} />

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
        <Spending costs={costs} />
      )}
    </div>
  );
}

import type { Ctx } from '../context';
import { requireWorkspaceAccess } from '../shared/workspace-access';
import { costsByAgent, costsByCron, costsByDay, costsByModel, type CostRow } from './metrics.repo';
import { resolveCostRange, usdOf, utcDay } from './metrics.rules';

/** Most expensive first; ties by tokens, then by id (or model), so the order is stable between calls. */
function byCost<T extends CostRow>(key: (r: T) => string) {
  return (a: T, b: T) => b.costMicros - a.costMicros || b.tokensIn + b.tokensOut - (a.tokensIn + a.tokensOut) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/** What one group (an agent, a model, a cron) cost, as the API answers it. */
function figuresOf(r: CostRow) {
  return { costUsd: usdOf(r.costMicros), tokens: r.tokensIn + r.tokensOut, executions: r.executions };
}

/**
 * GET /workspaces/{id}/costs — where the money went between two days (default: this month to date): per day (every
 * day, empty ones with zeros, for a continuous chart), per agent, per model and per cron. Read from the daily rollup of
 * finished executions; what running executions have used so far shows in the budget, not here.
 */
export async function getWorkspaceCosts(ctx: Ctx, workspaceIdOrSlug: string, input: { from?: string; to?: string }) {
  const { workspace } = await requireWorkspaceAccess(ctx, workspaceIdOrSlug, 'metrics.read');
  const range = resolveCostRange(input, utcDay(ctx.clock.now()));
  const [days, agentRows, modelRows, cronRows] = await Promise.all([
    costsByDay(ctx, workspace.id, range.from, range.to),
    costsByAgent(ctx, workspace.id, range.from, range.to),
    costsByModel(ctx, workspace.id, range.from, range.to),
    costsByCron(ctx, workspace.id, range.from, range.to),
  ]);
  const dayMap = new Map(days.map((d) => [d.day, d]));
  const totals = { costMicros: 0, tokensIn: 0, tokensOut: 0, executions: 0 };
  for (const d of days) {
    totals.costMicros += d.costMicros;
    totals.tokensIn += d.tokensIn;
    totals.tokensOut += d.tokensOut;
    totals.executions += d.executions;
  }
  return {
    from: range.from,
    to: range.to,
    totals: { costUsd: usdOf(totals.costMicros), tokensIn: totals.tokensIn, tokensOut: totals.tokensOut, executions: totals.executions },
    byDay: range.days.map((day) => {
      const d = dayMap.get(day);
      return { day, costUsd: usdOf(d?.costMicros ?? 0), tokens: d ? d.tokensIn + d.tokensOut : 0 };
    }),
    byAgent: agentRows.sort(byCost((r) => r.agentId)).map((r) => ({
      agentId: r.agentId,
      agentName: r.agentName,
      ...figuresOf(r),
    })),
    byModel: modelRows.sort(byCost((r) => r.model)).map((r) => ({
      // The rollup keys runs without a model as ''; the API says so with null.
      model: r.model === '' ? null : r.model,
      ...figuresOf(r),
    })),
    byCron: cronRows.sort(byCost((r) => r.cronId)).map((r) => ({
      cronId: r.cronId,
      cronName: r.cronName,
      ...figuresOf(r),
    })),
  };
}

import type { Ctx } from '../context';
import { notFound } from '../errors';
import { microsToNumber, usdToMicros } from '../shared/money';
import { requireWorkspaceAccess } from '../shared/workspace-access';
import { BUDGET_THRESHOLDS, budgetLevel, monthLabel } from './budget.rules';
import { readBudget } from './usage';

/**
 * GET /workspaces/{id}/budget — the current UTC month's usage against the limits: percent of each, when 80% and
 * 100% were first reached, whether the hard stop is in force, and when the month resets. Members (viewers too) and
 * the workspace's agents, which can check before starting expensive work.
 */
export async function getWorkspaceBudget(ctx: Ctx, idOrSlug: string) {
  const { workspace } = await requireWorkspaceAccess(ctx, idOrSlug, 'workspace.read');
  const b = await readBudget(ctx, workspace.id);
  if (!b) throw notFound('workspace');
  const u = b.usage;
  return {
    workspaceId: workspace.id,
    month: monthLabel(b.month),
    limits: {
      monthlyTokenLimit: b.limits.tokenLimit,
      monthlyCostLimitUsd: b.limits.costLimitMicros === null ? null : microsToNumber(b.limits.costLimitMicros),
      hardStop: b.limits.hardStop,
    },
    used: { tokens: u?.tokens ?? 0, costUsd: u ? microsToNumber(usdToMicros(u.costUsd)) : 0 },
    percent: { tokens: b.standing.tokens.percent, cost: b.standing.cost.percent },
    level: { tokens: budgetLevel(b.standing.tokens), cost: budgetLevel(b.standing.cost) },
    thresholds: [...BUDGET_THRESHOLDS],
    warnedAt: { tokens: u?.tokenWarnedAt?.toISOString() ?? null, cost: u?.costWarnedAt?.toISOString() ?? null },
    exceededAt: { tokens: u?.tokenExceededAt?.toISOString() ?? null, cost: u?.costExceededAt?.toISOString() ?? null },
    blocked: b.blocked,
    resetsAt: b.resetsAt.toISOString(),
  };
}

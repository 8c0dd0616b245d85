import { recordActivity } from '../activity/record-activity';
import { publishLive } from '../shared/live';
import { resettleBudget } from '../budgets/usage';
import { inTransaction, type Ctx } from '../context';
import { getDefaultWorkspaceId } from '../settings/settings';
import { updateWorkspaceRow } from './update-workspace';
import { requireWorkspaceAccess } from '../shared/workspace-access';
import { toWorkspaceDto } from './workspace-dto';

export interface SetBudgetInput {
  monthlyTokenLimit: number | null;
  monthlyCostLimitUsd?: number | null;
  hardStop: boolean;
  version?: number;
}

/**
 * PUT /workspaces/{id}/budget — replaces the budget settings (admin); every change is audited with before/after.
 * The month's budget state is recomputed in the same transaction: raising a limit (or turning hard stop off)
 * unblocks the workspace at once; lowering one below what was used blocks it (and tells the other admins).
 */
export async function setBudget(ctx: Ctx, idOrSlug: string, input: SetBudgetInput) {
  return inTransaction(ctx, async (tx) => {
    const { workspace, role } = await requireWorkspaceAccess(tx, idOrSlug, 'workspace.budget');
    const before = {
      monthlyTokenLimit: workspace.monthlyTokenLimit,
      monthlyCostLimitUsd: workspace.monthlyCostLimitUsd === null ? null : Number(workspace.monthlyCostLimitUsd),
      hardStop: workspace.hardStop,
    };
    const after = {
      monthlyTokenLimit: input.monthlyTokenLimit,
      monthlyCostLimitUsd: input.monthlyCostLimitUsd ?? null,
      hardStop: input.hardStop,
    };
    const row = await updateWorkspaceRow(
      tx,
      workspace,
      {
        monthlyTokenLimit: after.monthlyTokenLimit,
        monthlyCostLimitUsd: after.monthlyCostLimitUsd === null ? null : String(after.monthlyCostLimitUsd),
        hardStop: after.hardStop,
      },
      input.version,
    );
    const budget = await resettleBudget(tx, row.id);
    // The audit says when the change lifted or imposed the hard stop (the `blocked` key appears only then).
    const flipped = budget.blockedBefore !== budget.blocked;
    await recordActivity(tx, {
      workspaceId: row.id,
      action: 'workspace.budget_changed',
      target: { kind: 'workspace', id: row.id },
      summary: !flipped ? 'changed the budget' : budget.blocked ? 'changed the budget (hard stop now in force)' : 'changed the budget (work may resume)',
      metadata: { before, after, ...(flipped ? { blocked: { before: budget.blockedBefore, after: budget.blocked } } : {}) },
    });
    // Agents long-polling for work wake when the hard stop lifts: the workspace offers its tickets again.
    if (flipped && !budget.blocked) await publishLive(tx, { type: 'workspace.budget_unblocked', workspaceId: row.id });
    return toWorkspaceDto(row, role, await getDefaultWorkspaceId(tx), tx.principal);
  });
}

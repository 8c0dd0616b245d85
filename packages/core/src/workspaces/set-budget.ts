import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { getDefaultWorkspaceId } from '../settings/settings';
import { updateWorkspaceRow } from './update-workspace';
import { requireWorkspaceAccess } from './workspace-access';
import { toWorkspaceDto } from './workspace-dto';

export interface SetBudgetInput {
  monthlyTokenLimit: number | null;
  monthlyCostLimitUsd?: number | null;
  hardStop: boolean;
  version?: number;
}

/** PUT /workspaces/{id}/budget — replaces the budget settings (admin); every change is audited with before/after. */
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
    await recordActivity(tx, {
      workspaceId: row.id,
      action: 'workspace.budget_changed',
      target: { kind: 'workspace', id: row.id },
      summary: 'changed the budget',
      metadata: { before, after },
    });
    return toWorkspaceDto(row, role, await getDefaultWorkspaceId(tx), tx.principal);
  });
}

import type { WorkspaceRole } from '@mc/contracts';
import type { WorkspaceRow } from './workspace-access';

export function toWorkspaceDto(w: WorkspaceRow, role: WorkspaceRole | null, defaultWorkspaceId: string | null) {
  return {
    id: w.id,
    slug: w.slug,
    name: w.name,
    mission: w.mission,
    emoji: w.emoji,
    color: w.color,
    budget: {
      monthlyTokenLimit: w.monthlyTokenLimit ?? null,
      monthlyCostLimitUsd: w.monthlyCostLimitUsd === null ? null : Number(w.monthlyCostLimitUsd),
      hardStop: w.hardStop,
    },
    defaultRepository: w.defaultRepository,
    archived: w.archivedAt !== null,
    archivedAt: w.archivedAt?.toISOString() ?? null,
    isDefault: w.id === defaultWorkspaceId,
    role,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
    version: w.version,
  };
}
export type WorkspaceDto = ReturnType<typeof toWorkspaceDto>;

import type { tickets } from '@mc/db';
import { priorityName, type TicketStatus } from './tickets.rules';

export type TicketRow = typeof tickets.$inferSelect;

export function toTicketDto(t: TicketRow) {
  return {
    id: t.id,
    workspaceId: t.workspaceId,
    number: t.number,
    title: t.title,
    description: t.description,
    status: t.status as TicketStatus,
    priority: priorityName(t.priority),
    labels: t.labels,
    epicId: t.epicId,
    requiredCapabilities: t.requiredCapabilities,
    wikiRefs: t.wikiRefs,
    assignee: t.assigneeAgentId
      ? { kind: 'agent' as const, id: t.assigneeAgentId }
      : t.assigneeUserId
        ? { kind: 'user' as const, id: t.assigneeUserId }
        : null,
    claimedBy: t.claimedByAgentId,
    claimedAt: t.claimedAt?.toISOString() ?? null,
    leaseExpiresAt: t.leaseExpiresAt?.toISOString() ?? null,
    closedReason: t.closedReason,
    createdBy: { kind: t.createdByKind, id: t.createdById },
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    statusChangedAt: t.statusChangedAt.toISOString(),
    version: t.version,
  };
}
export type TicketDto = ReturnType<typeof toTicketDto>;

import { driverDate, type tickets } from '@mc/db';
import { priorityName, type TicketStatus } from './tickets.rules';

export type TicketRow = typeof tickets.$inferSelect;

/**
 * A `tickets` row read by hand-written SQL (`SELECT *` / `RETURNING *`: snake_case, driver types) as Drizzle
 * would have mapped it. Typed as the full row, so a new column is a compile error here until it is mapped.
 */
export function ticketFromSql(r: Record<string, any>): TicketRow {
  const date = (v: unknown) => (v == null ? null : driverDate(v));
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    number: r.number,
    title: r.title,
    description: r.description,
    status: r.status,
    priority: r.priority,
    labels: r.labels,
    epicId: r.epic_id,
    requiredCapabilities: r.required_capabilities,
    wikiRefs: r.wiki_refs,
    assigneeAgentId: r.assignee_agent_id,
    assigneeUserId: r.assignee_user_id,
    claimedByAgentId: r.claimed_by_agent_id,
    claimedAt: date(r.claimed_at),
    leaseExpiresAt: date(r.lease_expires_at),
    closedReason: r.closed_reason,
    createdByKind: r.created_by_kind,
    createdById: r.created_by_id,
    createdAt: driverDate(r.created_at),
    updatedAt: driverDate(r.updated_at),
    statusChangedAt: driverDate(r.status_changed_at),
    version: r.version,
  };
}

/** The ticket as the API answers it; `allowedMoves` is what the caller may do with it now (ticket-access.ts). */
export function toTicketDto(t: TicketRow, allowedMoves: readonly TicketStatus[]) {
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
    allowedMoves: [...allowedMoves],
  };
}
export type TicketDto = ReturnType<typeof toTicketDto>;

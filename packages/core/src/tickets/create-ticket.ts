import { agents, epics, memberships, tickets, workspaces } from '@mc/db';
import { and, eq, ne, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { requirePrincipal } from '../shared/guards';
import { inTransaction, type Ctx } from '../context';
import { forbidden, validation } from '../errors';
import { emitEvent } from '../events/emit-event';
import { newId } from '../shared/ids';
import { requireWorkspaceAccess } from '../shared/workspace-access';
import { standingOf, ticketAnswer } from './ticket-access';
import { recordPullRequestLinks } from './ticket-links';
import { PRIORITY_RANK, type TicketPriority } from './tickets.rules';

export interface CreateTicketInput {
  workspaceId: string;
  title: string;
  description?: string;
  priority?: TicketPriority;
  labels?: string[];
  epicId?: string | null;
  requiredCapabilities?: string[];
  wikiRefs?: string[];
  assignee?: { agentId?: string; userId?: string } | null;
}

const invalid = (field: string, message: string) =>
  validation([{ field, in: 'body', message }], `${field}: ${message}`);

/** Check that an assignee belongs to the workspace (an active agent, or a member who is not a viewer). */
export async function resolveAssignee(ctx: Ctx, workspaceId: string, a: { agentId?: string; userId?: string } | null | undefined) {
  if (!a || (!a.agentId && !a.userId)) return { assigneeAgentId: null, assigneeUserId: null };
  if (a.agentId && a.userId) throw invalid('assignee', 'give agentId or userId, not both');
  if (a.agentId) {
    const [agent] = await ctx.db
      .select({ id: agents.id })
      .from(agents)
      .where(and(eq(agents.id, a.agentId), eq(agents.workspaceId, workspaceId), eq(agents.status, 'active')))
      .limit(1);
    if (!agent) throw invalid('assignee.agentId', 'no active agent with this id in the workspace');
    return { assigneeAgentId: agent.id, assigneeUserId: null };
  }
  const [member] = await ctx.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, a.userId!), ne(memberships.role, 'viewer')))
    .limit(1);
  if (!member) throw invalid('assignee.userId', 'no member (above viewer) with this id in the workspace');
  return { assigneeAgentId: null, assigneeUserId: member.userId };
}

/** POST /tickets — members and the workspace's agents create tickets; assigning needs an admin. */
export async function createTicket(ctx: Ctx, input: CreateTicketInput) {
  const me = requirePrincipal(ctx);
  return inTransaction(ctx, async (tx) => {
    const access = await requireWorkspaceAccess(tx, input.workspaceId, 'tickets.write');
    const { workspace, effectiveRole } = access;
    if (input.epicId) {
      const [epic] = await tx.db.select({ id: epics.id }).from(epics).where(and(eq(epics.id, input.epicId), eq(epics.workspaceId, workspace.id)));
      if (!epic) throw invalid('epicId', 'no such epic in this workspace');
    }
    if (input.assignee && (me.kind === 'agent' || !['owner', 'admin'].includes(effectiveRole))) {
      throw forbidden('only a workspace admin assigns tickets');
    }
    const assignee = await resolveAssignee(tx, workspace.id, input.assignee);
    const ticket = await writeTicket(tx, workspace, input, assignee, me.kind === 'agent' ? { kind: 'agent', id: me.agentId } : { kind: 'user', id: me.userId });
    return ticketAnswer(tx, ticket, standingOf(access));
  });
}

/**
 * Write a new ticket with its number, PR links, activity entry and `ticket.created` event, in the caller's transaction,
 * once the caller's right to do so is settled: the use case above for people and agents, the cron scheduler for a
 * run's ticket (created by `{kind: 'cron', id: <run id>}`, so that the run's outcome can be found from the ticket).
 */
export async function writeTicket(
  tx: Ctx,
  workspace: { id: string; defaultRepository: string | null },
  input: Omit<CreateTicketInput, 'workspaceId' | 'assignee'>,
  assignee: { assigneeAgentId: string | null; assigneeUserId: string | null },
  creator: { kind: string; id: string | null },
) {
  // The workspace row lock hands out ticket numbers in order, one at a time.
  const [{ seq }] = await tx.db
    .update(workspaces)
    .set({ ticketSeq: sql`${workspaces.ticketSeq} + 1` })
    .where(eq(workspaces.id, workspace.id))
    .returning({ seq: workspaces.ticketSeq });
  const now = tx.clock.now();
  const [ticket] = await tx.db
    .insert(tickets)
    .values({
      id: newId('tkt', now.getTime()),
      workspaceId: workspace.id,
      number: seq,
      title: input.title,
      description: input.description ?? '',
      priority: PRIORITY_RANK[input.priority ?? 'medium'],
      labels: [...new Set(input.labels ?? [])],
      epicId: input.epicId ?? null,
      requiredCapabilities: [...new Set(input.requiredCapabilities ?? [])],
      wikiRefs: [...new Set(input.wikiRefs ?? [])],
      ...assignee,
      createdByKind: creator.kind,
      createdById: creator.id,
      createdAt: now,
      updatedAt: now,
      statusChangedAt: now,
    })
    .returning();
  await recordPullRequestLinks(tx, {
    workspaceId: workspace.id,
    ticketId: ticket.id,
    commentId: null,
    text: ticket.description,
    defaultRepository: workspace.defaultRepository,
  });
  await recordActivity(tx, {
    workspaceId: workspace.id,
    action: 'ticket.created',
    target: { kind: 'ticket', id: ticket.id },
    summary: `created #${ticket.number} ${ticket.title}`,
    metadata: { priority: input.priority ?? 'medium', assignee: assigneeOf(assignee) },
  });
  await emitEvent(tx, 'ticket.created', workspace.id, { ticket: { id: ticket.id, number: ticket.number, title: ticket.title, status: ticket.status } }, { ticketId: ticket.id, status: 'todo' });
  return ticket;
}

const assigneeOf = (a: { assigneeAgentId: string | null; assigneeUserId: string | null }) =>
  a.assigneeAgentId ? { agentId: a.assigneeAgentId } : a.assigneeUserId ? { userId: a.assigneeUserId } : null;

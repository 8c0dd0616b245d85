import { tickets } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import { requirePrincipal } from '../shared/guards';
import type { Ctx } from '../context';
import { DomainError, forbidden, notFound } from '../errors';
import { assertWorkspaceOpen, requireWorkspaceAccess, type WorkspaceAccess } from '../shared/workspace-access';
import { roleAllows } from '../shared/workspaces.rules';
import type { TicketRow } from './ticket-dto';
import type { Mover } from './tickets.rules';

export interface TicketAccess {
  ticket: TicketRow;
  access: WorkspaceAccess;
  /** What the caller is to this ticket, for the transition table. */
  movers: Mover[];
  /** May write (comment, edit): agents of the workspace, members and above; not viewers. */
  canWrite: boolean;
  isAdmin: boolean;
}

/**
 * Load a ticket the caller may see, by id, scoped by workspace in the query (an agent's lookup carries its
 * workspace; a person's goes through their membership). Unknown or invisible → 404.
 */
export async function requireTicketAccess(ctx: Ctx, ticketId: string, opts: { lock?: boolean } = {}): Promise<TicketAccess> {
  const me = requirePrincipal(ctx);
  const where = me.kind === 'agent' ? and(eq(tickets.id, ticketId), eq(tickets.workspaceId, me.workspaceId)) : eq(tickets.id, ticketId);
  const q = ctx.db.select().from(tickets).where(where).limit(1);
  const [ticket] = opts.lock ? await q.for('update') : await q;
  if (!ticket) throw notFound('ticket');
  let access: WorkspaceAccess;
  try {
    access = await requireWorkspaceAccess(ctx, ticket.workspaceId, 'tickets.read');
  } catch (err) {
    if (err instanceof DomainError && err.code === 'NOT_FOUND') throw notFound('ticket');
    throw err;
  }
  return { ticket, access, ...moversOf(ctx, ticket, access) };
}

export function moversOf(ctx: Ctx, ticket: TicketRow, access: WorkspaceAccess) {
  const me = ctx.principal;
  const movers: Mover[] = [];
  let canWrite = false;
  let isAdmin = false;
  if (me.kind === 'agent') {
    canWrite = true;
    if (ticket.claimedByAgentId === me.agentId) movers.push('holder');
    if (ticket.assigneeAgentId === me.agentId) movers.push('assignee');
  } else if (me.kind === 'user') {
    isAdmin = roleAllows(access.effectiveRole, 'tickets.manage');
    canWrite = roleAllows(access.effectiveRole, 'tickets.write');
    if (isAdmin) movers.push('admin');
    if (ticket.assigneeUserId === me.userId && canWrite) movers.push('assignee');
    // A person who may write moves tickets that nobody is working on: a claim binds while the ticket is
    // in_progress (its lease runs); from pr_review on the work is handed over for review.
    if (canWrite && !isHeld(ticket)) movers.push('member');
  }
  return { movers, canWrite, isAdmin };
}

export function assertCanWrite(a: TicketAccess) {
  if (!a.canWrite) throw forbidden('viewers cannot change tickets');
  assertWorkspaceOpen(a.access.workspace);
}

/** Held: claimed by an agent and being worked on (in_progress, lease running). */
export function isHeld(ticket: TicketRow): boolean {
  return !!ticket.claimedByAgentId && ticket.status === 'in_progress';
}

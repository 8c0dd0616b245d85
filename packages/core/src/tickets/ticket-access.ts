import type { WorkspaceRole } from '@mc/contracts';
import { memberships, tickets, workspaces } from '@mc/db';
import { and, eq, inArray } from 'drizzle-orm';
import { requirePrincipal } from '../shared/guards';
import type { Ctx } from '../context';
import { DomainError, forbidden, notFound } from '../errors';
import { assertWorkspaceOpen, requireWorkspaceAccess, type WorkspaceAccess } from '../shared/workspace-access';
import { roleAllows } from '../shared/workspaces.rules';
import { toTicketDto, type TicketDto, type TicketRow } from './ticket-dto';
import { callerMoves, type Mover, type TicketStatus } from './tickets.rules';

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

export function moversOf(ctx: Ctx, ticket: TicketRow, access: Pick<WorkspaceAccess, 'effectiveRole'>) {
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

/**
 * `moversOf` for an agent, as SQL over the tickets row `t` (`:agentId`): the one-statement moves (update-ticket.ts)
 * put the edge's agent movers in their WHERE with it. Change both together; the lifecycle equivalence test
 * (packages/api/test/tickets-lifecycle-equivalence.int.test.ts) runs both on every edge.
 */
export const AGENT_MOVER_SQL: Partial<Record<Mover, (t: string) => string>> = {
  holder: (t) => `${t}.claimed_by_agent_id = :agentId::text`,
  assignee: (t) => `${t}.assignee_agent_id = :agentId::text`,
};

export function assertCanWrite(a: TicketAccess) {
  if (!a.canWrite) throw forbidden('viewers cannot change tickets');
  assertWorkspaceOpen(a.access.workspace);
}

/** Held: claimed by an agent and being worked on (in_progress, lease running). */
export function isHeld(ticket: TicketRow): boolean {
  return !!ticket.claimedByAgentId && ticket.status === 'in_progress';
}

/** What decides the moves a caller may make in a workspace: its role there and whether the workspace is open. */
export interface MoveStanding {
  effectiveRole: WorkspaceRole;
  archived: boolean;
}

export const standingOf = (access: WorkspaceAccess): MoveStanding => ({ effectiveRole: access.effectiveRole, archived: !!access.workspace.archivedAt });

/** An agent's standing in its own workspace once a statement has found that workspace open (the one-statement writes). */
export const OPEN_AGENT_STANDING: MoveStanding = { effectiveRole: 'viewer', archived: false };

/**
 * The statuses the caller may move `ticket` to now with PATCH status (the ticket's `allowedMoves`): the lifecycle
 * table's moves for what the caller is to the ticket (`moversOf`); none in an archived workspace or for a viewer.
 */
export function allowedMovesOf(ctx: Ctx, ticket: TicketRow, standing: MoveStanding | undefined): TicketStatus[] {
  if (!standing || standing.archived) return [];
  return callerMoves(ticket.status as TicketStatus, moversOf(ctx, ticket, standing).movers, ctx.principal.kind === 'agent' ? 'agent' : 'person');
}

/**
 * The caller's standing in each of `workspaceIds`, in one query, for a page of tickets from several workspaces
 * (a workspace the caller cannot see is simply absent: its tickets get no moves).
 */
export async function standingsIn(ctx: Ctx, workspaceIds: string[]): Promise<Map<string, MoveStanding>> {
  const me = ctx.principal;
  const out = new Map<string, MoveStanding>();
  const ids = [...new Set(workspaceIds)];
  if (ids.length === 0) return out;
  if (me.kind === 'agent') {
    // Known from the key lookup of this request (resolveAgentKey): no second statement for it.
    if (me.workspaceArchived !== undefined) {
      if (ids.includes(me.workspaceId)) out.set(me.workspaceId, { effectiveRole: 'viewer', archived: me.workspaceArchived });
      return out;
    }
    const [w] = await ctx.db.select({ archivedAt: workspaces.archivedAt }).from(workspaces).where(eq(workspaces.id, me.workspaceId)).limit(1);
    if (w && ids.includes(me.workspaceId)) out.set(me.workspaceId, { effectiveRole: 'viewer', archived: !!w.archivedAt });
    return out;
  }
  if (me.kind !== 'user') return out;
  const rows = await ctx.db
    .select({ id: workspaces.id, archivedAt: workspaces.archivedAt, role: memberships.role })
    .from(workspaces)
    .leftJoin(memberships, and(eq(memberships.workspaceId, workspaces.id), eq(memberships.userId, me.userId)))
    .where(inArray(workspaces.id, ids));
  for (const r of rows) {
    const role = me.isInstanceAdmin ? 'owner' : (r.role as WorkspaceRole | null);
    if (role) out.set(r.id, { effectiveRole: role, archived: !!r.archivedAt });
  }
  return out;
}

/** A ticket answer for the caller: the DTO with its `allowedMoves`. */
export function ticketAnswer(ctx: Ctx, row: TicketRow, standing: MoveStanding | undefined): TicketDto {
  return toTicketDto(row, allowedMovesOf(ctx, row, standing));
}

/**
 * Ticket answers for a list: the caller's standing is looked up once per page (`standingsIn`), or taken from `known`
 * when the list is of one workspace whose access the use case already checked; never a query per row.
 */
export async function ticketAnswers(ctx: Ctx, rows: TicketRow[], known?: { workspaceId: string; standing: MoveStanding }): Promise<TicketDto[]> {
  const standings = known ? new Map([[known.workspaceId, known.standing]]) : await standingsIn(ctx, rows.map((r) => r.workspaceId));
  return rows.map((r) => ticketAnswer(ctx, r, standings.get(r.workspaceId)));
}

import { memberships, tickets } from '@mc/db';
import { and, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { escapeLike } from '../activity/find-activity';
import { requireAgent, requirePrincipal } from '../auth/guards';
import type { Ctx } from '../context';
import type { LiveBus } from '../events/live';
import { planPage, toPage, totalFor, type PageQuery, type SortColumns } from '../shared/pagination';
import { requireWorkspaceAccess } from '../workspaces/workspace-access';
import { statement } from '../shared/statement';
import { claimableSql } from './claim-ticket';
import { requireTicketAccess } from './ticket-access';
import { ticketFromSql, toTicketDto, type TicketRow } from './ticket-dto';
import { AVAILABLE_WAIT_MAX_SECONDS, PRIORITY_RANK, type TicketPriority, type TicketStatus } from './tickets.rules';

export const TICKET_SORT_FIELDS = ['createdAt', 'updatedAt', 'priority', 'number', 'status'] as const;

export interface FindTicketsInput extends PageQuery {
  workspaceId?: string;
  status?: TicketStatus[];
  priority?: TicketPriority;
  /** An agent or user id: assigned to them. */
  assigneeId?: string;
  claimedBy?: string;
  epicId?: string;
  label?: string;
  q?: string;
}

const sortColumns: SortColumns<TicketRow> = {
  createdAt: { column: tickets.createdAt, value: (r) => r.createdAt },
  updatedAt: { column: tickets.updatedAt, value: (r) => r.updatedAt },
  priority: { column: tickets.priority, value: (r) => r.priority },
  number: { column: tickets.number, value: (r) => r.number },
  status: { column: tickets.status, value: (r) => r.status },
};
const idColumn = { column: tickets.id, value: (r: TicketRow) => r.id };

/** GET /tickets — filters, text search in title and description, sort and paging. */
export async function findTickets(ctx: Ctx, input: FindTicketsInput) {
  const me = requirePrincipal(ctx);
  const where: (SQL | undefined)[] = [];
  if (input.workspaceId) {
    const { workspace } = await requireWorkspaceAccess(ctx, input.workspaceId, 'tickets.read');
    where.push(eq(tickets.workspaceId, workspace.id));
  } else if (me.kind === 'agent') {
    where.push(eq(tickets.workspaceId, me.workspaceId));
  } else if (!me.isInstanceAdmin) {
    where.push(inArray(tickets.workspaceId, ctx.db.select({ id: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, me.userId))));
  }
  if (input.status?.length) where.push(inArray(tickets.status, input.status));
  if (input.priority) where.push(eq(tickets.priority, PRIORITY_RANK[input.priority]));
  if (input.assigneeId) where.push(or(eq(tickets.assigneeAgentId, input.assigneeId), eq(tickets.assigneeUserId, input.assigneeId)));
  if (input.claimedBy) where.push(eq(tickets.claimedByAgentId, input.claimedBy));
  if (input.epicId) where.push(eq(tickets.epicId, input.epicId));
  if (input.label) where.push(sql`${tickets.labels} @> ${JSON.stringify([input.label])}::jsonb`);
  if (input.q) {
    const p = `%${escapeLike(input.q)}%`;
    const n = /^#?(\d{1,9})$/.exec(input.q.trim());
    where.push(or(ilike(tickets.title, p), ilike(tickets.description, p), n ? eq(tickets.number, Number(n[1])) : undefined));
  }
  const plan = planPage(input, sortColumns, idColumn);
  const rowsOut = await ctx.db
    .select()
    .from(tickets)
    .where(and(...where, plan.where))
    .orderBy(...plan.orderBy)
    .limit(plan.limit)
    .offset(plan.offset);
  return toPage(rowsOut, input, plan, sortColumns, idColumn, toTicketDto, await totalFor(ctx.db, plan, tickets, and(...where)));
}

/** GET /tickets/{id} */
export async function getTicket(ctx: Ctx, ticketId: string) {
  const { ticket } = await requireTicketAccess(ctx, ticketId);
  return toTicketDto(ticket);
}

/** Every agent polls this, several times per ticket it finishes: a prepared statement (see claimableSql). */
const POLL_AVAILABLE = statement<'workspaceId' | 'agentId' | 'capabilities' | 'limit'>(
  'mc_poll_available',
  `SELECT * FROM tickets t WHERE ${claimableSql('t')} ORDER BY t.priority, t.created_at, t.id LIMIT :limit::int`,
);

/**
 * GET /tickets/available — the To-do tickets this agent may claim, best first (priority, then age). Served by
 * the partial index `tickets_available_idx`.
 */
export async function findAvailableTickets(ctx: Ctx, input: { limit: number }) {
  const me = requireAgent(ctx);
  const found = await POLL_AVAILABLE.run(ctx.db, {
    workspaceId: me.workspaceId,
    agentId: me.agentId,
    capabilities: JSON.stringify(me.capabilities),
    limit: input.limit,
  });
  return found.map((r) => toTicketDto(ticketFromSql(r)));
}

/** Events after which a poll may find new work. */
const WAKING_EVENTS = new Set(['ticket.created', 'ticket.released', 'ticket.moved', 'ticket.updated', 'ticket.assigned']);

/**
 * `?wait=N`: answer at once when work is there; otherwise hold the request until a ticket event in the agent's
 * workspace (from any process, via LISTEN) or N seconds pass. An idle agent makes one request per wait.
 */
export async function waitForAvailableTickets(ctx: Ctx, bus: LiveBus, input: { limit: number; waitSeconds: number; signal?: AbortSignal }) {
  const me = requireAgent(ctx);
  const deadline = Date.now() + Math.min(input.waitSeconds, AVAILABLE_WAIT_MAX_SECONDS) * 1000;
  for (;;) {
    // Subscribe before querying so that a ticket created in between is not missed; cancel when not needed.
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    input.signal?.addEventListener('abort', onAbort);
    const woke = bus.waitFor((e) => e.workspaceId === me.workspaceId && WAKING_EVENTS.has(e.type), Math.max(0, deadline - Date.now()), stop.signal);
    try {
      const found = await findAvailableTickets(ctx, input);
      if (found.length > 0 || Date.now() >= deadline || input.signal?.aborted) return found;
      if (!(await woke)) return input.signal?.aborted ? [] : findAvailableTickets(ctx, input);
    } finally {
      stop.abort();
      input.signal?.removeEventListener('abort', onAbort);
    }
  }
}

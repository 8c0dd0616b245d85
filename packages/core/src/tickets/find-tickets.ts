import { memberships, rows, tickets, workspaces } from '@mc/db';
import { and, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { escapeLike } from '../shared/like';
import { requireAgent, requirePrincipal } from '../shared/guards';
import type { Ctx } from '../context';
import { pageTotal, planPage, toPage, type PageQuery, type SortColumns, type TotalMode } from '../shared/pagination';
import { statement } from '../shared/statement';
import { budgetMonthOf } from '../budgets/budget.rules';
import { budgetBlock } from '../budgets/usage';
import { requireWorkspaceAccess, workspaceArchived } from '../shared/workspace-access';
import { claimableSql, claimGatesSql } from './claim-ticket';
import { OPEN_AGENT_STANDING, requireTicketAccess, standingOf, ticketAnswer, ticketAnswers, type MoveStanding } from './ticket-access';
import { ticketFromSql, type TicketDto, type TicketRow } from './ticket-dto';
import { PRIORITY_RANK, type TicketPriority, type TicketStatus } from './tickets.rules';

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
  /** How `meta.total` is computed on an offset page (default `page`: no count, docs/adr/0016-list-totals.md). */
  total?: TotalMode;
}

const sortColumns: SortColumns<TicketRow> = {
  createdAt: { column: tickets.createdAt, value: (r) => r.createdAt },
  updatedAt: { column: tickets.updatedAt, value: (r) => r.updatedAt },
  priority: { column: tickets.priority, value: (r) => r.priority },
  number: { column: tickets.number, value: (r) => r.number },
  status: { column: tickets.status, value: (r) => r.status },
};
const idColumn = { column: tickets.id, value: (r: TicketRow) => r.id };

/**
 * The statement of GET /tickets (after the caller's access is checked): filters, text search, sort and the page
 * plan. Each single-field sort walks one of the `tickets_workspace_*` indexes (workspace, field, id) and stops after
 * `limit + 1` rows (bench/README.md has the plans). A person without `?workspaceId=` sees the tickets of every
 * workspace they are a member of (the instance admin: of every workspace): one walk per workspace (a LATERAL join
 * over those workspaces, each stopped after offset + limit + 1 rows), merged and cut to the page, instead of reading
 * and sorting all those workspaces' tickets.
 * Exported so that a test can EXPLAIN exactly this statement (`toSQL`).
 */
export async function ticketListQuery(ctx: Ctx, input: FindTicketsInput) {
  const me = requirePrincipal(ctx);
  const where: (SQL | undefined)[] = [];
  let known: { workspaceId: string; standing: MoveStanding } | undefined;
  /** Whose workspaces to walk one by one: a member's, or all of them (`admin`); none with a single workspace. */
  let across: { userId: string } | 'admin' | undefined;
  if (input.workspaceId) {
    const access = await requireWorkspaceAccess(ctx, input.workspaceId, 'tickets.read');
    known = { workspaceId: access.workspace.id, standing: standingOf(access) };
    where.push(eq(tickets.workspaceId, access.workspace.id));
  } else if (me.kind === 'agent') {
    where.push(eq(tickets.workspaceId, me.workspaceId));
  } else {
    across = me.isInstanceAdmin ? 'admin' : { userId: me.userId };
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
  if (across === undefined) {
    const query = ctx.db
      .select()
      .from(tickets)
      .where(and(...where, plan.where))
      .orderBy(...plan.orderBy)
      .limit(plan.limit)
      .offset(plan.offset);
    return { plan, filter: and(...where), known, toSQL: () => query.toSQL(), run: (): Promise<TicketRow[]> => query };
  }
  const mine =
    across === 'admin'
      ? ctx.db.select({ workspaceId: sql<string>`${workspaces.id}`.as('workspace_id') }).from(workspaces)
      : ctx.db.select({ workspaceId: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, across.userId));
  // Inside the LATERAL subquery "tickets" is the table; outside, the subquery's alias: the same ORDER BY serves both.
  const perWorkspace = ctx.db
    .select()
    .from(tickets)
    .where(and(sql`${tickets.workspaceId} = mine.workspace_id`, ...where, plan.where))
    .orderBy(...plan.orderBy)
    .limit(plan.offset + plan.limit);
  const statement = sql`SELECT tickets.* FROM (${mine}) AS mine CROSS JOIN LATERAL (${perWorkspace}) AS tickets
    ORDER BY ${sql.join(plan.orderBy, sql`, `)} LIMIT ${plan.limit} OFFSET ${plan.offset}`;
  const dialect = (ctx.db as unknown as { dialect: { sqlToQuery(s: SQL): { sql: string; params: unknown[] } } }).dialect;
  return {
    plan,
    filter: across === 'admin' ? and(...where) : and(inArray(tickets.workspaceId, mine), ...where),
    known,
    toSQL: () => dialect.sqlToQuery(statement),
    run: async (): Promise<TicketRow[]> => (await rows(ctx.db, statement)).map(ticketFromSql),
  };
}

/**
 * GET /tickets — filters, text search in title and description, sort and paging. `meta.total` on offset pages as
 * `input.total` asks (docs/adr/0016-list-totals.md): by default nothing is counted beyond the page.
 */
export async function findTickets(ctx: Ctx, input: FindTicketsInput) {
  const { run, plan, filter, known } = await ticketListQuery(ctx, input);
  const rowsOut = await run();
  const page = toPage(rowsOut, input, plan, sortColumns, idColumn, (r) => r, await pageTotal(ctx.db, plan, input.total, rowsOut.length, tickets, filter));
  return { ...page, items: await ticketAnswers(ctx, page.items, known) };
}

/** GET /tickets/{id} */
export async function getTicket(ctx: Ctx, ticketId: string) {
  const { ticket, access } = await requireTicketAccess(ctx, ticketId);
  return ticketAnswer(ctx, ticket, standingOf(access));
}

/**
 * Every agent polls this, several times per ticket it finishes: a prepared statement (see claimableSql). The
 * workspace's gates come first, as constants of the statement: an archived workspace or a budget hard stop (the
 * same conditions the claim checks in its own statement) offers nothing, since nobody could claim what it offered.
 * `gate` always yields one row, so an empty answer still says why; MATERIALIZED keeps it to two primary-key
 * lookups per poll (inlined, PostgreSQL evaluated them twice), and the tickets are one range scan of the partial
 * index `tickets_available_idx` behind a one-time filter, run only when both gates are open (EXPLAIN on PostgreSQL 15).
 */
const POLL_AVAILABLE = statement<'workspaceId' | 'agentId' | 'capabilities' | 'month' | 'limit'>(
  'mc_poll_available',
  `WITH gate AS MATERIALIZED (SELECT ${claimGatesSql(':workspaceId')})
  SELECT t.*, g.gate_workspace_open, g.gate_budget_open
  FROM gate g LEFT JOIN LATERAL (
    SELECT * FROM tickets t WHERE ${claimableSql('t')} AND g.gate_workspace_open AND g.gate_budget_open
    ORDER BY t.priority, t.created_at, t.id LIMIT :limit::int) t ON true`,
);

/** Why the poll offers nothing whatever the tickets: shown to the agent in the answer's `meta.paused`. */
export interface PollPause {
  reason: 'workspace_archived' | 'budget_exceeded';
  message: string;
  /** The budget hard stop's details (month, limit, used, limitValue, resetsAt), as a claim's 402 has them. */
  details?: Record<string, unknown>;
}

export interface AvailableTickets {
  items: TicketDto[];
  /** Set when the workspace offers no work at all right now (archived, or budget hard stop). */
  paused: PollPause | null;
}

/**
 * GET /tickets/available — the To-do tickets this agent may claim, best first (priority, then age). Served by
 * the partial index `tickets_available_idx`. Nothing while the workspace is archived or its budget blocks claims;
 * `paused` says which.
 */
export async function findAvailableTickets(ctx: Ctx, input: { limit: number }): Promise<AvailableTickets> {
  const me = requireAgent(ctx);
  const rows = await POLL_AVAILABLE.run(ctx.db, {
    workspaceId: me.workspaceId,
    agentId: me.agentId,
    capabilities: JSON.stringify(me.capabilities),
    month: budgetMonthOf(ctx.clock.now()),
    limit: input.limit,
  });
  const paused = await pollPause(ctx, me.workspaceId, rows[0] as { gate_workspace_open: boolean; gate_budget_open: boolean } | undefined);
  // Offered only while the workspace is open (the gate), so the agent's standing is known without a query.
  return { items: rows.filter((r) => r.id !== null).map((r) => ticketAnswer(ctx, ticketFromSql(r), OPEN_AGENT_STANDING)), paused };
}

/** The poll's `paused` from its gate columns (`gate_workspace_open`, `gate_budget_open`; none: open). */
export async function pollPause(ctx: Ctx, workspaceId: string, gate: { gate_workspace_open: boolean; gate_budget_open: boolean } | undefined): Promise<PollPause | null> {
  if (gate && !gate.gate_workspace_open) return { reason: 'workspace_archived', message: workspaceArchived().message };
  if (gate && !gate.gate_budget_open) {
    // Only while blocked (rare): the same 402 a claim would get, as the reason.
    const blocked = await budgetBlock(ctx, workspaceId);
    if (blocked) return { reason: 'budget_exceeded', message: blocked.message, details: blocked.details };
  }
  return null;
}

/** Events after which a poll may find new work (a restored workspace, a lifted hard stop: all of it). */
export const WAKING_EVENTS = new Set(['ticket.created', 'ticket.released', 'ticket.moved', 'ticket.updated', 'ticket.assigned', 'workspace.restored', 'workspace.budget_unblocked']);


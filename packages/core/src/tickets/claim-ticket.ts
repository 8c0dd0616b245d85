import { tickets } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import { requireAgent } from '../auth/guards';
import { budgetMonthOf } from '../budgets/budget.rules';
import { budgetBlock } from '../budgets/usage';
import type { AgentPrincipal, Ctx } from '../context';
import { DomainError, notFound } from '../errors';
import { ticketEventFields, ticketRefSql } from '../events/emit-event';
import { liveJson, liveNotifySql } from '../events/live';
import { ID_PREFIX, newId } from '../shared/ids';
import { statement } from '../shared/statement';
import { workspaceArchived, workspaceOpenSql } from '../workspaces/workspace-access';
import { leaseExpiredSentence, lostLease } from './lease';
import { OPEN_AGENT_STANDING, ticketAnswer } from './ticket-access';
import { ticketFromSql, type TicketRow } from './ticket-dto';
import { allowedNextStatuses, CLAIM_LEASE_MS, type TicketStatus } from './tickets.rules';

/**
 * The poll's condition over the tickets row `t`, shared with the claim so that what is offered is exactly what can
 * be claimed: To-do, nobody holds it, unassigned or assigned to this agent, and its required capabilities are a
 * subset of the agent's. `'todo'` and `IS NULL` are literals, not parameters: only then can PostgreSQL prove that
 * the partial index `tickets_available_idx` (`WHERE status = 'todo' AND claimed_by_agent_id IS NULL`) serves the
 * query, also under a prepared statement's generic plan. Parameters: `:workspaceId`, `:agentId`, `:capabilities`.
 */
export const claimableSql = (t: string) => `${t}.workspace_id = :workspaceId AND ${t}.status = 'todo' AND ${t}.claimed_by_agent_id IS NULL
    AND ((${t}.assignee_agent_id IS NULL AND ${t}.assignee_user_id IS NULL) OR ${t}.assignee_agent_id = :agentId)
    AND ${t}.required_capabilities <@ :capabilities::jsonb`;

/**
 * The budget hard stop of the month `:month` (`budgetMonthOf`: the first day of the UTC month of the ctx clock):
 * its `workspace_usage` row has `blocked = true`, kept by the budget accounting (packages/core/src/budgets). A month
 * without a row yet has used nothing, which only a limit of 0 under hard stop refuses (as `budgetStanding` decides
 * for zero usage; `readBudget` reads it the same way).
 */
export const budgetBlockedSql = (workspaceId: string) =>
  `(EXISTS (SELECT 1 FROM workspace_usage u WHERE u.workspace_id = ${workspaceId} AND u.month = :month::date AND u.blocked)
    OR (NOT EXISTS (SELECT 1 FROM workspace_usage u WHERE u.workspace_id = ${workspaceId} AND u.month = :month::date)
      AND EXISTS (SELECT 1 FROM workspaces bw WHERE bw.id = ${workspaceId} AND bw.hard_stop
        AND (bw.monthly_token_limit = 0 OR bw.monthly_cost_limit_usd = 0))))`;

/**
 * The claim as one statement (no transaction needed: one statement is atomic), because on this hot path the number
 * of statements is the cost (bench/README.md). The conditional UPDATE is the race: of many agents claiming the same
 * ticket exactly one matches the row. In the same statement and only for that row: the activity entry, the outbox
 * event and the live announcement. `ticket.claimed` notifies nobody (notify.ts), so there is no notification CTE.
 * A workspace whose monthly budget is blocked (hard stop), or that is archived, matches no row.
 * When no row matched, the second branch returns the ticket as the statement's snapshot saw it, with its holder's
 * name, whether the budget blocks claims and whether the workspace is archived, so that a lost claim (most claims, when agents race for the best
 * tickets) is explained without a second statement. `won` tells the branches apart; no row: no such ticket here.
 */
const CLAIM = statement<
  | 'ticketId' | 'workspaceId' | 'agentId' | 'capabilities' | 'now' | 'leaseExpiresAt' | 'month' | 'activityId' | 'actorName'
  | 'activityMetadata' | 'requestId' | 'eventId' | 'eventVersion' | 'eventData' | 'live'
>(
  'mc_claim_ticket',
  `WITH won AS (
    UPDATE tickets t SET claimed_by_agent_id = :agentId, claimed_at = :now::timestamptz, lease_expires_at = :leaseExpiresAt::timestamptz,
      status = 'in_progress', status_changed_at = :now::timestamptz, updated_at = :now::timestamptz, version = t.version + 1
    WHERE t.id = :ticketId AND ${claimableSql('t')}
      AND NOT ${budgetBlockedSql(':workspaceId')} AND ${workspaceOpenSql(':workspaceId')}
    RETURNING t.*),
  act AS (
    INSERT INTO activity (id, workspace_id, actor_kind, actor_id, actor_name, action, target_kind, target_id, summary, metadata, status, request_id, created_at)
    SELECT :activityId::text, w.workspace_id, 'agent', :agentId::text, :actorName::text, 'ticket.claimed', 'ticket', w.id,
      'claimed #' || w.number || ' ' || w.title, :activityMetadata::jsonb, w.status, :requestId::text, :now::timestamptz
    FROM won w),
  ev AS (
    INSERT INTO events (id, workspace_id, type, version, actor_kind, actor_id, actor_name, data, occurred_at)
    SELECT :eventId::text, w.workspace_id, 'ticket.claimed', :eventVersion::int, 'agent', :agentId::text, :actorName::text,
      jsonb_build_object('ticket', ${ticketRefSql('w')}) || :eventData::jsonb, :now::timestamptz
    FROM won w)
  SELECT w.*, true AS won, NULL::text AS holder_name, false AS budget_blocked, false AS workspace_archived, ${liveNotifySql(':live')}::text AS published FROM won w
  UNION ALL
  SELECT t.*, false, a.name, ${budgetBlockedSql('t.workspace_id')}, NOT ${workspaceOpenSql('t.workspace_id')}, NULL
  FROM tickets t LEFT JOIN agents a ON a.id = t.claimed_by_agent_id
  WHERE t.id = :ticketId AND t.workspace_id = :workspaceId AND NOT EXISTS (SELECT 1 FROM won)`,
);

/**
 * PATCH /tickets/{id}/claim — one conditional UPDATE: of many racing agents exactly one wins; the others get
 * 409 CONFLICT naming the holder. The claim moves the ticket to in_progress and starts a lease that the
 * holder's writes and heartbeats renew. Claiming a ticket you already hold just renews the lease. While the
 * workspace's monthly budget is exhausted with a hard stop, claims are 402 BUDGET_EXCEEDED.
 */
export async function claimTicket(ctx: Ctx, ticketId: string) {
  const me = requireAgent(ctx);
  for (let attempt = 0; ; attempt++) {
    const row = await runClaim(ctx, me, ticketId);
    if (!row) throw notFound('ticket');
    if (row.won) return ticketAnswer(ctx, ticketFromSql(row), OPEN_AGENT_STANDING);
    const renewed = await explainLostClaim(ctx, me, row);
    if (renewed) return ticketAnswer(ctx, renewed, OPEN_AGENT_STANDING);
    // Nothing explains it: the claim lost a race that the statement's snapshot does not show yet (the winner
    // committed while it waited for the row). Once more, with a fresh snapshot.
    if (attempt >= 1) throw new DomainError('CONFLICT', 'the ticket changed while it was being claimed; poll again');
  }
}

async function runClaim(ctx: Ctx, me: AgentPrincipal, ticketId: string): Promise<Record<string, any> | undefined> {
  const now = ctx.clock.now();
  const leaseExpiresAt = new Date(now.getTime() + CLAIM_LEASE_MS).toISOString();
  const event = ticketEventFields(ctx, 'ticket.claimed', { agentId: me.agentId, leaseExpiresAt });
  const [row] = await CLAIM.run(ctx.db, {
    ticketId,
    workspaceId: me.workspaceId,
    agentId: me.agentId,
    capabilities: JSON.stringify(me.capabilities),
    now: now.toISOString(),
    leaseExpiresAt,
    month: budgetMonthOf(now),
    activityId: newId(ID_PREFIX.activity, now.getTime()),
    actorName: me.name,
    activityMetadata: JSON.stringify({ leaseExpiresAt, from: 'todo', to: 'in_progress' }),
    requestId: ctx.requestId,
    eventId: event.id,
    eventVersion: event.version,
    eventData: event.restJson,
    live: liveJson(ctx, { type: 'ticket.claimed', workspaceId: me.workspaceId, ticketId, agentId: me.agentId, status: 'in_progress', eventId: event.id, recipients: [] }),
  });
  return row;
}

/**
 * A claim that matched no row, explained from the ticket as the claim statement saw it, the permanent reasons
 * first: archived workspace → 409; already ours → the lease is renewed (the renewed ticket is returned); not To-do
 * (pr_review, done, closed) → INVALID_TRANSITION; budget hard stop → 402 with the limit and the usage; held by
 * another agent → 409 naming it (and, when it was ours until our lease expired, saying so); assigned elsewhere or
 * missing capabilities → 409. Returns null when nothing explains it (it changed in between).
 */
async function explainLostClaim(ctx: Ctx, me: AgentPrincipal, found: Record<string, any>): Promise<TicketRow | null> {
  const now = ctx.clock.now();
  const t = ticketFromSql(found);
  if (found.workspace_archived) throw workspaceArchived();
  if (t.claimedByAgentId === me.agentId && t.status === 'in_progress') {
    const [renewed] = await ctx.db
      .update(tickets)
      .set({ leaseExpiresAt: new Date(now.getTime() + CLAIM_LEASE_MS), updatedAt: now })
      .where(and(eq(tickets.id, t.id), eq(tickets.claimedByAgentId, me.agentId), eq(tickets.status, 'in_progress')))
      .returning();
    return renewed ?? null;
  }
  if (t.status !== 'todo' && t.status !== 'in_progress') {
    // The holder stays on record after pr_review (who did the work): the status is the reason, not the holder.
    throw new DomainError('INVALID_TRANSITION', `ticket #${t.number} is ${t.status}; only To-do tickets can be claimed`, {
      from: t.status,
      to: 'in_progress',
      allowed: allowedNextStatuses(t.status as TicketStatus),
    });
  }
  if (found.budget_blocked) {
    // Said as every door of the hard stop says it (assertBudgetOpen): month, limit, used, limitValue, resetsAt.
    const blocked = await budgetBlock(ctx, me.workspaceId);
    if (blocked) throw blocked;
    return null;
  }
  if (t.claimedByAgentId) {
    const holderName = found.holder_name as string | null;
    const lost = await lostLease(ctx, t, me.agentId);
    const held = `ticket #${t.number} is already claimed by ${holderName ?? t.claimedByAgentId}`;
    throw new DomainError('CONFLICT', lost ? `${leaseExpiredSentence(t.number, lost)}, and ${holderName ?? t.claimedByAgentId} has claimed it since` : held, {
      claimedBy: t.claimedByAgentId,
      claimedByName: holderName ?? null,
      leaseExpiresAt: t.leaseExpiresAt?.toISOString() ?? null,
      ...(lost ? { reason: 'lease_expired', yourLeaseExpiredAt: lost.leaseExpiredAt } : {}),
    });
  }
  if ((t.assigneeAgentId && t.assigneeAgentId !== me.agentId) || (!t.assigneeAgentId && t.assigneeUserId)) {
    throw new DomainError('CONFLICT', `ticket #${t.number} is assigned to someone else`, {
      assignee: t.assigneeAgentId ?? t.assigneeUserId,
    });
  }
  const missing = t.requiredCapabilities.filter((c) => !me.capabilities.includes(c));
  if (missing.length) {
    throw new DomainError('CONFLICT', `this agent lacks the capabilities the ticket requires: ${missing.join(', ')}`, { missingCapabilities: missing });
  }
  return null;
}

/** Renew every lease the agent holds (heartbeat, and any write of the holder). */
export async function renewLeases(ctx: Ctx, agentId: string): Promise<number> {
  const now = ctx.clock.now();
  const res = await ctx.db
    .update(tickets)
    .set({ leaseExpiresAt: new Date(now.getTime() + CLAIM_LEASE_MS) })
    .where(and(eq(tickets.claimedByAgentId, agentId), eq(tickets.status, 'in_progress')))
    .returning({ id: tickets.id });
  return res.length;
}

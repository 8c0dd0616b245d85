import { tickets } from '@mc/db';
import { and, eq } from 'drizzle-orm';
import { requireAgent } from '../shared/guards';
import { budgetMonthOf } from '../budgets/budget.rules';
import { budgetBlock } from '../budgets/usage';
import type { AgentPrincipal, Ctx } from '../context';
import { conflict, invalidTransition, notFound, type DomainError } from '../errors';
import { ticketEventFields, ticketRefSql } from '../events/emit-event';
import { liveJson, liveNotifySql } from '../shared/live';
import { ID_PREFIX, newId } from '../shared/ids';
import { statement } from '../shared/statement';
import { workspaceArchived, workspaceOpenSql } from '../shared/workspace-access';
import { isReacted, receiverlessSql } from '../webhooks/dispatch-events';
import { leaseExpiredSentence, lostLease } from './lease';
import { OPEN_AGENT_STANDING, ticketAnswer } from './ticket-access';
import { ticketFromSql, type TicketRow } from './ticket-dto';
import { allowedNextStatuses, CLAIM_LEASE_MS, claimAfter, claimEffectSql, edgeOf, type TicketStatus } from './tickets.rules';

/** Why a claim matched no row, as one condition tells it: a refusal, `renew` (the claimant holds it), or null (not this one). */
type ClaimMiss = DomainError | 'renew' | null;

interface ClaimCondition {
  name: string;
  /**
   * `row`: over the tickets row (`claimableSql`, shared with the poll); `gate`: over the workspace (the claim checks it
   * in its statement, the poll once per poll before looking at tickets).
   */
  scope: 'row' | 'gate';
  /** The condition as SQL: over the tickets row `x` (row), or over the workspace id expression `x` (gate). */
  sql: (x: string) => string;
  /** The same condition in JS, on the ticket as the claim statement saw it (`found`), with the refusal it gives. */
  explain: (ctx: Ctx, me: AgentPrincipal, t: TicketRow, found: Record<string, any>) => ClaimMiss | Promise<ClaimMiss>;
}

/**
 * "Claimable", declared once: the claim's WHERE (and the poll's) is generated from this list, and a lost claim is
 * explained by walking the same list in this order (the permanent reasons first), the first condition that explains
 * it giving the answer. Parameters: `:workspaceId`, `:agentId`, `:capabilities`, `:month`. In the row conditions,
 * `'todo'` and `IS NULL` are literals, not parameters: only then can PostgreSQL prove that the partial index
 * `tickets_available_idx` (`WHERE status = 'todo' AND claimed_by_agent_id IS NULL`) serves the poll, also under a
 * prepared statement's generic plan.
 */
const CLAIM_CONDITIONS: readonly ClaimCondition[] = [
  { name: 'in_workspace', scope: 'row', sql: (t) => `${t}.workspace_id = :workspaceId`, explain: () => null }, // else no row at all: 404
  {
    name: 'workspace_open',
    scope: 'gate',
    sql: (w) => workspaceOpenSql(w),
    explain: (_ctx, _me, _t, found) => (found.gate_workspace_open === false ? workspaceArchived() : null),
  },
  {
    // The claim edges of tickets.rules.ts: To-do → in_progress (`start`); in_progress by its holder (`renew`).
    name: 'todo',
    scope: 'row',
    sql: (t) => `${t}.status = '${edgeOf('claim', 'todo').from}'`,
    explain: (_ctx, me, t) => {
      const renew = edgeOf('claim', 'in_progress');
      if (t.status === renew.from && t.claimedByAgentId === me.agentId) return 'renew';
      // A ticket in progress with a holder is explained by `unclaimed`; from pr_review on the status is the reason
      // (the holder stays on record as who did the work).
      if (t.status === 'todo' || (t.status === 'in_progress' && t.claimedByAgentId)) return null;
      return invalidTransition(`ticket #${t.number} is ${t.status}; only To-do tickets can be claimed`, {
        from: t.status,
        to: 'in_progress',
        allowed: allowedNextStatuses(t.status as TicketStatus),
      });
    },
  },
  {
    name: 'budget_open',
    scope: 'gate',
    sql: (w) => `NOT ${budgetBlockedSql(w)}`,
    // Said as every door of the hard stop says it (assertBudgetOpen): month, limit, used, limitValue, resetsAt.
    explain: async (ctx, me, _t, found) => (found.gate_budget_open === false ? await budgetBlock(ctx, me.workspaceId) : null),
  },
  {
    name: 'unclaimed',
    scope: 'row',
    sql: (t) => `${t}.claimed_by_agent_id IS NULL`,
    explain: async (ctx, me, t, found) => {
      if (!t.claimedByAgentId) return null;
      const holderName = (found.holder_name as string | null) ?? t.claimedByAgentId;
      const lost = await lostLease(ctx, t, me.agentId);
      return conflict(lost ? `${leaseExpiredSentence(t.number, lost)}, and ${holderName} has claimed it since` : `ticket #${t.number} is already claimed by ${holderName}`, {
        claimedBy: t.claimedByAgentId,
        claimedByName: (found.holder_name as string | null) ?? null,
        leaseExpiresAt: t.leaseExpiresAt?.toISOString() ?? null,
        ...(lost ? { reason: 'lease_expired', yourLeaseExpiredAt: lost.leaseExpiredAt } : {}),
      });
    },
  },
  {
    name: 'assigned_to_claimant',
    scope: 'row',
    sql: (t) => `((${t}.assignee_agent_id IS NULL AND ${t}.assignee_user_id IS NULL) OR ${t}.assignee_agent_id = :agentId)`,
    explain: (_ctx, me, t) =>
      (t.assigneeAgentId && t.assigneeAgentId !== me.agentId) || (!t.assigneeAgentId && t.assigneeUserId)
        ? conflict(`ticket #${t.number} is assigned to someone else`, { assignee: t.assigneeAgentId ?? t.assigneeUserId })
        : null,
  },
  {
    name: 'capabilities',
    scope: 'row',
    sql: (t) => capabilitiesWithinSql(t, ':capabilities'),
    explain: (_ctx, me, t) => {
      const missing = t.requiredCapabilities.filter((c) => !me.capabilities.includes(c));
      return missing.length ? conflict(`this agent lacks the capabilities the ticket requires: ${missing.join(', ')}`, { missingCapabilities: missing }) : null;
    },
  },
];

/**
 * The ticket `t` requires only capabilities within `caps` (a jsonb array parameter). The `= '[]'` branch says nothing
 * new (an empty array is within any) but gives the planner a selectivity it can read off the statistics: with `<@ $n`
 * alone, a prepared statement's generic plan guesses that almost no ticket matches, prices the walk of
 * `tickets_available_idx` above a scan and sort of the workspace, and PostgreSQL (`plan_cache_mode = auto`) then plans
 * claim-next afresh on every run (PGlite: 200 custom plans of 200; 4.3–4.5 ms of CPU per claim-next against 1.6–2.0
 * with the generic plan it now keeps, bench/README.md).
 */
export const capabilitiesWithinSql = (t: string, caps: string) => `(${t}.required_capabilities = '[]'::jsonb OR ${t}.required_capabilities <@ ${caps}::jsonb)`;

/**
 * The poll's condition over the tickets row `t`, shared with the claim so that what is offered is exactly what can
 * be claimed: the row conditions of CLAIM_CONDITIONS (To-do, nobody holds it, unassigned or assigned to this agent,
 * its required capabilities a subset of the agent's). Parameters: `:workspaceId`, `:agentId`, `:capabilities`.
 */
export const claimableSql = (t: string) =>
  CLAIM_CONDITIONS.filter((c) => c.scope === 'row')
    .map((c) => c.sql(t))
    .join('\n    AND ');

/** The workspace gates of CLAIM_CONDITIONS over the workspace id expression `w`, each as a named boolean column `gate_<name>`. */
export const claimGatesSql = (w: string) =>
  CLAIM_CONDITIONS.filter((c) => c.scope === 'gate')
    .map((c) => `${c.sql(w)} AS gate_${c.name}`)
    .join(', ');
/** The same columns for the branch of a won claim, whose WHERE already required every gate: constants, no lookups. */
const claimGatesOpenSql = () =>
  CLAIM_CONDITIONS.filter((c) => c.scope === 'gate')
    .map((c) => `true AS gate_${c.name}`)
    .join(', ');
const claimGatesHoldSql = (w: string) =>
  CLAIM_CONDITIONS.filter((c) => c.scope === 'gate')
    .map((c) => c.sql(w))
    .join(' AND ');

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

/** The claim edge of the lifecycle (tickets.rules.ts): To-do → in_progress, the claimant becomes the holder. */
const CLAIM_EDGE = edgeOf('claim', 'todo');

/** The parameters of `claimWritesSql` (and of `claimParams`). */
export type ClaimParam =
  | 'workspaceId' | 'agentId' | 'capabilities' | 'now' | 'leaseUntil' | 'month' | 'activityId' | 'actorName'
  | 'activityMetadata' | 'requestId' | 'eventId' | 'eventVersion' | 'eventData' | 'quietable' | 'live';

/** The gates of CLAIM_CONDITIONS as already evaluated in a row `g` of `claimGatesSql` columns: all of them hold. */
export const claimGatesOfSql = (g: string) =>
  CLAIM_CONDITIONS.filter((c) => c.scope === 'gate')
    .map((c) => `${g}.gate_${c.name}`)
    .join(' AND ');

/**
 * What a claim writes, as the CTEs `won` (the conditional UPDATE of the ticket matching `target`, a condition over
 * `t`, and `gatesHold`: by default the workspace gates looked up here; claim-next, which has looked them up once
 * already in the same statement, passes their evaluated row instead), `act` (the activity entry) and `ev` (the outbox event), for the claim of one ticket and for claim-next
 * (claim-next.ts), which differ only in how the ticket is chosen. The statement that uses it publishes `:live` for
 * the row of `won` (`liveNotifySql`). In a workspace with no receiver for its events (`receiverlessSql`: no enabled
 * webhook endpoint, no active agent with an endpoint) the event is written already dispatched, unless a reaction of
 * this process waits for claims (`:quietable` false): the webhook dispatcher would only lock it and mark it so, a
 * second and third write of the row per claim (bench/README.md), and the outbox index never holds it.
 */
export const claimWritesSql = (target: string, gatesHold = claimGatesHoldSql(':workspaceId')) => `won AS (
    UPDATE tickets t SET ${claimEffectSql(CLAIM_EDGE.claim, 't').join(', ')},
      status = '${CLAIM_EDGE.to}', status_changed_at = :now::timestamptz, updated_at = :now::timestamptz, version = t.version + 1
    WHERE ${target} AND ${claimableSql('t')}
      AND ${gatesHold}
    RETURNING t.*),
  act AS (
    INSERT INTO activity (id, workspace_id, actor_kind, actor_id, actor_name, action, target_kind, target_id, summary, metadata, status, request_id, created_at)
    SELECT :activityId::text, w.workspace_id, 'agent', :agentId::text, :actorName::text, '${CLAIM_EDGE.activity}', 'ticket', w.id,
      'claimed #' || w.number || ' ' || w.title, :activityMetadata::jsonb, w.status, :requestId::text, :now::timestamptz
    FROM won w),
  ev AS (
    INSERT INTO events (id, workspace_id, type, version, actor_kind, actor_id, actor_name, data, occurred_at, dispatched_at)
    SELECT :eventId::text, w.workspace_id, '${CLAIM_EDGE.event}', :eventVersion::int, 'agent', :agentId::text, :actorName::text,
      jsonb_build_object('ticket', ${ticketRefSql('w')}) || :eventData::jsonb, :now::timestamptz,
      CASE WHEN :quietable::boolean AND ${receiverlessSql('w.workspace_id')} THEN :now::timestamptz END
    FROM won w
    RETURNING dispatched_at IS NOT NULL AS dispatched)`;

/**
 * The live announcement's part that only the claim statement knows: whether its event was written dispatched (the
 * webhook runner is then not woken: `dispatcherWake`). `ev` has one row when the claim was won.
 */
export const claimLiveExtraSql = `jsonb_build_object('dispatched', (SELECT ev.dispatched FROM ev))`;

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
const CLAIM = statement<ClaimParam | 'ticketId'>(
  'mc_claim_ticket',
  `WITH ${claimWritesSql('t.id = :ticketId')}
  SELECT w.*, true AS won, NULL::text AS holder_name, ${claimGatesOpenSql()}, ${liveNotifySql(':live', claimLiveExtraSql)}::text AS published FROM won w
  UNION ALL
  SELECT t.*, false, a.name, ${claimGatesSql('t.workspace_id')}, NULL
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
    if (attempt >= 1) throw conflict('the ticket changed while it was being claimed; poll again');
  }
}

async function runClaim(ctx: Ctx, me: AgentPrincipal, ticketId: string): Promise<Record<string, any> | undefined> {
  const [row] = await CLAIM.run(ctx.db, { ticketId, ...claimParams(ctx, me, ticketId) });
  return row;
}

/**
 * The values of `claimWritesSql`'s parameters for a claim by `me` now. Without `ticketId` (claim-next: the ticket is
 * chosen by the statement) the live announcement lacks it, and the statement adds it (`liveNotifySql`'s `extra`).
 */
export function claimParams(ctx: Ctx, me: AgentPrincipal, ticketId?: string): Record<ClaimParam, unknown> {
  const now = ctx.clock.now();
  const { leaseExpiresAt: lease } = claimAfter(CLAIM_EDGE.claim, { claimedByAgentId: null }, now, me.agentId);
  const leaseExpiresAt = lease!.toISOString();
  const event = ticketEventFields(ctx, 'ticket.claimed', { agentId: me.agentId, leaseExpiresAt });
  return {
    workspaceId: me.workspaceId,
    agentId: me.agentId,
    capabilities: JSON.stringify(me.capabilities),
    now: now.toISOString(),
    leaseUntil: leaseExpiresAt,
    month: budgetMonthOf(now),
    activityId: newId(ID_PREFIX.activity, now.getTime()),
    actorName: me.name,
    activityMetadata: JSON.stringify({ leaseExpiresAt, from: CLAIM_EDGE.from, to: CLAIM_EDGE.to }),
    requestId: ctx.requestId,
    eventId: event.id,
    eventVersion: event.version,
    eventData: event.restJson,
    quietable: !isReacted(CLAIM_EDGE.event),
    live: liveJson(ctx, { type: CLAIM_EDGE.event, workspaceId: me.workspaceId, ...(ticketId ? { ticketId } : {}), agentId: me.agentId, status: CLAIM_EDGE.to, eventId: event.id, recipients: [] }),
  };
}

/**
 * A claim that matched no row, explained from the ticket as the claim statement saw it by walking CLAIM_CONDITIONS:
 * the first condition that explains the miss answers (an archived workspace → 409; not To-do → INVALID_TRANSITION;
 * budget hard stop → 402 with the limit and the usage; held by another agent → 409 naming it, and saying so when it
 * was ours until our lease expired; assigned elsewhere or missing capabilities → 409), except that a ticket the
 * claimant already holds has its lease renewed (the lifecycle's claim edge from in_progress) and is returned.
 * Returns null when nothing explains it (it changed in between).
 */
async function explainLostClaim(ctx: Ctx, me: AgentPrincipal, found: Record<string, any>): Promise<TicketRow | null> {
  const t = ticketFromSql(found);
  for (const c of CLAIM_CONDITIONS) {
    const miss = await c.explain(ctx, me, t, found);
    if (miss === 'renew') return renewOwnClaim(ctx, me, t);
    if (miss) throw miss;
  }
  return null;
}

/** Claiming a ticket the agent holds: the claim edge from in_progress, whose effect is `renew`. */
async function renewOwnClaim(ctx: Ctx, me: AgentPrincipal, t: TicketRow): Promise<TicketRow | null> {
  const edge = edgeOf('claim', 'in_progress');
  const now = ctx.clock.now();
  const [renewed] = await ctx.db
    .update(tickets)
    .set({ ...claimAfter(edge.claim, t, now), updatedAt: now })
    .where(and(eq(tickets.id, t.id), eq(tickets.claimedByAgentId, me.agentId), eq(tickets.status, edge.from)))
    .returning();
  return renewed ?? null;
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

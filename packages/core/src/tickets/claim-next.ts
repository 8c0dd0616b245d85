// Claim-next: the agent asks for work and gets the best ticket it may take, claimed, in one request — instead of
// polling a list and racing the other agents for its first items (bench/README.md: most claims of that loop lose).
import { requireAgent } from '../shared/guards';
import { budgetBlock } from '../budgets/usage';
import type { AgentPrincipal, Ctx } from '../context';
import { validation } from '../errors';
import { liveNotifySql, type LiveBus } from '../shared/live';
import { statement } from '../shared/statement';
import { workspaceArchived } from '../shared/workspace-access';
import { capabilitiesWithinSql, claimableSql, claimGatesOfSql, claimGatesSql, claimLiveExtraSql, claimParams, claimWritesSql, type ClaimParam } from './claim-ticket';
import { claimNextWaiters } from './claim-next-waiters';
import { OPEN_AGENT_STANDING, ticketAnswer } from './ticket-access';
import { ticketFromSql } from './ticket-dto';
import { AVAILABLE_WAIT_MAX_SECONDS } from './tickets.rules';

/**
 * One statement (the hot path: statements are the cost). `gate` evaluates the workspace's gates once (`claimGatesSql`:
 * archived, budget hard stop), as the poll does. `pick` is the best ticket the claim would take — the claim's own condition
 * (`claimableSql`), narrowed to the tickets whose required capabilities are within `:chosen` (a subset of the
 * agent's, checked before), priority then age — locked with `FOR UPDATE SKIP LOCKED`: racing agents each lock a
 * different ticket instead of queueing on the same one, and a ticket claimed since the statement's snapshot is
 * re-checked under the lock and skipped. It is one range scan of the partial index `tickets_available_idx`
 * (`workspace_id, priority, created_at, id` over To-do unclaimed tickets) read in index order, stopping at the first
 * row it can lock (EXPLAIN on PostgreSQL 15: Limit → LockRows → Index Scan, no sort). The claim's writes
 * (`claimWritesSql`: the conditional UPDATE, the activity entry, the outbox event) are then those of
 * `PATCH /tickets/{id}/claim` for the picked id, except that its UPDATE takes the gates from `gate` (the same snapshot
 * of the same statement: looking them up again would only repeat four primary-key lookups), and the live
 * announcement gets the ticket's id from the row. One row
 * always comes back: the gates, and the claimed ticket's columns (all NULL when nothing was claimed). The plan is
 * checked by a test (tickets-claim-next.int.test.ts), on both databases, as a prepared statement's generic plan.
 */
export const CLAIM_NEXT_SQL = `WITH gate AS MATERIALIZED (SELECT ${claimGatesSql(':workspaceId')}),
  pick AS (
    SELECT c.id FROM tickets c
    WHERE ${claimableSql('c')} AND ${capabilitiesWithinSql('c', ':chosen')}
      AND (SELECT ${claimGatesOfSql('g')} FROM gate g)
    ORDER BY c.priority, c.created_at, c.id
    LIMIT 1
    FOR UPDATE OF c SKIP LOCKED),
  ${claimWritesSql('t.id = (SELECT p.id FROM pick p)', `(SELECT ${claimGatesOfSql('g')} FROM gate g)`)}
  SELECT g.*, w.*,
    CASE WHEN w.id IS NOT NULL THEN ${liveNotifySql(':live', `jsonb_build_object('ticketId', w.id) || ${claimLiveExtraSql}`)}::text END AS published
  FROM gate g LEFT JOIN won w ON true`;

const CLAIM_NEXT = statement<ClaimParam | 'chosen'>('mc_claim_next_ticket', CLAIM_NEXT_SQL);

export interface ClaimNextInput {
  /** Only tickets whose required capabilities are within these (a subset of the agent's own); default: all of its own. */
  capabilities?: string[];
  /** Long-poll: how long to wait for a ticket when there is none now (0..AVAILABLE_WAIT_MAX_SECONDS). */
  waitSeconds: number;
  /** The request's: a client that goes away ends the wait. */
  signal?: AbortSignal;
}

/**
 * POST /tickets/claim-next — claim the best To-do ticket this agent may take (the one `PATCH /tickets/{id}/claim`
 * would accept, first by priority then age), or null when there is none, after waiting up to `waitSeconds` for one.
 * An archived workspace is 409 `workspace_archived` and a budget hard stop 402 BUDGET_EXCEEDED, as for the claim,
 * at once and also when they happen during the wait: "blocked" is never told as "nothing to do".
 */
export async function claimNextTicket(ctx: Ctx, bus: LiveBus, input: ClaimNextInput) {
  const me = requireAgent(ctx);
  const chosen = chosenCapabilities(me.capabilities, input.capabilities);
  const waitMs = Math.min(Math.max(0, input.waitSeconds), AVAILABLE_WAIT_MAX_SECONDS) * 1000;
  if (waitMs === 0) return claimNextNow(ctx, me, chosen);
  // Join the queue before the first look, so that a ticket announced in between is not missed.
  const deadline = Date.now() + waitMs;
  const waiter = claimNextWaiters(bus).join(me.workspaceId, me.agentId, input.signal, { agentId: me.agentId, chosen, db: ctx.db });
  let claimed: string | false = false;
  try {
    for (;;) {
      waiter.attempting();
      const ticket = await claimNextNow(ctx, me, chosen);
      if (ticket) {
        claimed = ticket.id;
        return ticket;
      }
      // Woken, but the client has gone: leave (passing the signal on) rather than claim for nobody.
      if (!(await waiter.next(deadline - Date.now())) || input.signal?.aborted) return null;
    }
  } finally {
    // Spends the signal about the ticket it took, if it had one; passes on the others.
    waiter.leave(claimed);
  }
}

async function claimNextNow(ctx: Ctx, me: AgentPrincipal, chosen: string[]) {
  const [row] = await CLAIM_NEXT.run(ctx.db, { ...claimParams(ctx, me), chosen: JSON.stringify(chosen) });
  if (row?.id) return ticketAnswer(ctx, ticketFromSql(row), OPEN_AGENT_STANDING);
  if (!row?.gate_workspace_open) throw workspaceArchived();
  if (!row.gate_budget_open) {
    // Said as every door of the hard stop says it (month, limit, used, limitValue, resetsAt); only while blocked.
    const blocked = await budgetBlock(ctx, me.workspaceId);
    if (blocked) throw blocked;
  }
  return null;
}

/** `capabilities` narrows the choice to some of the agent's own; one it does not have is a mistake, named. */
function chosenCapabilities(own: string[], asked: string[] | undefined): string[] {
  if (!asked) return own;
  const missing = asked.filter((c) => !own.includes(c));
  if (missing.length) {
    throw validation(
      asked.flatMap((c, i) => (own.includes(c) ? [] : [{ field: `capabilities.${i}`, in: 'body' as const, message: `this agent does not have the capability "${c}"` }])),
      `capabilities may only narrow the choice to some of this agent's own (${own.length ? own.join(', ') : 'none'}); it does not have: ${[...new Set(missing)].join(', ')}`,
    );
  }
  return [...new Set(asked)];
}

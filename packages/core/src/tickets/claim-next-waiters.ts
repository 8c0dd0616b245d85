// The waiting side of claim-next's long-poll (tickets/claim-next.ts): the per-workspace queue of waiting agents of one
// process, what wakes it, and how a ticket that its first waiter could not take finds the waiter that can.
import type { Db } from '@mc/db';
import { LIVE_RESYNC, type LiveBus, type LiveEvent } from '../shared/live';
import { Handoff, type HandoffWaiter } from '../shared/handoff';
import { statement } from '../shared/statement';
import { claimableSql } from './claim-ticket';
import { WAKING_EVENTS } from './find-tickets';

/**
 * `claimableSql` (the claim's and the poll's row condition, declared once in CLAIM_CONDITIONS) for a set of waiting
 * agents at once: over the tickets row `t`, for the agent id expression `agent` and the capabilities (jsonb)
 * expression `capabilities` of each, instead of the parameters `:agentId` and `:capabilities`. Checked when the
 * module loads: a condition that starts using another per-agent parameter must be added here, not silently shared.
 */
export function claimableForSql(t: string, agent: string, capabilities: string): string {
  const text = claimableSql(t);
  const out = text.replaceAll(':agentId', agent).replaceAll(':capabilities::jsonb', capabilities);
  if (out === text || /:agentId|:capabilities/.test(out) || !out.includes(agent) || !out.includes(capabilities)) {
    throw new Error(`claimableForSql: claimableSql's per-agent parameters changed; update the substitution:\n${text}`);
  }
  return out;
}

/** What the claim-next queue knows of a waiter: the agent, the capabilities its claim-next looks with, its database. */
export interface ClaimNextFilter {
  agentId: string;
  chosen: string[];
  db: Db;
}

/** How many of the waiters that could take a ticket `narrow` returns (the first is woken; the rest in case it left meanwhile). */
const NARROW_FIRST = 8;

/**
 * Which of the waiting agents (a JSON array of `{i, agent_id, capabilities}`, in queue order) the claim would let take
 * ticket `:ticketId` now — the claim's own row condition (`claimableForSql`) for each: To-do, nobody holds it,
 * unassigned or assigned to that agent, its required capabilities within those the agent looks with. One primary-key
 * read and one condition per waiter, the first few in queue order. The workspace gates are left out: a closed gate
 * is what a woken waiter is told (402/409), not a reason to wake nobody.
 */
const CLAIMABLE_BY = statement<'workspaceId' | 'ticketId' | 'waiters' | 'limit'>(
  'mc_claim_next_claimable_by',
  `SELECT w.i FROM tickets t
  CROSS JOIN jsonb_to_recordset(:waiters::jsonb) AS w(i int, agent_id text, capabilities jsonb)
  WHERE t.id = :ticketId AND ${claimableForSql('t', 'w.agent_id', 'w.capabilities')}
  ORDER BY w.i
  LIMIT :limit::int`,
);

/**
 * The claim-next waiters of one process, per workspace (a `Handoff` fed by the process's live bus, made on first
 * use). A live event after which a ticket may have become claimable — one of `WAKING_EVENTS` (created, released or
 * lease expired, moved, edited, assigned or unassigned) about a To-do ticket — wakes ONE waiter of its workspace;
 * the agent it was assigned to first, if that agent waits. When that waiter finds nothing (another process or
 * another agent took the ticket first, or it needs what this waiter lacks), one statement (`CLAIMABLE_BY`) finds the
 * first waiter that could take it, and the signal goes to that one or, if none, dies — instead of waking the waiters
 * one by one. What may free many tickets at once (a workspace restored, a budget hard stop lifted) and a `resync` of
 * the bus (events may have been lost) wake them all.
 */
export function claimNextWaiters(bus: LiveBus): Handoff<ClaimNextFilter> {
  let waiters = handoffs.get(bus);
  if (!waiters) {
    const h = (waiters = new Handoff<ClaimNextFilter>(claimableBy));
    handoffs.set(bus, h);
    bus.subscribe((e) => wake(h, e));
  }
  return waiters;
}

const handoffs = new WeakMap<LiveBus, Handoff<ClaimNextFilter>>();

async function claimableBy(workspaceId: string, ticketId: string, candidates: readonly HandoffWaiter<ClaimNextFilter>[]) {
  // The waiters of one process share its database.
  const db = candidates[0].filter.db;
  const waiters = candidates.map((w, i) => ({ i, agent_id: w.filter.agentId, capabilities: w.filter.chosen }));
  const rows = await CLAIMABLE_BY.run<{ i: number }>(db, { workspaceId, ticketId, waiters: JSON.stringify(waiters), limit: NARROW_FIRST });
  return rows.map((r) => candidates[Number(r.i)]);
}

function wake(h: Handoff<ClaimNextFilter>, e: LiveEvent) {
  if (e.type === LIVE_RESYNC) return h.broadcast();
  if (!WAKING_EVENTS.has(e.type)) return;
  if (!e.type.startsWith('ticket.')) return h.broadcast(e.workspaceId);
  // A ticket that is not To-do after the change (moved on, edited while in progress) offers no work.
  if (e.status !== undefined && e.status !== 'todo') return;
  h.signal(e.workspaceId, { prefer: e.type === 'ticket.assigned' ? e.agentId : undefined, subject: e.ticketId });
}

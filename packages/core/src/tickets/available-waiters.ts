// The long-poll `GET /tickets/available?wait=N`: the waiting agents of one process, per workspace, answered together —
// one statement for every waiter of a workspace when work may have appeared there, not one per waiter.
import type { AgentPrincipal, Ctx } from '../context';
import { requireAgent } from '../shared/guards';
import { waitDeadlines, type Deadline, type Deadlines } from '../shared/deadlines';
import { LIVE_RESYNC, type LiveBus, type LiveEvent } from '../shared/live';
import { statement } from '../shared/statement';
import { budgetMonthOf } from '../budgets/budget.rules';
import { claimGatesSql } from './claim-ticket';
import { claimableForSql } from './claim-next-waiters';
import { findAvailableTickets, pollPause, WAKING_EVENTS, type AvailableTickets } from './find-tickets';
import { OPEN_AGENT_STANDING, ticketAnswer } from './ticket-access';
import { ticketFromSql } from './ticket-dto';
import { AVAILABLE_WAIT_MAX_SECONDS } from './tickets.rules';

/**
 * The poll of many waiters of one workspace in one statement: for each waiter (a JSON array of
 * `{i, agent_id, capabilities, lim}`) the first `lim` tickets the poll would offer that agent — the claim's own row
 * condition (`claimableForSql`, as `POLL_AVAILABLE` uses it) — behind the workspace's gates evaluated once. What a
 * waiter may claim is the union of two disjoint parts, and so is its first `lim`: the unassigned tickets its
 * capabilities cover, the same for every waiter with the same capabilities and limit (`open`: ONE range scan of
 * `tickets_available_idx` per such class, not one per waiter: thousands of waiters usually share a few), and the
 * tickets assigned to it (`mine`: lookups of `tickets_assignee_agent_idx`). Every ticket comes back once, with the
 * waiters it is for (`waiters`, a jsonb array of their `i`), in the poll's order (priority, age, id); a waiter's answer
 * is the tickets that name it, in that order. One row with the gates and no ticket when nobody gets any.
 */
const POLL_WAITERS = statement<'workspaceId' | 'month' | 'waiters'>(
  'mc_poll_available_waiters',
  `WITH gate AS MATERIALIZED (SELECT ${claimGatesSql(':workspaceId')}),
  w AS MATERIALIZED (SELECT * FROM jsonb_to_recordset(:waiters::jsonb) AS w(i int, agent_id text, capabilities jsonb, lim int)),
  classes AS MATERIALIZED (SELECT DISTINCT w.capabilities, w.lim FROM w),
  open AS (
    SELECT c.capabilities, c.lim, p.id, p.priority, p.created_at FROM classes c CROSS JOIN LATERAL (
      SELECT t.id, t.priority, t.created_at FROM tickets t WHERE ${claimableForSql('t', 'NULL::text', 'c.capabilities')}
      ORDER BY t.priority, t.created_at, t.id LIMIT c.lim) p),
  mine AS (
    SELECT w.i, w.lim, t.id, t.priority, t.created_at FROM w JOIN tickets t ON t.assignee_agent_id = w.agent_id
    WHERE ${claimableForSql('t', 'w.agent_id', 'w.capabilities')}),
  ranked AS (
    SELECT u.i, u.id, u.lim, row_number() OVER (PARTITION BY u.i ORDER BY u.priority, u.created_at, u.id) AS rn FROM (
      SELECT w.i, w.lim, o.id, o.priority, o.created_at FROM w JOIN open o ON o.capabilities = w.capabilities AND o.lim = w.lim
      UNION ALL
      SELECT m.i, m.lim, m.id, m.priority, m.created_at FROM mine m) u),
  picks AS (
    SELECT r.id, jsonb_agg(r.i) AS waiters FROM ranked r
    WHERE r.rn <= r.lim AND (SELECT g.gate_workspace_open AND g.gate_budget_open FROM gate g)
    GROUP BY r.id)
  SELECT g.gate_workspace_open, g.gate_budget_open, x.*
  FROM gate g LEFT JOIN LATERAL (SELECT t.*, picks.waiters FROM picks JOIN tickets t ON t.id = picks.id) x ON true
  ORDER BY x.priority, x.created_at, x.id`,
);

/** One waiting request. */
interface Waiter {
  ctx: Ctx;
  me: AgentPrincipal;
  limit: number;
  /** An event of its workspace came while its own look ran: that look may not have seen what it announced. */
  missed: boolean;
  /** Its wait ran out: the next shared poll answers it, found or not. */
  due: boolean;
  /** Set while it sleeps: answers the request (a shared poll's answer; null: its client went away). */
  answer: ((found: AvailableTickets | null) => void) | null;
  fail: ((err: unknown) => void) | null;
  deadline: Deadline | null;
}

/** The waiters of one workspace, and whether a shared poll runs or must run (again). */
interface Workspace {
  waiters: Set<Waiter>;
  running: boolean;
  /** Work may have appeared since the running (or last) poll started: every sleeping waiter must be looked for again. */
  dirty: boolean;
}

/**
 * The `available?wait` waiters of one process (made on first use per live bus, fed by one subscription to it). A live
 * event after which a poll may find new work in a workspace — one of `WAKING_EVENTS` — runs ONE shared poll for all
 * the sleeping waiters of that workspace (`POLL_WAITERS`), and answers each waiter that now has something; the others
 * sleep on, with nothing re-made. Events that arrive while it runs make one more run after it (not one per event).
 * A `resync` of the bus does the same for every workspace. The waits that run out in the same tick of the timeout
 * wheel are answered by one shared poll per workspace too (found or not, with `paused` as of then).
 */
export class AvailableWaiters {
  private readonly workspaces = new Map<string, Workspace>();
  /** Shared polls run (one statement each): a gauge, and the tests' hook. */
  polls = 0;
  /** Of those, the polls run because work may have appeared (a waking event or a resync), not for waits that ran out. */
  wakePolls = 0;
  /** Waiters answered by a shared poll (woken with work, or at the end of their wait). */
  answered = 0;

  constructor(readonly deadlines: Deadlines = waitDeadlines) {}

  /** Waiters asleep now, over every workspace. */
  get sleeping(): number {
    let n = 0;
    for (const ws of this.workspaces.values()) for (const w of ws.waiters) if (w.answer) n++;
    return n;
  }

  /** @internal */
  join(ctx: Ctx, me: AgentPrincipal, limit: number): Waiter {
    const w: Waiter = { ctx, me, limit, missed: false, due: false, answer: null, fail: null, deadline: null };
    let ws = this.workspaces.get(me.workspaceId);
    if (!ws) this.workspaces.set(me.workspaceId, (ws = { waiters: new Set(), running: false, dirty: false }));
    ws.waiters.add(w);
    return w;
  }

  /** @internal */
  leave(w: Waiter): void {
    if (w.deadline) this.deadlines.cancel(w.deadline);
    const ws = this.workspaces.get(w.me.workspaceId);
    if (!ws) return;
    ws.waiters.delete(w);
    if (ws.waiters.size === 0 && !ws.running) this.workspaces.delete(w.me.workspaceId);
  }

  /**
   * @internal Sleep until a shared poll answers (work found, or the wait ran out at `deadline`), or `signal` aborts
   * (null). Rejects when the shared poll fails (the database is away), as the waiter's own look would.
   */
  sleep(w: Waiter, deadline: number, signal?: AbortSignal): Promise<AvailableTickets | null> {
    return new Promise((resolve, reject) => {
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        if (w.deadline) this.deadlines.cancel(w.deadline);
        w.deadline = null;
        w.answer = w.fail = null;
      };
      const onAbort = () => (done(), resolve(null));
      w.answer = (found) => (done(), resolve(found));
      w.fail = (err) => (done(), reject(err));
      signal?.addEventListener('abort', onAbort);
      w.deadline = this.deadlines.add(deadline, () => {
        w.deadline = null;
        w.due = true;
        this.run(w.me.workspaceId);
      });
    });
  }

  /** Work may have appeared in `workspaceId` (`undefined`: anywhere). */
  wake(workspaceId?: string): void {
    const ids = workspaceId === undefined ? [...this.workspaces.keys()] : [workspaceId];
    for (const id of ids) {
      const ws = this.workspaces.get(id);
      if (!ws) continue;
      for (const w of ws.waiters) if (!w.answer) w.missed = true;
      ws.dirty = true;
      this.run(id);
    }
  }

  /** Run a shared poll for the workspace's sleeping waiters that need one, unless one runs (it runs again after). */
  private run(workspaceId: string): void {
    const ws = this.workspaces.get(workspaceId);
    if (!ws || ws.running) return;
    const all = ws.dirty;
    const batch = [...ws.waiters].filter((w) => w.answer && (all || w.due));
    ws.dirty = false;
    if (batch.length === 0) return;
    ws.running = true;
    if (all) this.wakePolls++;
    this.poll(workspaceId, batch).finally(() => {
      ws.running = false;
      if (ws.waiters.size === 0) {
        if (this.workspaces.get(workspaceId) === ws) this.workspaces.delete(workspaceId);
      }
      else if (ws.dirty || [...ws.waiters].some((w) => w.answer && w.due)) this.run(workspaceId);
    });
  }

  private async poll(workspaceId: string, batch: Waiter[]): Promise<void> {
    // Identical waits (the same agent, capabilities and limit) are asked once.
    const keys = new Map<string, number>();
    const asked: { i: number; agent_id: string; capabilities: string[]; lim: number }[] = [];
    const slot = batch.map((w) => {
      const key = JSON.stringify([w.me.agentId, w.me.capabilities, w.limit]);
      let i = keys.get(key);
      if (i === undefined) {
        keys.set(key, (i = asked.length));
        asked.push({ i, agent_id: w.me.agentId, capabilities: w.me.capabilities, lim: w.limit });
      }
      return i;
    });
    const { ctx } = batch[0];
    let rows: Record<string, any>[];
    try {
      this.polls++;
      rows = await POLL_WAITERS.run(ctx.db, { workspaceId, month: budgetMonthOf(ctx.clock.now()), waiters: JSON.stringify(asked) });
    } catch (err) {
      for (const w of batch) w.fail?.(err);
      return;
    }
    const forSlot = new Map<number, Record<string, any>[]>();
    for (const r of rows) {
      if (r.id === null) continue;
      for (const i of r.waiters as number[]) {
        const list = forSlot.get(i);
        if (list) list.push(r);
        else forSlot.set(i, [r]);
      }
    }
    // Waiters whose wait ran out with nothing are told why when the workspace offers nothing at all (asked once).
    const emptyAtEnd = batch.some((w, k) => w.answer && w.due && !forSlot.has(slot[k]));
    const paused = emptyAtEnd ? await pollPause(ctx, workspaceId, rows[0] as { gate_workspace_open: boolean; gate_budget_open: boolean }).catch(() => null) : null;
    for (const [k, w] of batch.entries()) {
      if (!w.answer) continue; // gone meanwhile
      const mine = forSlot.get(slot[k]);
      if (!mine && !w.due) continue; // nothing for it yet: sleeps on
      this.answered++;
      w.answer(mine ? { items: mine.map((r) => ticketAnswer(w.ctx, ticketFromSql(r), OPEN_AGENT_STANDING)), paused: null } : { items: [], paused });
    }
  }
}

const registries = new WeakMap<LiveBus, AvailableWaiters>();

/** The `available?wait` waiters of the process whose live bus is `bus` (made, and subscribed to it, on first use). */
export function availableWaiters(bus: LiveBus): AvailableWaiters {
  let reg = registries.get(bus);
  if (!reg) {
    const r = (reg = new AvailableWaiters());
    registries.set(bus, r);
    bus.subscribe((e: LiveEvent) => {
      if (e.type === LIVE_RESYNC) r.wake();
      else if (WAKING_EVENTS.has(e.type)) r.wake(e.workspaceId);
    });
  }
  return reg;
}

/**
 * `?wait=N`: answer at once when work is there; otherwise hold the request until a ticket event in the agent's
 * workspace (from any process, via LISTEN) brings work it may take, or N seconds pass. An idle agent makes one
 * request per wait; while it waits it costs an entry in its workspace's set and one in the timeout wheel, and a
 * wake-up costs one statement for all the waiters of the workspace (`AvailableWaiters`).
 */
export async function waitForAvailableTickets(ctx: Ctx, bus: LiveBus, input: { limit: number; waitSeconds: number; signal?: AbortSignal }): Promise<AvailableTickets> {
  const me = requireAgent(ctx);
  const deadline = Date.now() + Math.min(input.waitSeconds, AVAILABLE_WAIT_MAX_SECONDS) * 1000;
  const registry = availableWaiters(bus);
  // Joined before the first look, so that an event during it is not missed (`missed`: look again).
  const w = registry.join(ctx, me, input.limit);
  try {
    for (;;) {
      w.missed = false;
      const found = await findAvailableTickets(ctx, input);
      if (found.items.length > 0 || Date.now() >= deadline || input.signal?.aborted) return found;
      if (w.missed) continue;
      return (await registry.sleep(w, deadline, input.signal)) ?? { items: [], paused: found.paused };
    }
  } finally {
    registry.leave(w);
  }
}

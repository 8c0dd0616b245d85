// Live fan-out of domain changes to the dashboard (SSE) and to long-polls, across processes: a change publishes
// with pg_notify inside its transaction (delivered only if it commits); every process LISTENs once and hands
// each event to its local subscribers.
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context';
import { waitDeadlines } from './deadlines';

export const LIVE_CHANNEL = 'mc_live';

export interface LiveEvent {
  /** `ticket.created`, `ticket.claimed`, `ticket.moved`, `ticket.updated`, `comment.created`, `agent.*`, … */
  type: string;
  workspaceId: string;
  ticketId?: string;
  agentId?: string;
  commentId?: string;
  status?: string;
  /** The outbox event this announces. */
  eventId?: string;
  /** That outbox event was written already dispatched (nobody receives it): the webhook dispatcher need not look. */
  dispatched?: boolean;
  /** Who got a notification from it (`user:<id>` / `agent:<id>`), so that notification long-polls wake. */
  recipients?: string[];
  at: string;
}

/** Publish an event with the caller's transaction; it reaches listeners when (and only if) that commits. */
export async function publishLive(ctx: Ctx, event: Omit<LiveEvent, 'at'>): Promise<void> {
  const payload: LiveEvent = { ...event, at: ctx.clock.now().toISOString() };
  await ctx.db.execute(sql`SELECT pg_notify(${LIVE_CHANNEL}, ${JSON.stringify(payload)})`);
}

/**
 * For one-statement writes (a data-modifying CTE): the JSON of the live event's fields known before the statement
 * runs, passed as a parameter and published by `liveNotifySql` from inside the statement (so, as with
 * `publishLive`, it is delivered only if the write commits, and only once per row written). A statement of many rows
 * (the lease sweeper) leaves out the workspace too, and adds it per row with `liveNotifySql`'s `extra`.
 */
export function liveJson(ctx: Ctx, event: Omit<LiveEvent, 'at' | 'workspaceId'> & { workspaceId?: string }): string {
  return JSON.stringify({ ...event, at: ctx.clock.now().toISOString() });
}

/**
 * `pg_notify` of the live event `param` (a `liveJson` parameter) merged with `extra`, a jsonb expression of what only
 * the statement knows (e.g. `jsonb_build_object('recipients', …)`).
 */
export const liveNotifySql = (param: string, extra = `'{}'::jsonb`) => `pg_notify('${LIVE_CHANNEL}', (${param}::jsonb || ${extra})::text)`;

/**
 * The type of the event a `LiveBus` hands every subscriber after its feed was broken and is back (on PostgreSQL:
 * the LISTEN connection was lost and re-established). Events in between are lost, so a subscriber re-reads what it
 * shows or waits for. It names no workspace (`workspaceId` is `*`): it concerns them all.
 */
export const LIVE_RESYNC = 'resync';

type Listener = (event: LiveEvent) => void;

/** In-process subscribers of one process, fed by a single LISTEN. */
export class LiveBus {
  private listeners = new Set<Listener>();
  /** Listeners of the events naming one recipient (`user:<id>` / `agent:<id>`): found by key, not tried one by one. */
  private byRecipient = new Map<string, Set<Listener>>();

  /** Feed the bus from raw NOTIFY payloads. */
  receive(payload: string) {
    let event: LiveEvent;
    try {
      event = JSON.parse(payload);
    } catch {
      return;
    }
    for (const fn of this.listeners) call(fn, event);
    if (this.byRecipient.size === 0) return;
    if (event.type === LIVE_RESYNC) {
      for (const set of [...this.byRecipient.values()]) for (const fn of [...set]) call(fn, event);
    } else {
      for (const r of event.recipients ?? []) for (const fn of [...(this.byRecipient.get(r) ?? [])]) call(fn, event);
    }
  }

  /** The feed was broken and is back: every subscriber gets one `resync` event, and every `waitFor` wakes. */
  resync() {
    this.receive(JSON.stringify({ type: LIVE_RESYNC, workspaceId: '*', at: new Date().toISOString() } satisfies LiveEvent));
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Resolve on the first event matching `predicate` or on a `resync` (what was waited for may have happened while
   * the feed was broken: look again), or with null after `timeoutMs` / when `signal` aborts. Every event is tried
   * against the predicate: for many waiters, wait by key (`waitForRecipient`, the queues of tickets/*-waiters.ts).
   */
  waitFor(predicate: (e: LiveEvent) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<LiveEvent | null> {
    let unsubscribe = () => {};
    return this.waitWith((fn) => (unsubscribe = this.subscribe((e) => (e.type === LIVE_RESYNC || predicate(e)) && fn(e))), () => unsubscribe(), timeoutMs, signal);
  }

  /**
   * `waitFor` an event that names `recipient` among its `recipients` (a notification for it), or a `resync`: the
   * event finds its waiters by key, so thousands of waiting callers cost an event nothing unless it is for them.
   */
  waitForRecipient(recipient: string, timeoutMs: number, signal?: AbortSignal): Promise<LiveEvent | null> {
    let listener: Listener;
    return this.waitWith(
      (fn) => {
        listener = fn;
        let set = this.byRecipient.get(recipient);
        if (!set) this.byRecipient.set(recipient, (set = new Set()));
        set.add(fn);
      },
      () => {
        const set = this.byRecipient.get(recipient);
        if (set?.delete(listener) && set.size === 0) this.byRecipient.delete(recipient);
      },
      timeoutMs,
      signal,
    );
  }

  /** A wait: `listen` registers the callback that ends it, `unlisten` removes it; the timeout is on the shared wheel. */
  private waitWith(listen: (fn: Listener) => void, unlisten: () => void, timeoutMs: number, signal?: AbortSignal): Promise<LiveEvent | null> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (e: LiveEvent | null) => {
        if (done) return;
        done = true;
        waitDeadlines.cancel(timeout);
        unlisten();
        signal?.removeEventListener('abort', onAbort);
        resolve(e);
      };
      const onAbort = () => finish(null);
      listen(finish);
      const timeout = waitDeadlines.add(Date.now() + timeoutMs, () => finish(null));
      signal?.addEventListener('abort', onAbort);
      if (signal?.aborted) finish(null);
    });
  }

  /** Subscribers and waits now (a gauge, and the tests' hook). */
  get size() {
    let n = this.listeners.size;
    for (const set of this.byRecipient.values()) n += set.size;
    return n;
  }
}

function call(fn: Listener, event: LiveEvent) {
  try {
    fn(event);
  } catch (err) {
    console.error('[live] listener failed:', (err as Error).message);
  }
}

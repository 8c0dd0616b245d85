// Wake-ups handed to one waiter at a time: the queue behind claim-next's long-poll (tickets/claim-next.ts), with
// nothing about tickets in it.
/** A wake-up signal being handed from waiter to waiter: who has had it, whom it is meant for first. */
interface HandoffSignal {
  tried: Set<HandoffWaiter>;
  /** The tag of the waiter to hand it to first (e.g. the agent a ticket was just assigned to). */
  prefer?: string;
  /** False for a broadcast: every waiter got its own, so a waiter that finds nothing does not pass it on. */
  walks: boolean;
}

/**
 * Wake-ups handed to one waiter at a time (no stampede), in one process: per key (e.g. a workspace), a FIFO of
 * waiters. `signal(key)` ("one unit of work may have appeared") wakes ONE sleeping waiter, the longest waiting;
 * that waiter looks (e.g. tries to claim) and, when it finds nothing, passes the signal on to the next waiter that
 * has not had it, so that a waiter who could not use it (other capabilities, another assignee) does not swallow it.
 * A waiter that leaves without using its signals (its client disconnected, its wait ran out, it failed) passes them
 * on too. A signal that every waiter has had dies. `broadcast` wakes every waiter of a key (or all keys), each with a
 * signal of its own that is not passed on.
 *
 * A signal that arrives while a waiter is looking (between `attempting()` and `next()`) may concern something that
 * look did not see: it is kept, and `next()` returns at once to look again. One that arrived before `attempting()`
 * was seen by that look (a live event is published after its change committed), so `next()` passes it on.
 *
 * Only this process's waiters are served: with several processes on one database, each process hears every event
 * (LISTEN) and wakes one waiter of its own: a new ticket first wakes one waiter per process (and, in a process whose
 * waiter could not take it, the next one there).
 */
export class Handoff {
  private readonly queues = new Map<string, HandoffWaiter[]>();
  /** How many times a signal was handed to a waiter since this queue was made (a gauge, and the tests' hook). */
  wakeups = 0;

  /** Join `key`'s queue (at its end). The waiter is busy (looking) until its first `next()`. */
  join(key: string, tag?: string, abort?: AbortSignal): HandoffWaiter {
    const w = new HandoffWaiter(this, key, tag, abort);
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = []));
    q.push(w);
    return w;
  }

  /** One signal for `key`: handed to the waiter tagged `prefer` if it waits, else to the longest-waiting one. */
  signal(key: string, prefer?: string): void {
    this.deliver(key, { tried: new Set(), prefer, walks: true });
  }

  /** Every waiter of `key` (`undefined`: of every key) looks again. */
  broadcast(key?: string): void {
    const queues = key === undefined ? [...this.queues.values()] : [this.queues.get(key) ?? []];
    for (const q of queues) for (const w of [...q]) if (!w.gone) this.hand(w, { tried: new Set([w]), walks: false });
  }

  /** Waiters asleep now (not looking), over every key. */
  get sleeping(): number {
    let n = 0;
    for (const q of this.queues.values()) for (const w of q) if (w.asleep) n++;
    return n;
  }

  /** @internal Hand `s` to the next waiter of `key` that has not had it: sleeping ones first, in FIFO order. */
  deliver(key: string, s: HandoffSignal): void {
    const candidates = (this.queues.get(key) ?? []).filter((w) => !s.tried.has(w) && !w.gone);
    const next =
      (s.prefer !== undefined ? candidates.find((w) => w.tag === s.prefer) : undefined) ?? candidates.find((w) => w.asleep) ?? candidates[0];
    if (next) this.hand(next, s);
  }

  private hand(w: HandoffWaiter, s: HandoffSignal) {
    s.tried.add(w);
    this.wakeups++;
    w.receive(s);
  }

  /** @internal */
  remove(w: HandoffWaiter): void {
    const q = this.queues.get(w.key);
    if (!q) return;
    const i = q.indexOf(w);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) this.queues.delete(w.key);
  }
}

/** One waiter of a `Handoff` queue: `attempting()` before each look, `next()` after a look that found nothing, `leave()` at the end. */
export class HandoffWaiter {
  /** Signals handed to this waiter and not yet passed on, each marked whether a look has started since it came. */
  private held: { s: HandoffSignal; seen: boolean }[] = [];
  private wake: ((woken: boolean) => void) | null = null;
  private left = false;

  constructor(
    private readonly owner: Handoff,
    readonly key: string,
    readonly tag: string | undefined,
    private readonly abort: AbortSignal | undefined,
  ) {}

  get asleep(): boolean {
    return this.wake !== null;
  }

  /** Left the queue, or its client went away: hand it nothing more. */
  get gone(): boolean {
    return this.left || this.abort?.aborted === true;
  }

  /** @internal */
  receive(s: HandoffSignal) {
    this.held.push({ s, seen: false });
    this.wake?.(true);
  }

  /** A look starts now: it sees whatever the signals held so far announced. */
  attempting(): void {
    for (const h of this.held) h.seen = true;
  }

  /**
   * The last look found nothing: pass on the signals it saw, then resolve true at once if a signal came during that
   * look (look again), else sleep until a signal (true), `timeoutMs` or the abort signal (false).
   */
  next(timeoutMs: number): Promise<boolean> {
    this.passOn(this.held.filter((h) => h.seen));
    this.held = this.held.filter((h) => !h.seen);
    if (this.held.length) return Promise.resolve(true);
    if (this.gone || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        this.abort?.removeEventListener('abort', onAbort);
        this.wake = null;
        resolve(woken);
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.abort?.addEventListener('abort', onAbort);
      this.wake = finish;
    });
  }

  /**
   * Leave the queue. `used`: the last look got what it waited for, which spends one signal it saw; every other
   * signal it holds is passed on (so a waiter whose client went away, or whose wait ran out, swallows none).
   */
  leave(used: boolean): void {
    if (this.left) return;
    this.left = true;
    this.owner.remove(this);
    const i = used ? this.held.findIndex((h) => h.seen) : -1;
    const rest = i >= 0 ? this.held.filter((_, k) => k !== i) : this.held;
    this.held = [];
    this.passOn(rest);
  }

  private passOn(signals: { s: HandoffSignal }[]) {
    for (const { s } of signals) if (s.walks) this.owner.deliver(this.key, s);
  }
}

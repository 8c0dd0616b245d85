// Wake-ups handed to one waiter at a time: the queue behind claim-next's long-poll (tickets/claim-next.ts), with
// nothing about tickets in it.
import { waitDeadlines, type Deadline, type Deadlines } from './deadlines';

/** A wake-up signal being handed from waiter to waiter: who has had it, whom it is meant for first, what it is about. */
interface HandoffSignal {
  tried: Set<HandoffWaiter<any>>;
  /** The tag of the waiter to hand it to first (e.g. the agent a ticket was just assigned to). */
  prefer?: string;
  /** What appeared (e.g. a ticket id): a look that took it spends this signal, and `narrow` is asked who can take it. */
  subject?: string;
  /** False for a broadcast: every waiter got its own, so a waiter that finds nothing does not pass it on. */
  walks: boolean;
}

/**
 * Who among `candidates` (the waiters of `key` that have not had the signal, in queue order) could use a signal
 * about `subject`, in that order (it may stop after the first few). Asked once per signal whose first waiter found
 * nothing, instead of waking the waiters one by one until one can: with thousands of waiters of whom none may take
 * it (another process took it first, it needs a capability nobody has), that would be thousands of looks. Empty:
 * nobody can, and the signal dies.
 */
export type HandoffNarrow<F> = (key: string, subject: string, candidates: readonly HandoffWaiter<F>[]) => Promise<readonly HandoffWaiter<F>[]>;

/**
 * Wake-ups handed to one waiter at a time (no stampede), in one process: per key (e.g. a workspace), a FIFO of
 * waiters. `signal(key)` ("one unit of work may have appeared") wakes ONE sleeping waiter, the longest waiting;
 * that waiter looks (e.g. tries to claim). When it finds nothing, the signal goes on to the next waiter that has
 * not had it: with a `subject` and a `narrow`, only to the first that `narrow` says could use it (one question, not
 * one look per waiter; none: the signal dies); otherwise to the next in line, so that a waiter who could not use it
 * (other capabilities, another assignee) does not swallow it. A waiter that leaves without using its signals (its
 * client disconnected, its wait ran out, it failed, it took something else) passes them on to the next in line too.
 * A signal that every waiter has had dies. `broadcast` wakes every waiter of a key (or all keys), each with a signal
 * of its own that is not passed on.
 *
 * A signal that arrives while a waiter is looking (between `attempting()` and `next()`) may concern something that
 * look did not see: it is kept, and `next()` returns at once to look again. One that arrived before `attempting()`
 * was seen by that look (a live event is published after its change committed), so `next()` passes it on.
 *
 * Costs per waiter: a queue entry (a Set: joining and leaving are O(1)), a promise while it sleeps and one entry in
 * the shared timeout wheel (`Deadlines`), no timer or listener of its own besides its client's abort signal.
 *
 * Only this process's waiters are served: with several processes on one database, each process hears every event
 * (LISTEN) and wakes one waiter of its own: a new ticket first wakes one waiter per process; in a process whose
 * waiter could not take it, `narrow` then finds that nobody there can (it was taken) and the signal dies.
 */
export class Handoff<F = undefined> {
  private readonly queues = new Map<string, Set<HandoffWaiter<F>>>();
  /** How many times a signal was handed to a waiter since this queue was made (a gauge, and the tests' hook). */
  wakeups = 0;
  /** How many times `narrow` was asked who could use a signal (a gauge, and the tests' hook). */
  narrowings = 0;
  private asking = 0;

  constructor(
    private readonly narrow?: HandoffNarrow<F>,
    /** @internal */
    readonly deadlines: Deadlines = waitDeadlines,
  ) {}

  /** Join `key`'s queue (at its end). The waiter is busy (looking) until its first `next()`. `filter`: what `narrow` needs of it. */
  join(key: string, tag?: string, abort?: AbortSignal, filter?: F): HandoffWaiter<F> {
    const w = new HandoffWaiter<F>(this, key, tag, abort, filter as F);
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = new Set()));
    q.add(w);
    return w;
  }

  /** One signal for `key`: handed to the waiter tagged `prefer` if it waits, else to the longest-waiting one. */
  signal(key: string, opts: { prefer?: string; subject?: string } = {}): void {
    this.deliver(key, { tried: new Set(), prefer: opts.prefer, subject: opts.subject, walks: true });
  }

  /** Every waiter of `key` (`undefined`: of every key) looks again. */
  broadcast(key?: string): void {
    const queues = key === undefined ? [...this.queues.values()] : [this.queues.get(key) ?? new Set<HandoffWaiter<F>>()];
    for (const q of queues) for (const w of [...q]) if (!w.gone) this.hand(w, { tried: new Set([w]), walks: false });
  }

  /** Waiters asleep now (not looking), over every key. */
  get sleeping(): number {
    let n = 0;
    for (const q of this.queues.values()) for (const w of q) if (w.asleep) n++;
    return n;
  }

  /** Signals alive now: held by a waiter, or waiting for `narrow`'s answer (0: every signal was used or died). */
  get signals(): number {
    let n = this.asking;
    for (const q of this.queues.values()) for (const w of q) n += w.holding;
    return n;
  }

  /** Waiters in the queues now (asleep or looking), over every key. */
  get size(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.size;
    return n;
  }

  /**
   * @internal Hand `s` to the next waiter of `key` that has not had it: the preferred one, else sleeping ones
   * first, in FIFO order. `failed`: the last waiter looked and could not use it — ask `narrow` who can.
   */
  deliver(key: string, s: HandoffSignal, failed = false): void {
    const q = this.queues.get(key);
    if (!q) return;
    if (failed && s.subject !== undefined && this.narrow) return void this.narrowThenHand(key, s, s.subject, this.narrow);
    let preferred: HandoffWaiter<F> | undefined;
    let sleeper: HandoffWaiter<F> | undefined;
    let any: HandoffWaiter<F> | undefined;
    for (const w of q) {
      if (s.tried.has(w) || w.gone) continue;
      if (s.prefer !== undefined && w.tag === s.prefer) {
        preferred = w;
        break;
      }
      any ??= w;
      if (!sleeper && w.asleep) {
        sleeper = w;
        if (s.prefer === undefined) break;
      }
    }
    const next = preferred ?? sleeper ?? any;
    if (next) this.hand(next, s);
  }

  private async narrowThenHand(key: string, s: HandoffSignal, subject: string, narrow: HandoffNarrow<F>): Promise<void> {
    const candidates = [...(this.queues.get(key) ?? [])].filter((w) => !s.tried.has(w) && !w.gone);
    if (candidates.length === 0) return;
    this.narrowings++;
    this.asking++;
    let able: readonly HandoffWaiter<F>[];
    try {
      able = await narrow(key, subject, candidates);
    } catch {
      // Could not ask (the database is away): fall back to the walk, one waiter at a time.
      return this.deliver(key, s);
    } finally {
      this.asking--;
    }
    const next = able.find((w) => !w.gone && !s.tried.has(w));
    if (next) return this.hand(next, s);
    // Those that could have left while we asked: ask again about the rest (each round marks them, so it ends).
    if (able.length === 0) return;
    for (const w of able) s.tried.add(w);
    return this.narrowThenHand(key, s, subject, narrow);
  }

  private hand(w: HandoffWaiter<F>, s: HandoffSignal) {
    s.tried.add(w);
    this.wakeups++;
    w.receive(s);
  }

  /** @internal */
  remove(w: HandoffWaiter<F>): void {
    const q = this.queues.get(w.key);
    if (!q) return;
    q.delete(w);
    if (q.size === 0) this.queues.delete(w.key);
  }
}

/** One waiter of a `Handoff` queue: `attempting()` before each look, `next()` after a look that found nothing, `leave()` at the end. */
export class HandoffWaiter<F = undefined> {
  /** Signals handed to this waiter and not yet passed on, each marked whether a look has started since it came. */
  private held: { s: HandoffSignal; seen: boolean }[] = [];
  private wake: ((woken: boolean) => void) | null = null;
  private left = false;

  constructor(
    private readonly owner: Handoff<F>,
    readonly key: string,
    readonly tag: string | undefined,
    private readonly abort: AbortSignal | undefined,
    /** What the queue's `narrow` needs to know of this waiter (e.g. the agent and the capabilities it looks with). */
    readonly filter: F,
  ) {}

  get asleep(): boolean {
    return this.wake !== null;
  }

  /** Signals it holds now. */
  get holding(): number {
    return this.held.length;
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
   * The last look found nothing: pass on the signals it saw (to whoever can use them), then resolve true at once if
   * a signal came during that look (look again), else sleep until a signal (true), `timeoutMs` or the abort signal
   * (false).
   */
  next(timeoutMs: number): Promise<boolean> {
    this.passOn(
      this.held.filter((h) => h.seen),
      true,
    );
    this.held = this.held.filter((h) => !h.seen);
    if (this.held.length) return Promise.resolve(true);
    if (this.gone || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (woken: boolean) => {
        this.owner.deadlines.cancel(timeout);
        this.abort?.removeEventListener('abort', onAbort);
        this.wake = null;
        resolve(woken);
      };
      const onAbort = () => finish(false);
      const timeout: Deadline = this.owner.deadlines.add(Date.now() + timeoutMs, () => finish(false));
      this.abort?.addEventListener('abort', onAbort);
      this.wake = finish;
    });
  }

  /**
   * Leave the queue. `used`: the last look got something — the subject it took (e.g. the ticket claimed), or `true`
   * when it has none. That spends the signal about that subject (or, for `true` or a subject no held signal names,
   * one subject-less signal it saw); every other signal it holds is passed on (so a waiter whose client went away,
   * whose wait ran out or that took another ticket than the one announced swallows none).
   */
  leave(used: string | boolean = false): void {
    if (this.left) return;
    this.left = true;
    this.owner.remove(this);
    let i = typeof used === 'string' ? this.held.findIndex((h) => h.s.subject === used) : -1;
    if (i < 0 && used !== false) i = this.held.findIndex((h) => h.seen && h.s.subject === undefined);
    const rest = i >= 0 ? this.held.filter((_, k) => k !== i) : this.held;
    this.held = [];
    this.passOn(rest, false);
  }

  private passOn(signals: { s: HandoffSignal }[], failed: boolean) {
    for (const { s } of signals) if (s.walks) this.owner.deliver(this.key, s, failed);
  }
}

// The timeouts of many long-polls on one timer: thousands of waiting agents cost one Node timer, not one each.

/** One timeout of a `Deadlines`: cancel it with `Deadlines.cancel`. */
export interface Deadline {
  /** The tick it fires in (its time rounded up to the wheel's tick). */
  readonly tick: number;
  readonly fire: () => void;
  /** @internal */
  done: boolean;
}

/**
 * Timeouts rounded up to a tick (`tickMs`), kept per tick, with one Node timer armed for the earliest tick that has
 * any: adding or cancelling one is a Set operation, and the timeouts of a tick fire together in one timer callback.
 * A timeout fires at or after its time, at most one tick late. The timer is `unref`ed (a pending long-poll is held
 * by its socket, not by its timeout).
 */
export class Deadlines {
  private readonly ticks = new Map<number, Set<Deadline>>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The tick the timer is armed for (Infinity: not armed). */
  private armed = Infinity;

  constructor(readonly tickMs = 50) {}

  /** Call `fire` once, at or after `at` (epoch ms), unless cancelled first. */
  add(at: number, fire: () => void): Deadline {
    const d: Deadline = { tick: Math.ceil(at / this.tickMs), fire, done: false };
    let set = this.ticks.get(d.tick);
    if (!set) this.ticks.set(d.tick, (set = new Set()));
    set.add(d);
    if (d.tick < this.armed) this.arm(d.tick);
    return d;
  }

  cancel(d: Deadline): void {
    d.done = true;
    const set = this.ticks.get(d.tick);
    if (!set?.delete(d)) return;
    if (set.size === 0) this.ticks.delete(d.tick);
    // The timer stays armed: a callback with nothing due only re-arms (cheaper than re-arming on every cancel).
  }

  /** Timeouts pending (a gauge, and the tests' hook). */
  get size(): number {
    let n = 0;
    for (const set of this.ticks.values()) n += set.size;
    return n;
  }

  private arm(tick: number) {
    if (this.timer) clearTimeout(this.timer);
    this.armed = tick;
    this.timer = setTimeout(() => this.run(), Math.max(0, tick * this.tickMs - Date.now()));
    this.timer.unref?.();
  }

  private run() {
    this.timer = null;
    this.armed = Infinity;
    const now = Math.floor(Date.now() / this.tickMs);
    let next = Infinity;
    const due: Set<Deadline>[] = [];
    for (const [tick, set] of this.ticks) {
      if (tick <= now) due.push(set), this.ticks.delete(tick);
      else if (tick < next) next = tick;
    }
    if (next < Infinity) this.arm(next);
    for (const set of due)
      for (const d of set) {
        // One timeout of this tick may cancel another of it (its waiter left): that one does not fire.
        if (d.done) continue;
        d.done = true;
        try {
          d.fire();
        } catch (err) {
          console.error('[deadlines] a timeout failed:', (err as Error).message);
        }
      }
  }
}

/** The process's wheel for long-poll timeouts (claim-next, `tickets/available?wait`). */
export const waitDeadlines = new Deadlines();

// Logging for things that fail over and over while a dependency is down (the database during an outage): the first
// failure is logged at once, repeats are counted and summed up at most once a minute, and the recovery is logged.
// A background loop that runs every 100 ms would otherwise write ten lines a second until the server is back.

/** The innermost message of an error chain (Drizzle wraps the driver's error, whose message is the useful one). */
export function describeError(err: unknown): string {
  let cur: unknown = err;
  for (let i = 0; i < 5; i++) {
    const next = (cur as { cause?: unknown } | null)?.cause;
    if (!next || typeof next !== 'object') break;
    cur = next;
  }
  const e = cur as { message?: unknown; code?: unknown };
  const message = typeof e?.message === 'string' && e.message ? e.message : String(cur);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${message} (${e.code})` : message;
}

export class OutageLog {
  private failingSince: number | null = null;
  private lastLineAt = 0;
  private repeats = 0;

  /**
   * @param what   who is failing, as the log line starts (`[rate-limit] flush`)
   * @param repeatMs how often a continuing failure is summed up (default one minute)
   */
  constructor(
    private readonly what: string,
    private readonly repeatMs = 60_000,
  ) {}

  get failing(): boolean {
    return this.failingSince !== null;
  }

  failed(err: unknown, then?: string) {
    const now = Date.now();
    const suffix = then ? `; ${then}` : '';
    if (this.failingSince === null) {
      this.failingSince = now;
      this.lastLineAt = now;
      this.repeats = 0;
      console.error(`${this.what} failed: ${describeError(err)}${suffix}`);
      return;
    }
    this.repeats++;
    if (now - this.lastLineAt < this.repeatMs) return;
    console.error(`${this.what} still failing (${this.repeats} more times in ${Math.round((now - this.failingSince) / 1000)} s): ${describeError(err)}${suffix}`);
    this.lastLineAt = now;
    this.repeats = 0;
  }

  ok(note?: string) {
    if (this.failingSince === null) return;
    const seconds = Math.round((Date.now() - this.failingSince) / 1000);
    this.failingSince = null;
    console.error(`${this.what} recovered after ${seconds} s${note ? `; ${note}` : ''}`);
  }
}

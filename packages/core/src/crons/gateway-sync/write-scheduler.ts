// Writes to a gateway under its rate limit (ADR 0020): `cron.add`, `cron.update`, `cron.remove` and `cron.run` are each
// limited to 30 calls per 60 s per method on the gateway (call 31 gets a retryable UNAVAILABLE with `retryAfterMs`).
// Mission Control keeps below that on its own — a budget under the limit (the operator's own UI shares it), spread
// evenly rather than in bursts — and honours `retryAfterMs` when the gateway refuses anyway. Clock-injected and pure
// apart from the `call` it is given, so tests drive it with a fake clock.

export const GATEWAY_WRITE_RULES = {
  /** Methods the gateway rate-limits per method. */
  limitedMethods: ['cron.add', 'cron.update', 'cron.remove', 'cron.run'],
  /** The gateway's limit: calls per window per method. */
  gatewayLimit: 30,
  windowMs: 60_000,
  /** What Mission Control allows itself per window and method (headroom for the operator's own UI). */
  budget: 25,
  /** Attempts of one write that keeps getting a retryable UNAVAILABLE. */
  maxAttempts: 5,
  /** A retryable error without `retryAfterMs` waits this long. */
  defaultRetryAfterMs: 2_000,
  /** No single wait is longer than this (a larger `retryAfterMs` is capped; the write is retried after it). */
  maxRetryAfterMs: 60_000,
} as const;

export type GatewayWriteMethod = 'cron.add' | 'cron.update' | 'cron.remove' | 'cron.run';

export interface WriteLimiterOptions {
  budget?: number;
  windowMs?: number;
  /** Minimum gap between two calls of one method; default windowMs / budget (spread, no burst). */
  spacingMs?: number;
}

/** Sliding-window budget per method, plus a per-method "not before" set by the gateway's `retryAfterMs`. */
export class WriteLimiter {
  readonly budget: number;
  readonly windowMs: number;
  readonly spacingMs: number;
  private readonly calls = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();

  constructor(opts: WriteLimiterOptions = {}) {
    this.budget = Math.max(1, Math.floor(opts.budget ?? GATEWAY_WRITE_RULES.budget));
    this.windowMs = Math.max(1, opts.windowMs ?? GATEWAY_WRITE_RULES.windowMs);
    this.spacingMs = Math.max(0, opts.spacingMs ?? Math.ceil(this.windowMs / this.budget));
  }

  /** The earliest time (ms) `method` may be called at or after `now`. */
  nextAllowedAt(method: string, now: number): number {
    const recent = (this.calls.get(method) ?? []).filter((t) => t > now - this.windowMs);
    this.calls.set(method, recent);
    let at = Math.max(now, this.blockedUntil.get(method) ?? 0);
    if (recent.length) at = Math.max(at, recent[recent.length - 1] + this.spacingMs);
    if (recent.length >= this.budget) at = Math.max(at, recent[recent.length - this.budget] + this.windowMs);
    return at;
  }

  /** Count a call made at `at`. */
  record(method: string, at: number): void {
    (this.calls.get(method) ?? this.calls.set(method, []).get(method)!).push(at);
  }

  /** The gateway said "not before now + retryAfterMs" for this method. */
  block(method: string, now: number, retryAfterMs: number): void {
    this.blockedUntil.set(method, Math.max(this.blockedUntil.get(method) ?? 0, now + Math.max(0, retryAfterMs)));
  }
}

/** When each write would go, in order, if none were refused: a preview of a plan's pacing (pure). */
export function scheduleWrites<T extends { method: string }>(writes: readonly T[], now: number, opts: WriteLimiterOptions = {}): { at: number; write: T }[] {
  const limiter = new WriteLimiter(opts);
  const out: { at: number; write: T }[] = [];
  let t = now;
  for (const write of writes) {
    const at = limiter.nextAllowedAt(write.method, t);
    limiter.record(write.method, at);
    out.push({ at, write });
    t = at;
  }
  return out;
}

export interface WriteClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The gateway's error, as the WebSocket client reports it (`{code, message, retryable?, retryAfterMs?}`). */
export interface GatewayCallError {
  code?: string;
  message?: string;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** Is this a "try again later" from the gateway (UNAVAILABLE marked retryable), and after how long. */
export function retryAfterOf(err: unknown): number | null {
  const e = (err && typeof err === 'object' ? err : {}) as GatewayCallError;
  if (e.code !== 'UNAVAILABLE' || e.retryable !== true) return null;
  const ms = typeof e.retryAfterMs === 'number' && Number.isFinite(e.retryAfterMs) && e.retryAfterMs >= 0 ? e.retryAfterMs : GATEWAY_WRITE_RULES.defaultRetryAfterMs;
  return Math.min(ms, GATEWAY_WRITE_RULES.maxRetryAfterMs);
}

export type WriteOutcome<W, R> =
  | { write: W; ok: true; result: R; attempts: number; at: number }
  | { write: W; ok: false; error: unknown; attempts: number; retryable: boolean };

/**
 * Run writes one after another under the limiter: wait until the method may be called, call, and on a retryable
 * UNAVAILABLE wait `retryAfterMs` (blocking that method) and try again, up to `maxAttempts`. Any other error ends
 * that write (its outcome says so) and the run goes on with the next one. `shouldStop` is asked before each wait
 * (a closing connection, a process shutting down); what was not run is left out of the outcomes.
 */
export async function runWrites<W extends { method: string }, R>(
  writes: readonly W[],
  deps: { call: (write: W) => Promise<R>; clock: WriteClock; limiter?: WriteLimiter; maxAttempts?: number; shouldStop?: () => boolean },
): Promise<WriteOutcome<W, R>[]> {
  const limiter = deps.limiter ?? new WriteLimiter();
  const maxAttempts = Math.max(1, deps.maxAttempts ?? GATEWAY_WRITE_RULES.maxAttempts);
  const out: WriteOutcome<W, R>[] = [];
  for (const write of writes) {
    let attempts = 0;
    for (;;) {
      if (deps.shouldStop?.()) return out;
      const now = deps.clock.now();
      const at = limiter.nextAllowedAt(write.method, now);
      if (at > now) await deps.clock.sleep(at - now);
      attempts++;
      const callAt = deps.clock.now();
      limiter.record(write.method, callAt);
      try {
        const result = await deps.call(write);
        out.push({ write, ok: true, result, attempts, at: callAt });
        break;
      } catch (error) {
        const retryAfter = retryAfterOf(error);
        if (retryAfter === null || attempts >= maxAttempts) {
          out.push({ write, ok: false, error, attempts, retryable: retryAfter !== null });
          break;
        }
        limiter.block(write.method, deps.clock.now(), retryAfter);
      }
    }
  }
  return out;
}

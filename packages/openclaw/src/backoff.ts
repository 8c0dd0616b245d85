// Reconnect delays: exponential growth with jitter, capped, so a fleet of processes does not reconnect in lockstep.

export interface BackoffOptions {
  /** first delay, ms (default 500) */
  initialMs?: number;
  /** cap, ms (default 30 000) */
  maxMs?: number;
  /** growth per attempt (default 2) */
  factor?: number;
  /** fraction of the delay that is randomised, 0..1 (default 0.5: delay in [d/2, d]) */
  jitter?: number;
}

/**
 * The delay before reconnect attempt `attempt` (0-based): min(maxMs, initialMs·factor^attempt), of which the
 * `jitter` fraction is random. `random` returns [0, 1) (Math.random by default; tests pass their own).
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = opts.initialMs ?? 500;
  const max = opts.maxMs ?? 30_000;
  const factor = opts.factor ?? 2;
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? 0.5));
  const base = Math.min(max, initial * Math.pow(factor, Math.max(0, Math.min(attempt, 64))));
  return Math.round(base * (1 - jitter) + base * jitter * random());
}

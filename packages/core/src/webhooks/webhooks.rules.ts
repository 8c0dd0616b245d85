// Webhook delivery as data: the retry schedule, the limits of one attempt, and when an endpoint is disabled.

/** First retry delay when the instance does not set MC_WEBHOOK_RETRY_BASE_MS. */
export const WEBHOOK_RETRY_BASE_MS_DEFAULT = 5_000;
/** Each retry waits this many times longer than the one before … */
export const WEBHOOK_RETRY_FACTOR = 4;
/** … up to this multiple of the base (5 s × 3200 = 4 h 26 min 40 s). */
export const WEBHOOK_RETRY_CAP_FACTOR = 3200;
/** Every delay is moved by up to ±20 % at random, so that retries of many deliveries do not arrive in step. */
export const WEBHOOK_RETRY_JITTER = 0.2;
/**
 * Attempts of one delivery before it fails for good: the first one and 11 retries. With the default base the
 * retries wait 5 s, 20 s, 1 min 20 s, 5 min 20 s, 21 min 20 s, 1 h 25 min 20 s, then 4 h 26 min 40 s five times:
 * about 24 h 7 min from the first attempt to the last (±20 % jitter on each wait).
 */
export const WEBHOOK_MAX_ATTEMPTS = 12;

/** One attempt may take this long (connect, send, answer) before it counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/**
 * A claimed delivery is held this long. A worker that dies while sending leaves the delivery locked until then;
 * another worker (or the same process after a restart) retries it afterwards. Longer than one attempt can take.
 */
export const WEBHOOK_LEASE_MS = 20_000;
/** Deliveries one worker claims at a time, and how many of them it sends at once. */
export const WEBHOOK_CLAIM_BATCH = 20;
export const WEBHOOK_SEND_CONCURRENCY = 8;
/** Outbox events turned into deliveries per dispatcher transaction. */
export const WEBHOOK_DISPATCH_BATCH = 100;
/**
 * How long a kick (a new event) waits before the dispatcher runs: events written meanwhile go out in the same pass.
 * Short against a receiver's expectations (a webhook is not an RPC), long against a busy API's event rate
 * (hundreds per second, each kicking): at most ten dispatcher passes a second. On the embedded database every
 * statement waits in the one queue of the API's own statements, so these passes cost the API directly.
 */
export const WEBHOOK_KICK_DEBOUNCE_MS = 100;
/**
 * Events whose transaction writes a delivery itself instead of through the outbox dispatcher (a dispatched ticket's
 * or ticket-less task's POST to its agent): their live signal wakes the runner to send due deliveries at once, not at its next tick.
 */
export const DELIVERY_WRITING_EVENTS: ReadonlySet<string> = new Set(['ticket.dispatched', 'task.dispatched']);
/**
 * What a live event (from any process) asks of the webhook runner: a pass soon (`due`: also send due deliveries at
 * once), or nothing (null) when the outbox event it announces was written already dispatched (`dispatched`: a claim
 * in a workspace without receivers) and wrote no delivery — such a pass would find nothing to do.
 */
export function dispatcherWake(e: { type: string; dispatched?: boolean }): { due: boolean } | null {
  const due = DELIVERY_WRITING_EVENTS.has(e.type);
  return e.dispatched && !due ? null : { due };
}
/** How often the runner looks for work when nothing wakes it. */
export const WEBHOOK_POLL_INTERVAL_MS = 500;

/** The signing secret's previous value keeps signing this long after a rotation, unless told otherwise. */
export const WEBHOOK_ROTATION_GRACE_DEFAULT_SECONDS = 24 * 3600;

/**
 * Disable policy: an endpoint is disabled when every attempt to it has failed for at least `failingForMs`
 * (no success since its first failure that long ago) and at least `minConsecutiveFailures` attempts in a row
 * failed. That is one delivery's whole retry schedule (~24 h) without a single success in between, so a
 * receiver that is down for minutes or hours is never disabled, and one that is gone for a day is. The
 * workspace admins are notified (`webhook_disabled`); deliveries of a disabled endpoint wait (pending ones
 * resume when it is enabled again; no new ones are made meanwhile).
 */
export const WEBHOOK_DISABLE_POLICY = {
  failingForMs: 24 * 3600 * 1000,
  minConsecutiveFailures: WEBHOOK_MAX_ATTEMPTS,
} as const;

export function shouldDisableEndpoint(
  state: { consecutiveFailures: number; failingSince: Date | null },
  now: Date,
  policy: { failingForMs: number; minConsecutiveFailures: number } = WEBHOOK_DISABLE_POLICY,
): boolean {
  if (!state.failingSince) return false;
  return state.consecutiveFailures >= policy.minConsecutiveFailures && now.getTime() - state.failingSince.getTime() >= policy.failingForMs;
}

/** Delay before retry number `retry` (1 = the first retry), without jitter. */
export function retryDelayMs(retry: number, baseMs = WEBHOOK_RETRY_BASE_MS_DEFAULT): number {
  const n = Math.max(1, Math.floor(retry));
  return Math.min(baseMs * WEBHOOK_RETRY_FACTOR ** (n - 1), baseMs * WEBHOOK_RETRY_CAP_FACTOR);
}

/** The same delay with ±20 % jitter; `random` is in [0, 1) (0.5 = no jitter). */
export function jitteredRetryDelayMs(retry: number, baseMs = WEBHOOK_RETRY_BASE_MS_DEFAULT, random: () => number = Math.random): number {
  const factor = 1 + WEBHOOK_RETRY_JITTER * (2 * random() - 1);
  return Math.max(1, Math.round(retryDelayMs(retry, baseMs) * factor));
}

/**
 * After a failed attempt (the delivery has now made `attemptCount` attempts): when to try again, or null when
 * the delivery has used all `maxAttempts` and fails for good.
 */
export function nextAttemptAfterFailure(
  attemptCount: number,
  maxAttempts: number,
  now: Date,
  baseMs = WEBHOOK_RETRY_BASE_MS_DEFAULT,
  random: () => number = Math.random,
): Date | null {
  if (attemptCount >= maxAttempts) return null;
  return new Date(now.getTime() + jitteredRetryDelayMs(attemptCount, baseMs, random));
}

/** Does an endpoint with this event filter want events of `type`? An empty filter means every event. */
export function endpointWants(filter: readonly string[], type: string): boolean {
  return filter.length === 0 || filter.includes(type);
}

/** Which secrets sign a delivery now: the current one, and the previous one while its grace lasts. */
export function signingSecrets(e: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null }, now: Date): string[] {
  const out = [e.secret];
  if (e.previousSecret && e.previousSecretExpiresAt && e.previousSecretExpiresAt.getTime() > now.getTime()) out.push(e.previousSecret);
  return out;
}

/** What a response excerpt keeps of an answer. */
export const WEBHOOK_EXCERPT_CHARS = 500;

// What the scheduler decides, as data and pure functions (issue 14): which slots of a cron are fired, missed or
// skipped after the scheduler was away (catch-up), when a failed attempt is tried again (retry policy with backoff
// and jitter), which reasons end a run for good, and how long an attempt may run. The scheduler (scheduler.ts) and
// the run lifecycle (cron-run-lifecycle.ts) only apply these; the unit tests check them without a database.
import { CRON_RETRY_DEFAULTS } from '@mc/contracts/constants';

/** Every status a run can have; `pending` and `running` are the active ones (a run "still goes"). */
export const CRON_RUN_STATUSES = ['pending', 'running', 'success', 'failed', 'skipped', 'missed'] as const;
export type CronRunStatus = (typeof CRON_RUN_STATUSES)[number];
export const ACTIVE_RUN_STATUSES = ['pending', 'running'] as const satisfies readonly CronRunStatus[];
export const FINAL_RUN_STATUSES = ['success', 'failed', 'skipped', 'missed'] as const satisfies readonly CronRunStatus[];

/** Why a run was skipped, missed or failed (the run's `reason`). */
export const CRON_RUN_REASONS = {
  /** The target workspace's budget is used up under a hard stop (ADR 0007): recorded, never retried. */
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  WORKSPACE_ARCHIVED: 'WORKSPACE_ARCHIVED',
  /** The target agent is not active (pending, deactivated, deleted) or left the target's workspace. */
  AGENT_INACTIVE: 'AGENT_INACTIVE',
  /** Concurrency `skip` (or `queue_one` with one already queued): the target's previous run still goes. */
  PREVIOUS_RUN_ACTIVE: 'PREVIOUS_RUN_ACTIVE',
  /** The slot passed while no scheduler ran (catch-up `skip`, or an older slot under `once`). */
  DOWNTIME: 'DOWNTIME',
  /** The cron was paused while this scheduled run waited (a retry, a queued slot). */
  CRON_PAUSED: 'CRON_PAUSED',
  /**
   * The task creates no ticket, so it can only be dispatched, and no channel reaches the agent (it has no endpoint;
   * dispatch.rules.ts `dispatchChannelOf`): recorded, not retried — set its endpoint, or let the task create a ticket.
   */
  AGENT_UNREACHABLE: 'AGENT_UNREACHABLE',
  /** The task creates no ticket and this runner dispatches nothing (`dispatch: null`: tests and benchmarks of the scheduler alone). */
  NOTHING_TO_DO: 'NOTHING_TO_DO',
  /** The attempt's deadline passed with no outcome (also what a scheduler killed mid-run comes back to). */
  DEADLINE: 'DEADLINE',
  /** The run's ticket was closed without being done. */
  TICKET_CLOSED: 'TICKET_CLOSED',
  /** The run's execution reported `failed` (or was `blocked`). */
  EXECUTION_FAILED: 'EXECUTION_FAILED',
  /** Starting the attempt failed (the dispatch door refused, the ticket could not be created). */
  START_FAILED: 'START_FAILED',
  /** A gateway-fired job's slot passed with no start on the gateway (missed-run repair, ADR 0020). */
  GATEWAY_MISSED: 'GATEWAY_MISSED',
} as const;
export type CronRunReason = (typeof CRON_RUN_REASONS)[keyof typeof CRON_RUN_REASONS];

/** Reasons that end a run without a retry, whatever the policy: retrying cannot change them within the run. */
export const NOT_RETRIED: ReadonlySet<string> = new Set<CronRunReason>([
  CRON_RUN_REASONS.BUDGET_EXCEEDED,
  CRON_RUN_REASONS.WORKSPACE_ARCHIVED,
  CRON_RUN_REASONS.AGENT_INACTIVE,
  CRON_RUN_REASONS.CRON_PAUSED,
  CRON_RUN_REASONS.AGENT_UNREACHABLE,
  CRON_RUN_REASONS.NOTHING_TO_DO,
]);

/** What a skipped run says beyond its reason (its `output`, and its attempt's `error`), where there is more to say. */
export const CRON_RUN_SKIP_DETAIL = {
  AGENT_UNREACHABLE: (agentName: string) =>
    `agent ${agentName} has no endpoint to send the task to, and the task creates no ticket it could pick up: set the agent's endpoint or let the task create a ticket`,
} as const;

/** Why a cron was paused by Mission Control itself (`crons.paused_reason`). */
export const CRON_PAUSED_REASONS = { NO_RUNNABLE_TARGET: 'NO_RUNNABLE_TARGET' } as const;

// ------------------------------------------------------------------------------------------------------ retries

export type Backoff = 'exponential' | 'fixed';
export interface RetryPolicy {
  /** Attempts in all, the first included (1 = never retried). */
  maxAttempts: number;
  backoff: Backoff;
  /** The delay before the first retry. */
  baseSeconds: number;
  /** No delay is longer than this. */
  maxSeconds: number;
}

/** What a cron's `retry` falls back to, field by field: the contract's defaults, said once in @mc/contracts/constants. */
export const RETRY_DEFAULTS: RetryPolicy = { ...CRON_RETRY_DEFAULTS };
/** Bounds whatever was stored: at most 10 attempts, delays between 1 s and a day. */
export const RETRY_LIMITS = { maxAttempts: 10, minSeconds: 1, maxSeconds: 24 * 3600 } as const;
/**
 * Jitter: a delay is drawn uniformly from [(1 − JITTER) · d, d] where d is the policy's nominal delay, so that runs
 * that failed together (a receiver down for every target) do not come back in lockstep, and no delay exceeds the
 * policy's own bound.
 */
export const RETRY_JITTER = 0.25;

/** The stored `retry` object read as a policy: defaults for what is missing, bounds for what is out of range. */
export function retryPolicyOf(stored: unknown): RetryPolicy {
  const r = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const maxSeconds = clamp(num(r.maxSeconds, RETRY_DEFAULTS.maxSeconds), RETRY_LIMITS.minSeconds, RETRY_LIMITS.maxSeconds);
  return {
    maxAttempts: clamp(Math.floor(num(r.maxAttempts, RETRY_DEFAULTS.maxAttempts)), 1, RETRY_LIMITS.maxAttempts),
    backoff: r.backoff === 'fixed' ? 'fixed' : 'exponential',
    baseSeconds: clamp(num(r.baseSeconds, RETRY_DEFAULTS.baseSeconds), RETRY_LIMITS.minSeconds, maxSeconds),
    maxSeconds,
  };
}

/** The delay before attempt `failedAttempt + 1`, before jitter: base, or base · 2^(n−1), never above maxSeconds. */
export function nominalRetryDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  const factor = policy.backoff === 'fixed' ? 1 : 2 ** Math.min(30, Math.max(0, failedAttempt - 1));
  return Math.min(policy.maxSeconds, policy.baseSeconds * factor) * 1000;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; why: 'not_retried' | 'attempts_exhausted' };

/**
 * After attempt `failedAttempt` failed with `reason`: try again (after how long), or end the run failed. `random` is
 * a number in [0, 1) (Math.random in the scheduler, fixed in tests).
 */
export function retryDecision(policy: RetryPolicy, failedAttempt: number, reason: string, random: number): RetryDecision {
  if (NOT_RETRIED.has(reason)) return { retry: false, why: 'not_retried' };
  if (failedAttempt >= policy.maxAttempts) return { retry: false, why: 'attempts_exhausted' };
  const nominal = nominalRetryDelayMs(policy, failedAttempt);
  const r = Math.min(1, Math.max(0, random));
  return { retry: true, delayMs: Math.round(nominal * (1 - RETRY_JITTER * r)) };
}

// -------------------------------------------------------------------------------------------- attempt deadline

/** How long an attempt may run without an outcome before it fails with DEADLINE, unless the task says otherwise. */
export const RUN_DEADLINE_DEFAULT_SECONDS = 60 * 60;
export const RUN_DEADLINE_LIMITS = { minSeconds: 10, maxSeconds: 7 * 24 * 3600 } as const;

/** The attempt deadline of a task (`task.timeoutSeconds` when given, else the default), bounded. */
export function runDeadlineMs(task: unknown): number {
  const t = (task && typeof task === 'object' ? task : {}) as Record<string, unknown>;
  const s = typeof t.timeoutSeconds === 'number' && Number.isFinite(t.timeoutSeconds) ? t.timeoutSeconds : RUN_DEADLINE_DEFAULT_SECONDS;
  return Math.min(RUN_DEADLINE_LIMITS.maxSeconds, Math.max(RUN_DEADLINE_LIMITS.minSeconds, s)) * 1000;
}

// ---------------------------------------------------------------------------------------------- catch-up

export type CatchUp = 'once' | 'skip';
export type Concurrency = 'skip' | 'queue_one' | 'allow';

/**
 * A slot fired this late (or later) was not fired on time: the scheduler was away. Within it, a slot is simply on
 * time (a busy scheduler, a pass that took a while); beyond it, catch-up decides.
 */
export const MISFIRE_GRACE_MS = 60_000;
/** At most this many slots are walked one by one to find what was missed; past it the count is a lower bound. */
export const CATCHUP_SCAN_LIMIT = 1000;
/**
 * At most this many missed slots are recorded as runs of their own (the most recent ones); the first recorded one
 * says how many were missed in all, so a month-long outage of an every-minute cron does not write 40,000 rows.
 */
export const MISSED_RECORD_LIMIT = 5;

export interface SlotPlan {
  /** The slot to fire now, and why; null when nothing fires (catch-up `skip` after downtime). */
  fire: { slot: Date; trigger: 'schedule' | 'catch_up' } | null;
  /** Missed slots recorded as runs (oldest first, at most MISSED_RECORD_LIMIT). */
  missed: Date[];
  /** How many slots were missed in all (recorded or not); a lower bound when `missedExact` is false. */
  missedTotal: number;
  missedExact: boolean;
  /** The earliest slot missed (for the summary), when any was. */
  missedFrom: Date | null;
  /** The first slot after `now`: the cron's new next_due_at (null: nothing left to fire, an `@once` that fired). */
  nextDueAt: Date | null;
  /** The latest slot that is now behind (fired or missed): the cron's last_slot_at. */
  lastSlotAt: Date;
}

/** The next slot strictly after a time, or null when the schedule has none left (schedule.ts `nextSlotAfter`). */
export type NextSlot = (after: Date) => Date | null;

/**
 * The latest slot at or before `now`, knowing one (`known`) is at or before it: looks back from `now` over windows
 * that double until one holds a slot, then walks forward. For a regular schedule that is a handful of steps, however
 * long the outage was.
 */
export function latestSlotAtOrBefore(next: NextSlot, now: Date, known: Date): Date {
  let back = 60_000;
  for (let round = 0; round < 64; round++) {
    const from = new Date(Math.max(known.getTime() - 1, now.getTime() - back));
    let s = next(from);
    if (s && s.getTime() <= now.getTime()) {
      let steps = 0;
      for (let n = next(s); n && n.getTime() <= now.getTime() && steps < CATCHUP_SCAN_LIMIT; n = next(n), steps++) s = n;
      if (steps < CATCHUP_SCAN_LIMIT) return s;
      back = Math.max(1000, Math.floor(back / 4)); // too many in the window: look at a narrower one
      continue;
    }
    if (from.getTime() <= known.getTime()) return known;
    back *= 2;
  }
  return known;
}

/**
 * What to do with a cron whose next slot (`nextDueAt`) is at or before `now`: the slots between then and now are
 * walked (at most CATCHUP_SCAN_LIMIT one by one), the latest one is fired when it is on time (within
 * MISFIRE_GRACE_MS) or when catch-up is `once`, and all the older ones (and a late latest one under `skip`) are
 * missed — recorded, never fired. The cron moves on to the first slot after `now`.
 */
export function planSlots(o: { nextDueAt: Date; now: Date; catchUp: CatchUp; next: NextSlot; graceMs?: number }): SlotPlan {
  const now = o.now.getTime();
  const grace = o.graceMs ?? MISFIRE_GRACE_MS;
  const recent: Date[] = []; // the last MISSED_RECORD_LIMIT + 1 slots walked
  let count = 0;
  let exact = true;
  let s: Date | null = o.nextDueAt;
  const first = o.nextDueAt;
  while (s && s.getTime() <= now && count < CATCHUP_SCAN_LIMIT) {
    recent.push(s);
    if (recent.length > MISSED_RECORD_LIMIT + 1) recent.shift();
    count++;
    s = o.next(s);
  }
  if (s && s.getTime() <= now) {
    // Longer than the walk: jump to the latest slot; the count becomes a lower bound.
    exact = false;
    const latest = latestSlotAtOrBefore(o.next, o.now, s);
    recent.length = 0;
    recent.push(latest);
    count += 1;
    s = o.next(latest);
  }
  const latest = recent[recent.length - 1];
  const older = recent.slice(0, -1);
  const late = now - latest.getTime() > grace;
  const olderTotal = count - 1;
  const base = { nextDueAt: s, lastSlotAt: latest, missedExact: exact };
  if (o.catchUp === 'skip' && late) {
    return { ...base, fire: null, missed: [...older, latest], missedTotal: count, missedFrom: first };
  }
  return {
    ...base,
    fire: { slot: latest, trigger: late || olderTotal > 0 ? 'catch_up' : 'schedule' },
    missed: older,
    missedTotal: olderTotal,
    missedFrom: olderTotal > 0 ? first : null,
  };
}

/** The output recorded on the first missed run of a pass: how many slots were missed, from when to when. */
export function missedSummary(plan: SlotPlan): string | null {
  if (plan.missedTotal === 0 || !plan.missedFrom) return null;
  const last = plan.missed[plan.missed.length - 1] ?? plan.lastSlotAt;
  const n = plan.missedExact ? `${plan.missedTotal}` : `at least ${plan.missedTotal}`;
  const listed = plan.missedTotal > plan.missed.length ? ` (the latest ${plan.missed.length} are listed)` : '';
  return `${n} slot${plan.missedTotal === 1 ? '' : 's'} missed between ${plan.missedFrom.toISOString()} and ${last.toISOString()} while no scheduler ran${listed}`;
}

// ---------------------------------------------------------------------------------------------- scheduler loop

/** How many due crons one firing statement claims (a thousand due in the same second cost a few statements). */
export const FIRE_BATCH = 500;
/** How many due runs one pass starts, and how many at once (each start is its own short transaction). */
export const START_BATCH = 200;
export const START_CONCURRENCY = 4;
/** The scheduler never sleeps longer than this (a safety net: a lost wake-up costs at most this much delay). */
export const MAX_SLEEP_MS = 60_000;
/** Wake-ups are coalesced over this long, so a burst of cron changes costs one look. */
export const WAKE_DEBOUNCE_MS = 10;

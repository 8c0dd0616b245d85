import { describe, expect, it } from 'vitest';
import {
  CATCHUP_SCAN_LIMIT,
  CRON_RUN_REASONS,
  MISFIRE_GRACE_MS,
  MISSED_RECORD_LIMIT,
  latestSlotAtOrBefore,
  missedSummary,
  nominalRetryDelayMs,
  planSlots,
  retryDecision,
  retryPolicyOf,
  runDeadlineMs,
  type NextSlot,
} from './cron-runs.rules';

const MIN = 60_000;
/** Every `ms` from the epoch: the slots of `@every`, enough for the planner's arithmetic. */
const every =
  (ms: number): NextSlot =>
  (after) =>
    new Date((Math.floor(after.getTime() / ms) + 1) * ms);
const at = (iso: string) => new Date(iso);

describe('retry policy', () => {
  it('fills defaults and bounds what is stored', () => {
    expect(retryPolicyOf(undefined)).toEqual({ maxAttempts: 1, backoff: 'exponential', baseSeconds: 60, maxSeconds: 3600 });
    expect(retryPolicyOf({ maxAttempts: 99, backoff: 'fixed', baseSeconds: 0, maxSeconds: 10 ** 9 })).toEqual({
      maxAttempts: 10,
      backoff: 'fixed',
      baseSeconds: 1,
      maxSeconds: 86400,
    });
    // A base above the maximum is brought down to it.
    expect(retryPolicyOf({ baseSeconds: 500, maxSeconds: 100 }).baseSeconds).toBe(100);
  });

  it('doubles exponentially up to maxSeconds; fixed stays at base', () => {
    const exp = retryPolicyOf({ maxAttempts: 10, backoff: 'exponential', baseSeconds: 10, maxSeconds: 60 });
    expect([1, 2, 3, 4, 5].map((n) => nominalRetryDelayMs(exp, n))).toEqual([10_000, 20_000, 40_000, 60_000, 60_000]);
    const fixed = retryPolicyOf({ maxAttempts: 10, backoff: 'fixed', baseSeconds: 7 });
    expect([1, 2, 5].map((n) => nominalRetryDelayMs(fixed, n))).toEqual([7000, 7000, 7000]);
  });

  it('draws the jitter below the nominal delay, never above it', () => {
    const p = retryPolicyOf({ maxAttempts: 3, backoff: 'exponential', baseSeconds: 100 });
    expect(retryDecision(p, 1, CRON_RUN_REASONS.DEADLINE, 0)).toEqual({ retry: true, delayMs: 100_000 });
    expect(retryDecision(p, 1, CRON_RUN_REASONS.DEADLINE, 1)).toEqual({ retry: true, delayMs: 75_000 });
    expect(retryDecision(p, 2, CRON_RUN_REASONS.EXECUTION_FAILED, 0.5)).toEqual({ retry: true, delayMs: 175_000 });
  });

  it('stops after maxAttempts, and never retries a budget stop or an unrunnable target', () => {
    const p = retryPolicyOf({ maxAttempts: 3 });
    expect(retryDecision(p, 3, CRON_RUN_REASONS.DEADLINE, 0)).toEqual({ retry: false, why: 'attempts_exhausted' });
    for (const reason of [CRON_RUN_REASONS.BUDGET_EXCEEDED, CRON_RUN_REASONS.AGENT_INACTIVE, CRON_RUN_REASONS.WORKSPACE_ARCHIVED, CRON_RUN_REASONS.AGENT_UNREACHABLE]) {
      expect(retryDecision(p, 1, reason, 0)).toEqual({ retry: false, why: 'not_retried' });
    }
    expect(retryDecision(retryPolicyOf({}), 1, CRON_RUN_REASONS.DEADLINE, 0)).toEqual({ retry: false, why: 'attempts_exhausted' });
  });

  it('bounds the attempt deadline', () => {
    expect(runDeadlineMs({})).toBe(3600_000);
    expect(runDeadlineMs({ timeoutSeconds: 1 })).toBe(10_000);
    expect(runDeadlineMs({ timeoutSeconds: 120 })).toBe(120_000);
  });
});

describe('catch-up', () => {
  it('fires a slot that is on time, and moves to the next', () => {
    const plan = planSlots({ nextDueAt: at('2026-01-01T10:00:00Z'), now: at('2026-01-01T10:00:00.300Z'), catchUp: 'skip', next: every(MIN) });
    expect(plan.fire).toEqual({ slot: at('2026-01-01T10:00:00Z'), trigger: 'schedule' });
    expect(plan.missed).toEqual([]);
    expect(plan.missedTotal).toBe(0);
    expect(plan.nextDueAt).toEqual(at('2026-01-01T10:01:00Z'));
    expect(missedSummary(plan)).toBeNull();
  });

  it('once: after downtime the latest slot fires once, the older ones are missed', () => {
    const plan = planSlots({ nextDueAt: at('2026-01-01T10:00:00Z'), now: at('2026-01-01T10:03:30Z'), catchUp: 'once', next: every(MIN) });
    expect(plan.fire).toEqual({ slot: at('2026-01-01T10:03:00Z'), trigger: 'catch_up' });
    expect(plan.missed).toEqual([at('2026-01-01T10:00:00Z'), at('2026-01-01T10:01:00Z'), at('2026-01-01T10:02:00Z')]);
    expect(plan.missedTotal).toBe(3);
    expect(plan.nextDueAt).toEqual(at('2026-01-01T10:04:00Z'));
    expect(plan.lastSlotAt).toEqual(at('2026-01-01T10:03:00Z'));
    expect(missedSummary(plan)).toBe('3 slots missed between 2026-01-01T10:00:00.000Z and 2026-01-01T10:02:00.000Z while no scheduler ran');
  });

  it('once: a single slot found late still fires (as a catch-up)', () => {
    const plan = planSlots({ nextDueAt: at('2026-01-01T10:00:00Z'), now: new Date(at('2026-01-01T10:00:00Z').getTime() + MISFIRE_GRACE_MS + 1), catchUp: 'once', next: every(3600_000) });
    expect(plan.fire).toEqual({ slot: at('2026-01-01T10:00:00Z'), trigger: 'catch_up' });
    expect(plan.missedTotal).toBe(0);
  });

  it('skip: slots that passed while away are all missed, none fires', () => {
    const plan = planSlots({ nextDueAt: at('2026-01-01T10:00:00Z'), now: at('2026-01-01T10:17:00Z'), catchUp: 'skip', next: every(5 * MIN) });
    expect(plan.fire).toBeNull();
    expect(plan.missed).toHaveLength(4);
    expect(plan.missedTotal).toBe(4);
    expect(plan.nextDueAt).toEqual(at('2026-01-01T10:20:00Z'));
  });

  it('skip: the latest slot still fires when it is on time, the older ones are missed', () => {
    const plan = planSlots({ nextDueAt: at('2026-01-01T10:00:00Z'), now: at('2026-01-01T10:03:00.500Z'), catchUp: 'skip', next: every(MIN) });
    expect(plan.fire).toEqual({ slot: at('2026-01-01T10:03:00Z'), trigger: 'catch_up' });
    expect(plan.missedTotal).toBe(3);
  });

  it('a long outage is bounded: the latest few slots are recorded, the total counted', () => {
    // A day of an every-minute cron: 1,440 slots, well past the walk limit.
    const plan = planSlots({ nextDueAt: at('2026-01-01T00:00:00Z'), now: at('2026-01-02T00:00:30Z'), catchUp: 'once', next: every(MIN) });
    expect(plan.fire).toEqual({ slot: at('2026-01-02T00:00:00Z'), trigger: 'catch_up' });
    expect(plan.missed.length).toBeLessThanOrEqual(MISSED_RECORD_LIMIT);
    expect(plan.missedTotal).toBeGreaterThanOrEqual(CATCHUP_SCAN_LIMIT);
    expect(plan.missedExact).toBe(false);
    expect(plan.nextDueAt).toEqual(at('2026-01-02T00:01:00Z'));
    expect(missedSummary(plan)).toMatch(/^at least \d+ slots missed between 2026-01-01T00:00:00.000Z/);
    // Within the walk limit the count is exact, and only the latest MISSED_RECORD_LIMIT are recorded.
    const hour = planSlots({ nextDueAt: at('2026-01-01T00:00:00Z'), now: at('2026-01-01T01:00:10Z'), catchUp: 'once', next: every(MIN) });
    expect(hour.missedTotal).toBe(60);
    expect(hour.missedExact).toBe(true);
    expect(hour.missed).toEqual(Array.from({ length: MISSED_RECORD_LIMIT }, (_, i) => new Date(at('2026-01-01T01:00:00Z').getTime() - (MISSED_RECORD_LIMIT - i) * MIN)));
    expect(missedSummary(hour)).toContain(`(the latest ${MISSED_RECORD_LIMIT} are listed)`);
  });

  it('a schedule with nothing left (an @once that fired) has no next slot', () => {
    const once: NextSlot = (after) => (after.getTime() < at('2026-01-01T10:00:00Z').getTime() ? at('2026-01-01T10:00:00Z') : null);
    const plan = planSlots({ nextDueAt: at('2026-01-01T10:00:00Z'), now: at('2026-01-01T10:00:01Z'), catchUp: 'once', next: once });
    expect(plan.fire?.slot).toEqual(at('2026-01-01T10:00:00Z'));
    expect(plan.nextDueAt).toBeNull();
  });

  it('finds the latest slot before now in a few steps, whatever the outage', () => {
    const next = every(15 * MIN);
    expect(latestSlotAtOrBefore(next, at('2027-06-01T12:07:00Z'), at('2026-01-01T00:00:00Z'))).toEqual(at('2027-06-01T12:00:00Z'));
  });
});

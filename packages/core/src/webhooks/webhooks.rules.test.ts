import { describe, expect, it } from 'vitest';
import {
  endpointWants,
  jitteredRetryDelayMs,
  nextAttemptAfterFailure,
  retryDelayMs,
  shouldDisableEndpoint,
  signingSecrets,
  WEBHOOK_DISABLE_POLICY,
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_RETRY_BASE_MS_DEFAULT,
} from './webhooks.rules';

const HOUR = 3600_000;
const retries = Array.from({ length: WEBHOOK_MAX_ATTEMPTS - 1 }, (_, i) => i + 1);

describe('retry schedule', () => {
  it('starts at the base and grows 4× per retry up to a cap of a few hours', () => {
    const delays = retries.map((n) => retryDelayMs(n));
    expect(delays.slice(0, 6)).toEqual([5_000, 20_000, 80_000, 320_000, 1_280_000, 5_120_000]);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
    expect(Math.max(...delays)).toBe(16_000_000); // 4 h 26 min 40 s
    expect(Math.max(...delays)).toBeLessThan(5 * HOUR);
  });

  it('10 to 12 attempts spread over about 24 h', () => {
    expect(WEBHOOK_MAX_ATTEMPTS).toBeGreaterThanOrEqual(10);
    expect(WEBHOOK_MAX_ATTEMPTS).toBeLessThanOrEqual(12);
    const total = retries.reduce((sum, n) => sum + retryDelayMs(n), 0);
    expect(total).toBeGreaterThan(23 * HOUR);
    expect(total).toBeLessThan(25 * HOUR);
  });

  it('jitter stays within ±20 % of each delay, and the whole schedule within ±20 % of 24 h', () => {
    for (const n of retries) {
      const d = retryDelayMs(n);
      expect(jitteredRetryDelayMs(n, WEBHOOK_RETRY_BASE_MS_DEFAULT, () => 0)).toBe(Math.round(d * 0.8));
      expect(jitteredRetryDelayMs(n, WEBHOOK_RETRY_BASE_MS_DEFAULT, () => 0.5)).toBe(d);
      expect(jitteredRetryDelayMs(n, WEBHOOK_RETRY_BASE_MS_DEFAULT, () => 0.999_999)).toBeLessThanOrEqual(Math.round(d * 1.2));
      for (let i = 0; i < 50; i++) {
        const j = jitteredRetryDelayMs(n);
        expect(j).toBeGreaterThanOrEqual(Math.floor(d * 0.8));
        expect(j).toBeLessThanOrEqual(Math.ceil(d * 1.2));
      }
    }
    const total = retries.reduce((sum, n) => sum + jitteredRetryDelayMs(n), 0);
    expect(total).toBeGreaterThan(0.8 * 24 * HOUR);
    expect(total).toBeLessThan(1.2 * 24.2 * HOUR);
  });

  it('scales with the configured base (tests use a tiny one)', () => {
    expect(retries.map((n) => retryDelayMs(n, 50)).slice(0, 3)).toEqual([50, 200, 800]);
    expect(retryDelayMs(20, 50)).toBe(50 * 3200);
  });

  it('after the last attempt there is no next one', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(nextAttemptAfterFailure(1, WEBHOOK_MAX_ATTEMPTS, now, 5_000, () => 0.5)!.getTime()).toBe(now.getTime() + 5_000);
    expect(nextAttemptAfterFailure(WEBHOOK_MAX_ATTEMPTS - 1, WEBHOOK_MAX_ATTEMPTS, now)).not.toBeNull();
    expect(nextAttemptAfterFailure(WEBHOOK_MAX_ATTEMPTS, WEBHOOK_MAX_ATTEMPTS, now)).toBeNull();
  });
});

describe('disable policy', () => {
  const now = new Date('2026-01-02T00:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  it('disables only after 24 h of nothing but failures, with enough attempts in a row', () => {
    expect(shouldDisableEndpoint({ consecutiveFailures: 50, failingSince: null }, now)).toBe(false);
    expect(shouldDisableEndpoint({ consecutiveFailures: 500, failingSince: ago(23 * HOUR) }, now)).toBe(false);
    expect(shouldDisableEndpoint({ consecutiveFailures: 2, failingSince: ago(48 * HOUR) }, now)).toBe(false);
    expect(shouldDisableEndpoint({ consecutiveFailures: WEBHOOK_DISABLE_POLICY.minConsecutiveFailures, failingSince: ago(24 * HOUR) }, now)).toBe(true);
  });
});

describe('filters and secrets', () => {
  it('an empty filter takes every event type', () => {
    expect(endpointWants([], 'ticket.created')).toBe(true);
    expect(endpointWants(['ticket.moved'], 'ticket.created')).toBe(false);
    expect(endpointWants(['ticket.moved', 'ticket.created'], 'ticket.created')).toBe(true);
  });

  it('the previous secret signs only while its grace lasts', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const e = { secret: 'whsec_new', previousSecret: 'whsec_old', previousSecretExpiresAt: new Date(now.getTime() + 1000) };
    expect(signingSecrets(e, now)).toEqual(['whsec_new', 'whsec_old']);
    expect(signingSecrets(e, new Date(now.getTime() + 1000))).toEqual(['whsec_new']);
    expect(signingSecrets({ ...e, previousSecret: null }, now)).toEqual(['whsec_new']);
  });
});

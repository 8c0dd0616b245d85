import { describe, expect, it } from 'vitest';
import { GATEWAY_WRITE_RULES, retryAfterOf, runWrites, scheduleWrites, WriteLimiter, type WriteClock } from './write-scheduler';

/** A clock that only moves when something sleeps: no real time passes in these tests. */
function fakeClock(start = 1_000_000): WriteClock & { t: number; slept: number[] } {
  const c = {
    t: start,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms);
      c.t += ms;
    },
  };
  return c;
}

/** A gateway method limit as OpenClaw applies it: 30 calls per 60 s per method, call 31 refused with retryAfterMs. */
function limitedGateway(clock: WriteClock, limit = 30, windowMs = 60_000) {
  const calls = new Map<string, number[]>();
  const log: { method: string; at: number; ok: boolean }[] = [];
  return {
    log,
    call: async (w: { method: string }) => {
      const now = clock.now();
      const recent = (calls.get(w.method) ?? []).filter((t) => t > now - windowMs);
      if (recent.length >= limit) {
        log.push({ method: w.method, at: now, ok: false });
        throw { code: 'UNAVAILABLE', message: 'rate limited', retryable: true, retryAfterMs: recent[0] + windowMs - now };
      }
      recent.push(now);
      calls.set(w.method, recent);
      log.push({ method: w.method, at: now, ok: true });
      return { ok: true };
    },
  };
}

describe('the write limiter', () => {
  it('spreads writes evenly and never goes over its budget in any 60 s window', () => {
    const plan = scheduleWrites(
      Array.from({ length: 80 }, () => ({ method: 'cron.update' })),
      0,
    );
    const times = plan.map((p) => p.at);
    expect(times[0]).toBe(0);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(Math.ceil(60_000 / GATEWAY_WRITE_RULES.budget));
    for (const t of times) expect(times.filter((x) => x > t - 60_000 && x <= t).length).toBeLessThanOrEqual(GATEWAY_WRITE_RULES.budget);
  });

  it('counts each method on its own', () => {
    const plan = scheduleWrites([{ method: 'cron.add' }, { method: 'cron.update' }, { method: 'cron.add' }], 0, { spacingMs: 1000 });
    expect(plan.map((p) => p.at)).toEqual([0, 0, 1000]);
  });

  it('a burst budget without spacing waits for the window to slide', () => {
    const plan = scheduleWrites(Array.from({ length: 7 }, () => ({ method: 'cron.remove' })), 0, { budget: 3, spacingMs: 0 });
    expect(plan.map((p) => p.at)).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000]);
  });

  it('blocks a method until the time the gateway named', () => {
    const l = new WriteLimiter({ spacingMs: 0 });
    l.block('cron.run', 100, 5_000);
    expect(l.nextAllowedAt('cron.run', 200)).toBe(5_100);
    expect(l.nextAllowedAt('cron.add', 200)).toBe(200);
  });
});

describe('running writes against a limited gateway', () => {
  it('honours retryAfterMs when the gateway refuses, and every write lands once', async () => {
    const clock = fakeClock();
    const gw = limitedGateway(clock);
    // A limiter that believes it may send 40 a minute (e.g. restarted mid-window): the gateway refuses, we wait.
    const writes = Array.from({ length: 45 }, (_, i) => ({ method: 'cron.add', i }));
    const out = await runWrites(writes, { call: gw.call, clock, limiter: new WriteLimiter({ budget: 40, spacingMs: 0 }) });
    expect(out.every((o) => o.ok)).toBe(true);
    expect(out.map((o) => o.write.i)).toEqual(writes.map((w) => w.i));
    const refused = gw.log.filter((l) => !l.ok);
    expect(refused.length).toBeGreaterThan(0);
    // After a refusal the next call waited the whole retryAfterMs: it is accepted.
    const firstRefusal = gw.log.findIndex((l) => !l.ok);
    expect(gw.log[firstRefusal + 1]).toMatchObject({ ok: true });
    expect(gw.log[firstRefusal + 1].at - gw.log[firstRefusal].at).toBe(60_000);
  });

  it('with the default budget the gateway never has to refuse', async () => {
    const clock = fakeClock();
    const gw = limitedGateway(clock);
    const out = await runWrites(
      Array.from({ length: 70 }, () => ({ method: 'cron.update' })),
      { call: gw.call, clock },
    );
    expect(out.every((o) => o.ok && o.attempts === 1)).toBe(true);
    expect(gw.log.every((l) => l.ok)).toBe(true);
  });

  it('gives up after maxAttempts, reports other errors at once, and goes on with the next write', async () => {
    const clock = fakeClock();
    let n = 0;
    const out = await runWrites([{ method: 'cron.update', id: 'a' }, { method: 'cron.update', id: 'b' }, { method: 'cron.remove', id: 'c' }], {
      clock,
      maxAttempts: 3,
      call: async (w) => {
        n++;
        if (w.id === 'a') throw { code: 'UNAVAILABLE', retryable: true, retryAfterMs: 1_000 };
        if (w.id === 'b') throw { code: 'INVALID_REQUEST', message: 'unknown cron job id: b' };
        return 'removed';
      },
    });
    expect(out.map((o) => [o.write.id, o.ok, o.attempts])).toEqual([
      ['a', false, 3],
      ['b', false, 1],
      ['c', true, 1],
    ]);
    expect(out[0]).toMatchObject({ retryable: true });
    expect(n).toBe(5);
  });

  it('stops before the next wait when asked to', async () => {
    const clock = fakeClock();
    let stop = false;
    const out = await runWrites([{ method: 'cron.add' }, { method: 'cron.add' }], {
      clock,
      shouldStop: () => stop,
      call: async () => {
        stop = true;
        return 1;
      },
    });
    expect(out).toHaveLength(1);
  });

  it('reads retryAfterMs only from retryable UNAVAILABLE errors, capped', () => {
    expect(retryAfterOf({ code: 'UNAVAILABLE', retryable: true, retryAfterMs: 1234 })).toBe(1234);
    expect(retryAfterOf({ code: 'UNAVAILABLE', retryable: true })).toBe(GATEWAY_WRITE_RULES.defaultRetryAfterMs);
    expect(retryAfterOf({ code: 'UNAVAILABLE', retryable: true, retryAfterMs: 10 * 60_000 })).toBe(GATEWAY_WRITE_RULES.maxRetryAfterMs);
    expect(retryAfterOf({ code: 'UNAVAILABLE', retryable: false, retryAfterMs: 5 })).toBeNull();
    expect(retryAfterOf({ code: 'INVALID_REQUEST' })).toBeNull();
    expect(retryAfterOf(new Error('socket closed'))).toBeNull();
  });
});

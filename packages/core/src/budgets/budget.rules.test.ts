import { describe, expect, it } from 'vitest';
import { budgetStanding, costLimitMicros, marksToClear, monthLabel, newlyReached, nextMonthStart, budgetMonthOf, usageDelta } from './budget.rules';

describe('months', () => {
  it('is the UTC month, whatever the local time', () => {
    expect(budgetMonthOf(new Date('2026-03-31T23:59:59.999Z'))).toBe('2026-03-01');
    expect(budgetMonthOf(new Date('2026-04-01T00:00:00.000Z'))).toBe('2026-04-01');
    expect(budgetMonthOf(new Date('2026-04-01T01:00:00+02:00'))).toBe('2026-03-01');
    expect(monthLabel('2026-03-01')).toBe('2026-03');
  });

  it('resets at the first instant of the next month, across a year end', () => {
    expect(nextMonthStart(new Date('2026-03-15T12:00:00Z')).toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(nextMonthStart(new Date('2026-12-31T23:59:59Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('budgetStanding', () => {
  const limits = { tokenLimit: 1000, costLimitMicros: 10_000_000n, hardStop: true };

  it('reaches 80% and 100% at exactly those fractions', () => {
    expect(budgetStanding({ tokens: 799, costMicros: 0n }, limits).tokens).toEqual({ percent: 79.9, reached: [] });
    expect(budgetStanding({ tokens: 800, costMicros: 0n }, limits).tokens).toEqual({ percent: 80, reached: [80] });
    expect(budgetStanding({ tokens: 999, costMicros: 0n }, limits).blocked).toBe(false);
    const full = budgetStanding({ tokens: 1000, costMicros: 0n }, limits);
    expect(full.tokens.reached).toEqual([80, 100]);
    expect(full).toMatchObject({ blocked: true, blockedBy: 'tokens' });
  });

  it('does not round 79.999% up to a threshold', () => {
    const s = budgetStanding({ tokens: 0, costMicros: 7_999_999n }, limits);
    expect(s.cost).toEqual({ percent: 79.99, reached: [] });
  });

  it('blocks on the cost limit too, and only with hard stop', () => {
    expect(budgetStanding({ tokens: 0, costMicros: 10_000_000n }, limits)).toMatchObject({ blocked: true, blockedBy: 'cost' });
    expect(budgetStanding({ tokens: 5000, costMicros: 99_000_000n }, { ...limits, hardStop: false })).toMatchObject({ blocked: false, blockedBy: null });
  });

  it('has no percent and never blocks without limits; a limit of 0 is reached at once', () => {
    const none = budgetStanding({ tokens: 10 ** 12, costMicros: 10n ** 15n }, { tokenLimit: null, costLimitMicros: null, hardStop: true });
    expect(none).toEqual({ tokens: { percent: null, reached: [] }, cost: { percent: null, reached: [] }, blocked: false, blockedBy: null });
    expect(budgetStanding({ tokens: 0, costMicros: 0n }, { tokenLimit: 0, costLimitMicros: null, hardStop: true })).toMatchObject({ blocked: true, tokens: { percent: 100 } });
  });

  it('is exact for limits past 2^53 / 100', () => {
    const big = 10 ** 15;
    expect(budgetStanding({ tokens: big * 0.8 - 1, costMicros: 0n }, { ...limits, tokenLimit: big }).tokens.reached).toEqual([]);
    expect(budgetStanding({ tokens: big * 0.8, costMicros: 0n }, { ...limits, tokenLimit: big }).tokens.reached).toEqual([80]);
  });
});

describe('threshold marks', () => {
  const none = { warnedAt: null, exceededAt: null };
  const at = new Date('2026-03-02T00:00:00Z');

  it('announces each threshold once, and only the highest of a jump', () => {
    expect(newlyReached({ percent: 85, reached: [80] }, none)).toEqual({ setWarned: true, setExceeded: false, announce: 80 });
    expect(newlyReached({ percent: 90, reached: [80] }, { warnedAt: at, exceededAt: null })).toEqual({ setWarned: false, setExceeded: false, announce: null });
    expect(newlyReached({ percent: 120, reached: [80, 100] }, none)).toEqual({ setWarned: true, setExceeded: true, announce: 100 });
    expect(newlyReached({ percent: 120, reached: [80, 100] }, { warnedAt: at, exceededAt: null })).toEqual({ setWarned: false, setExceeded: true, announce: 100 });
    expect(newlyReached({ percent: null, reached: [] }, none).announce).toBeNull();
  });

  it('clears marks a raised limit no longer justifies', () => {
    expect(marksToClear({ percent: 9, reached: [] }, { warnedAt: at, exceededAt: at })).toEqual({ clearWarned: true, clearExceeded: true });
    expect(marksToClear({ percent: 90, reached: [80] }, { warnedAt: at, exceededAt: at })).toEqual({ clearWarned: false, clearExceeded: true });
    expect(marksToClear({ percent: null, reached: [] }, none)).toEqual({ clearWarned: false, clearExceeded: false });
  });
});

describe('costLimitMicros', () => {
  it('reads the numeric(14,4) limit', () => {
    expect(costLimitMicros('12.5000')).toBe(12_500_000n);
    expect(costLimitMicros('0')).toBe(0n);
    expect(costLimitMicros(null)).toBeNull();
  });
});

describe('usageDelta', () => {
  const prev = { tokens: 100, costMicros: 5_000_000n };
  const lower = { tokens: 150, costMicros: 1_000_000n };
  const startedMarch = new Date('2026-03-31T23:00:00Z');
  it('charges increases in full, to whatever month', () => {
    expect(usageDelta(prev, { tokens: 120, costMicros: 6_000_000n }, { firstChargedMonth: '2026-03-01', startedAt: startedMarch }, '2026-04-01')).toEqual({ tokens: 20, costMicros: 1_000_000n });
  });
  it('credits a decrease only to the month of every earlier charge', () => {
    expect(usageDelta(prev, lower, { firstChargedMonth: '2026-04-01', startedAt: startedMarch }, '2026-04-01')).toEqual({ tokens: 50, costMicros: -4_000_000n });
    expect(usageDelta(prev, lower, { firstChargedMonth: '2026-03-01', startedAt: startedMarch }, '2026-04-01')).toEqual({ tokens: 50, costMicros: 0n });
    // Runs charged before the first charge month was recorded: the month they started decides.
    expect(usageDelta(prev, lower, { firstChargedMonth: null, startedAt: startedMarch }, '2026-04-01')).toEqual({ tokens: 50, costMicros: 0n });
    expect(usageDelta(prev, lower, { firstChargedMonth: null, startedAt: startedMarch }, '2026-03-01')).toEqual({ tokens: 50, costMicros: -4_000_000n });
  });
});

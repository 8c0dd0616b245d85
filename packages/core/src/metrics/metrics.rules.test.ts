// Bucket arithmetic against dates worked out by hand (calendars of 2023/2024/2025) and, for weeks, against the
// ISO definition computed a second way (Date#getUTCDay).
import { utcDayOf, ZMetricsDate } from '@mc/contracts';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import {
  bucketCount,
  bucketEnd,
  bucketStart,
  DEFAULT_BUCKETS,
  MAX_BUCKETS,
  metricsOf,
  resolveCostRange,
  resolveMetricsRange,
  shiftBucket,
  ZERO_SUMS,
} from './metrics.rules';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('VALIDATION_ERROR');
    return (err as DomainError).details!.issues as { field: string; in: string; message: string }[];
  }
  throw new Error('expected a validation error');
}

describe('bucketStart', () => {
  it('weeks start on Monday (ISO), across month and year ends', () => {
    // 2024-02-26 was a Monday; 2024-02-29 a Thursday; 2024-03-03 a Sunday; 2024-03-04 a Monday.
    expect(bucketStart('week', '2024-02-26')).toBe('2024-02-26');
    expect(bucketStart('week', '2024-02-29')).toBe('2024-02-26');
    expect(bucketStart('week', '2024-03-03')).toBe('2024-02-26');
    expect(bucketStart('week', '2024-03-04')).toBe('2024-03-04');
    // 2025-01-01 was a Wednesday: its week began in 2024 (ISO week 2025-W01).
    expect(bucketStart('week', '2025-01-01')).toBe('2024-12-30');
    // 1970-01-01 (day 0) was a Thursday.
    expect(bucketStart('week', '1970-01-01')).toBe('1969-12-29');
    expect(bucketStart('week', '1970-01-05')).toBe('1970-01-05');
  });

  it('agrees with getUTCDay for every day of four years', () => {
    for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      const back = (new Date(t).getUTCDay() + 6) % 7; // days since Monday
      expect(bucketStart('week', day), day).toBe(new Date(t - back * 86_400_000).toISOString().slice(0, 10));
    }
  });

  it('months start on the 1st; days are themselves', () => {
    expect(bucketStart('month', '2024-02-29')).toBe('2024-02-01');
    expect(bucketStart('month', '2024-12-31')).toBe('2024-12-01');
    expect(bucketStart('day', '2024-02-29')).toBe('2024-02-29');
  });
});

describe('bucketEnd and shiftBucket', () => {
  it('month lengths, leap years included', () => {
    expect(bucketEnd('month', '2024-02-01')).toBe('2024-02-29');
    expect(bucketEnd('month', '2023-02-01')).toBe('2023-02-28');
    expect(bucketEnd('month', '2100-02-01')).toBe('2100-02-28'); // divisible by 100, not by 400
    expect(bucketEnd('month', '2000-02-01')).toBe('2000-02-29'); // divisible by 400
    expect(bucketEnd('month', '2024-04-01')).toBe('2024-04-30');
    expect(bucketEnd('month', '2024-12-01')).toBe('2024-12-31');
    expect(bucketEnd('week', '2024-02-26')).toBe('2024-03-03');
    expect(bucketEnd('day', '2024-02-28')).toBe('2024-02-28');
  });

  it('steps across year ends in both directions', () => {
    expect(shiftBucket('month', '2024-12-01', 1)).toBe('2025-01-01');
    expect(shiftBucket('month', '2024-01-01', -1)).toBe('2023-12-01');
    expect(shiftBucket('month', '2024-03-01', -14)).toBe('2023-01-01');
    expect(shiftBucket('week', '2024-12-30', 1)).toBe('2025-01-06');
    expect(shiftBucket('day', '2024-02-28', 1)).toBe('2024-02-29');
    expect(shiftBucket('day', '2023-02-28', 1)).toBe('2023-03-01');
  });

  it('counts buckets inclusively', () => {
    expect(bucketCount('day', '2024-02-01', '2024-03-01')).toBe(30); // 29 days of February + 1
    expect(bucketCount('week', '2024-02-26', '2024-03-04')).toBe(2);
    expect(bucketCount('month', '2023-11-01', '2024-02-01')).toBe(4);
  });
});

describe('resolveMetricsRange', () => {
  const today = '2024-03-02'; // a Saturday

  it('defaults: the last 30 days, 12 ISO weeks, 12 months, ending with the bucket of today', () => {
    const day = resolveMetricsRange('day', {}, today);
    expect(day.buckets).toHaveLength(DEFAULT_BUCKETS.day);
    expect(day).toMatchObject({ from: '2024-02-02', to: '2024-03-02' });
    expect(day.buckets.slice(-4)).toEqual(['2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']);

    const week = resolveMetricsRange('week', {}, today);
    expect(week.buckets).toHaveLength(12);
    expect(week).toMatchObject({ from: '2023-12-11', to: '2024-03-03' });

    const month = resolveMetricsRange('month', {}, today);
    expect(month.buckets).toEqual([
      '2023-04-01', '2023-05-01', '2023-06-01', '2023-07-01', '2023-08-01', '2023-09-01',
      '2023-10-01', '2023-11-01', '2023-12-01', '2024-01-01', '2024-02-01', '2024-03-01',
    ]);
    expect(month).toMatchObject({ from: '2023-04-01', to: '2024-03-31' });
  });

  it('widens from and to to whole buckets', () => {
    expect(resolveMetricsRange('week', { from: '2024-02-29', to: '2024-03-05' }, today)).toEqual({
      period: 'week',
      from: '2024-02-26',
      to: '2024-03-10',
      buckets: ['2024-02-26', '2024-03-04'],
    });
    expect(resolveMetricsRange('month', { from: '2024-01-31', to: '2024-02-01' }, today)).toMatchObject({ from: '2024-01-01', to: '2024-02-29' });
    // A default from counts back from an explicit to.
    expect(resolveMetricsRange('day', { to: '2024-01-10' }, today)).toMatchObject({ from: '2023-12-12', to: '2024-01-10' });
    // One day is one bucket.
    expect(resolveMetricsRange('day', { from: '2024-02-29', to: '2024-02-29' }, today).buckets).toEqual(['2024-02-29']);
  });

  it('from after to is a 400 naming from (also against the default to, today)', () => {
    expect(issuesOf(() => resolveMetricsRange('day', { from: '2024-03-02', to: '2024-03-01' }, today))).toEqual([
      expect.objectContaining({ field: 'from', in: 'query', message: expect.stringMatching(/after to/) }),
    ]);
    expect(issuesOf(() => resolveMetricsRange('month', { from: '2024-03-03' }, today))[0].message).toMatch(/today/);
    // In the same bucket but after: still refused (the caller's range is backwards).
    expect(issuesOf(() => resolveMetricsRange('month', { from: '2024-03-02', to: '2024-03-01' }, today))[0].field).toBe('from');
  });

  it(`caps the answer at ${MAX_BUCKETS} buckets`, () => {
    expect(resolveMetricsRange('day', { from: '2023-03-03', to: '2024-03-02' }, today).buckets).toHaveLength(366); // a leap year of days
    expect(issuesOf(() => resolveMetricsRange('day', { from: '2023-03-02', to: '2024-03-02' }, today))[0].message).toMatch(/367 days.*at most 366/);
    expect(resolveMetricsRange('month', { from: '1995-01-01', to: '2024-06-30' }, today).buckets).toHaveLength(354);
    expect(issuesOf(() => resolveMetricsRange('week', { from: '2010-01-01', to: '2024-01-01' }, today))[0].field).toBe('from');
  });
});

describe('resolveCostRange', () => {
  it('defaults to the current month to date', () => {
    const r = resolveCostRange({}, '2024-02-29');
    expect(r.from).toBe('2024-02-01');
    expect(r.to).toBe('2024-02-29');
    expect(r.days).toHaveLength(29);
    expect(resolveCostRange({}, '2024-03-01').days).toEqual(['2024-03-01']);
  });

  it('refuses from after to and more than 366 days', () => {
    expect(issuesOf(() => resolveCostRange({ from: '2024-03-02', to: '2024-03-01' }, '2024-03-05'))[0].field).toBe('from');
    expect(issuesOf(() => resolveCostRange({ from: '2023-01-01', to: '2024-01-02' }, '2024-03-05'))[0].field).toBe('from');
  });
});

describe('metricsOf', () => {
  it('is zeros and nulls for an empty bucket', () => {
    expect(metricsOf(ZERO_SUMS)).toEqual({
      attempted: 0,
      completed: 0,
      failed: 0,
      blocked: 0,
      successRate: null,
      tokensIn: 0,
      tokensOut: 0,
      avgTokensPerCompletion: null,
      costUsd: 0,
      avgCostPerCompletion: null,
      avgDurationMs: null,
      ratings: { good: 0, bad: 0 },
    });
  });

  it('charges failed attempts to the completions', () => {
    const m = metricsOf({ ...ZERO_SUMS, attempted: 3, succeeded: 2, failed: 1, tokensIn: 900, tokensOut: 101, costMicros: 1_000_001, durationMs: 1000 });
    expect(m.successRate).toBe(0.6667);
    expect(m.avgTokensPerCompletion).toBe(500.5);
    expect(m.costUsd).toBe(1.000001);
    expect(m.avgCostPerCompletion).toBe(0.500001); // 500000.5 micro-dollars, rounded half up
    expect(m.avgDurationMs).toBe(333);
  });
});

describe('query dates', () => {
  it('reads a day or a date-time as its UTC day, and refuses dates that do not exist', () => {
    expect(utcDayOf('2024-02-29')).toBe('2024-02-29');
    expect(utcDayOf('2023-02-29')).toBeNull();
    expect(utcDayOf('2024-13-01')).toBeNull();
    expect(utcDayOf('2024-03-01T01:00:00+02:00')).toBe('2024-02-29');
    expect(utcDayOf('2024-02-29T23:30:00.000Z')).toBe('2024-02-29');
    expect(utcDayOf('2023-02-30T10:00:00Z')).toBeNull();
    expect(utcDayOf('1969-12-31')).toBeNull();
    expect(utcDayOf('yesterday')).toBeNull();
    expect(ZMetricsDate.safeParse('2024-2-1').success).toBe(false);
    expect(ZMetricsDate.parse('2024-02-01T00:00:00Z')).toBe('2024-02-01');
  });
});

// Bucket arithmetic of the metrics: UTC days, ISO weeks (Monday start) and calendar months, on `YYYY-MM-DD`
// strings. Pure, so the edges (week boundaries, month lengths, leap years, ranges) are unit-tested without a
// database; the SQL groups with date_trunc, which agrees with these definitions.
import type { FieldIssue, MetricsPeriod } from '@mc/contracts';
import { DomainError, validation } from '../errors';

/** At most this many buckets per answer: a year of days, or seven years of weeks. Charts need no more, and it bounds the work. */
export const MAX_BUCKETS = 366;

/** Buckets in a range when `from` is not given (the current bucket included): 30 days, 12 weeks, 12 months. */
export const DEFAULT_BUCKETS: Record<MetricsPeriod, number> = { day: 30, week: 12, month: 12 };

/** The longest cost breakdown, in days (one per `byDay` entry). */
export const MAX_COST_DAYS = 366;

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` day. */
export function epochDay(day: string): number {
  return Math.round(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS);
}

/** The `YYYY-MM-DD` of a day number (inverse of epochDay). */
export function dayFromEpoch(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC day of an instant. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return dayFromEpoch(epochDay(day) + n);
}

/** First day of the month `n` months after the month of `day`. */
function addMonths(day: string, n: number): string {
  const index = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 + n;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
}

/** The first day of the bucket holding `day`: the day itself, the Monday of its ISO week, the 1st of its month. */
export function bucketStart(period: MetricsPeriod, day: string): string {
  switch (period) {
    case 'day':
      return day;
    case 'week': {
      const n = epochDay(day);
      // 1970-01-01 was a Thursday: (n + 3) mod 7 is 0 on Mondays.
      return dayFromEpoch(n - (((n + 3) % 7) + 7) % 7);
    }
    case 'month':
      return `${day.slice(0, 7)}-01`;
  }
}

/** The first day of the bucket `n` buckets after (or before, for negative `n`) the bucket starting at `start`. */
export function shiftBucket(period: MetricsPeriod, start: string, n: number): string {
  switch (period) {
    case 'day':
      return addDays(start, n);
    case 'week':
      return addDays(start, 7 * n);
    case 'month':
      return addMonths(start, n);
  }
}

/** The last day (inclusive) of the bucket starting at `start`. */
export function bucketEnd(period: MetricsPeriod, start: string): string {
  return addDays(shiftBucket(period, start, 1), -1);
}

/** How many buckets from the bucket starting at `fromStart` to the one starting at `toStart`, both included. */
export function bucketCount(period: MetricsPeriod, fromStart: string, toStart: string): number {
  switch (period) {
    case 'day':
      return epochDay(toStart) - epochDay(fromStart) + 1;
    case 'week':
      return (epochDay(toStart) - epochDay(fromStart)) / 7 + 1;
    case 'month': {
      const months = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));
      return months(toStart) - months(fromStart) + 1;
    }
  }
}

export interface MetricsRange {
  period: MetricsPeriod;
  /** First day of the first bucket. */
  from: string;
  /** Last day (inclusive) of the last bucket. */
  to: string;
  /** First day of every bucket, in order. */
  buckets: string[];
}

const queryIssue = (field: string, message: string): FieldIssue => ({ field, in: 'query', message });

function invalid(issue: FieldIssue): DomainError {
  return validation([issue], `invalid query: ${issue.field}: ${issue.message}`);
}

/**
 * The buckets of a metrics request, widened to whole buckets: `to` defaults to `today`, `from` to the default
 * number of buckets ending with `to`'s. `from` after `to`, or more than MAX_BUCKETS buckets, is a 400.
 */
export function resolveMetricsRange(period: MetricsPeriod, input: { from?: string; to?: string }, today: string): MetricsRange {
  const toDay = input.to ?? today;
  if (input.from !== undefined && input.from > toDay) {
    throw invalid(queryIssue('from', `must not be after to (${toDay}${input.to === undefined ? ', today' : ''})`));
  }
  const toStart = bucketStart(period, toDay);
  const fromStart = input.from !== undefined ? bucketStart(period, input.from) : shiftBucket(period, toStart, -(DEFAULT_BUCKETS[period] - 1));
  const count = bucketCount(period, fromStart, toStart);
  if (count > MAX_BUCKETS) {
    throw invalid(queryIssue('from', `the range holds ${count} ${period}s; at most ${MAX_BUCKETS} buckets per request (narrow from/to or use a longer period)`));
  }
  const buckets: string[] = [];
  for (let i = 0, b = fromStart; i < count; i++, b = shiftBucket(period, b, 1)) buckets.push(b);
  return { period, from: fromStart, to: bucketEnd(period, toStart), buckets };
}

/** The days of a cost breakdown: `from` defaults to the 1st of `to`'s month, `to` to today. */
export function resolveCostRange(input: { from?: string; to?: string }, today: string): { from: string; to: string; days: string[] } {
  const to = input.to ?? today;
  const from = input.from ?? bucketStart('month', to);
  if (from > to) throw invalid(queryIssue('from', `must not be after to (${to}${input.to === undefined ? ', today' : ''})`));
  const count = epochDay(to) - epochDay(from) + 1;
  if (count > MAX_COST_DAYS) throw invalid(queryIssue('from', `the range holds ${count} days; at most ${MAX_COST_DAYS} per request`));
  return { from, to, days: Array.from({ length: count }, (_, i) => addDays(from, i)) };
}

/** One bucket's sums as read from the daily rollup and the ratings. Cost in micro-dollars, so sums stay exact. */
export interface MetricsSums {
  attempted: number;
  succeeded: number;
  failed: number;
  blocked: number;
  tokensIn: number;
  tokensOut: number;
  costMicros: number;
  durationMs: number;
  good: number;
  bad: number;
}

export const ZERO_SUMS: MetricsSums = Object.freeze({
  attempted: 0,
  succeeded: 0,
  failed: 0,
  blocked: 0,
  tokensIn: 0,
  tokensOut: 0,
  costMicros: 0,
  durationMs: 0,
  good: 0,
  bad: 0,
});

export function addSums(a: MetricsSums, b: MetricsSums): MetricsSums {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof MetricsSums)[]) out[k] += b[k];
  return out;
}

const round = (x: number, decimals: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;

/** Micro-dollars as USD (6 decimals). */
export const usdOf = (micros: number) => micros / 1e6;

/** The public figures of a bucket (or of the totals), derived from its sums. */
export function metricsOf(s: MetricsSums) {
  return {
    attempted: s.attempted,
    completed: s.succeeded,
    failed: s.failed,
    blocked: s.blocked,
    successRate: s.attempted > 0 ? round(s.succeeded / s.attempted, 4) : null,
    tokensIn: s.tokensIn,
    tokensOut: s.tokensOut,
    // Every finished run's tokens, failures included, over the successes: the price of one success.
    avgTokensPerCompletion: s.succeeded > 0 ? round((s.tokensIn + s.tokensOut) / s.succeeded, 2) : null,
    costUsd: usdOf(s.costMicros),
    avgCostPerCompletion: s.succeeded > 0 ? usdOf(Math.round(s.costMicros / s.succeeded)) : null,
    avgDurationMs: s.attempted > 0 ? Math.round(s.durationMs / s.attempted) : null,
    ratings: { good: s.good, bad: s.bad },
  };
}

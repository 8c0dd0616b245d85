// Metrics, cost breakdown and ratings: what agents' finished executions achieved and cost, per UTC day, ISO week or
// calendar month, and what people thought of the work.
import { calendarDay, instantOf, inYears, ZIsoDate } from './common';
import { z } from './z';

import { METRICS_PERIODS, RATING_TARGET_KINDS, RATING_VALUES } from './constants';

export { METRICS_PERIODS, RATING_TARGET_KINDS, RATING_VALUES };
export type MetricsPeriod = (typeof METRICS_PERIODS)[number];
export const ZMetricsPeriod = z.enum(METRICS_PERIODS).openapi('MetricsPeriod', {
  description: 'Bucket size: UTC days, ISO weeks (Monday to Sunday, UTC) or calendar months (UTC)',
});

export type RatingValue = (typeof RATING_VALUES)[number];
export const ZRatingValue = z.enum(RATING_VALUES).openapi('RatingValue');

export type RatingTargetKind = (typeof RATING_TARGET_KINDS)[number];

/**
 * The UTC day (`YYYY-MM-DD`) of a date or date-time, or null when it is not a real calendar date in 1970..8999
 * (a range far from the edges of what dates can hold keeps bucket arithmetic simple).
 * A date-time counts on the UTC day it falls on (`2024-03-01T01:00:00+02:00` is 2024-02-29).
 */
export function utcDayOf(value: string): string | null {
  const t = calendarDay(value) ?? instantOf(value);
  if (t === null || !inYears(t, 1970, 8999)) return null;
  return t.toISOString().slice(0, 10);
}

/** A query date: `YYYY-MM-DD` (a UTC day) or an ISO-8601 date-time (its UTC day); read as `YYYY-MM-DD`. */
export const ZMetricsDate = z
  .string()
  .max(40)
  .transform((v, ctx) => {
    const day = utcDayOf(v);
    if (day === null) {
      ctx.addIssue({ code: 'custom', message: 'expected a date YYYY-MM-DD (or an ISO-8601 date-time) between 1970 and 8999' });
      return z.NEVER;
    }
    return day;
  })
  .openapi({ type: 'string', format: 'date', maxLength: 40, example: '2026-03-01' });

export const ZMetricsQuery = z.object({
  period: ZMetricsPeriod.default('day'),
  from: ZMetricsDate.optional().openapi({
    description: 'First day (inclusive), widened to the start of its bucket. Default: 30 days, 12 weeks or 12 months before `to`',
  }),
  to: ZMetricsDate.optional().openapi({ description: 'Last day (inclusive), widened to the end of its bucket. Default: today (UTC)' }),
});

export const ZRatingCounts = z.object({ good: z.number().int(), bad: z.number().int() }).openapi('RatingCounts');

const metricsShape = {
  attempted: z.number().int().openapi({ description: 'Executions that finished (success, failed or blocked)' }),
  completed: z.number().int().openapi({ description: 'Executions that finished with success' }),
  failed: z.number().int(),
  blocked: z.number().int(),
  successRate: z.number().nullable().openapi({ description: 'completed / attempted, 4 decimals; null without attempts' }),
  tokensIn: z.number().int(),
  tokensOut: z.number().int(),
  avgTokensPerCompletion: z.number().nullable().openapi({
    description: 'Tokens (in + out) of ALL finished executions / completed, 2 decimals: what one success costs including failed attempts; null without completions',
  }),
  costUsd: z.number().openapi({ description: 'USD, 6 decimals' }),
  avgCostPerCompletion: z.number().nullable().openapi({ description: 'costUsd / completed, 6 decimals; null without completions' }),
  avgDurationMs: z.number().int().nullable().openapi({ description: 'Mean duration of the finished executions; null without attempts' }),
  ratings: ZRatingCounts.openapi({ description: 'Ratings credited here, counted in the bucket of their last change' }),
};

export const ZMetricsValues = z.object(metricsShape).openapi('MetricsValues');

export const ZMetrics = z
  .object({
    period: ZMetricsPeriod,
    from: z.string().openapi({ format: 'date', description: 'First day of the first bucket (UTC)' }),
    to: z.string().openapi({ format: 'date', description: 'Last day of the last bucket (UTC, inclusive)' }),
    totals: ZMetricsValues,
    series: z
      .array(z.object({ periodStart: z.string().openapi({ format: 'date' }), ...metricsShape }).openapi('MetricsBucket'))
      .openapi({ description: 'Every bucket of the range in order, empty ones with zeros' }),
  })
  .openapi('Metrics');

export const ZWorkspaceMetricsQuery = ZMetricsQuery.extend({
  agentId: z.string().min(1).max(64).optional().openapi({ description: 'Only this agent of the workspace' }),
});

export const ZCostsQuery = z.object({
  from: ZMetricsDate.optional().openapi({ description: 'First day (inclusive, UTC). Default: the first day of the current month' }),
  to: ZMetricsDate.optional().openapi({ description: 'Last day (inclusive, UTC). Default: today' }),
});

export const ZCostBreakdown = z
  .object({
    from: z.string().openapi({ format: 'date' }),
    to: z.string().openapi({ format: 'date' }),
    totals: z.object({
      costUsd: z.number(),
      tokensIn: z.number().int(),
      tokensOut: z.number().int(),
      executions: z.number().int().openapi({ description: 'Finished executions' }),
    }),
    byDay: z
      .array(z.object({ day: z.string().openapi({ format: 'date' }), costUsd: z.number(), tokens: z.number().int() }))
      .openapi({ description: 'Every day of the range, empty days with zeros' }),
    byAgent: z
      .array(
        z.object({
          agentId: z.string(),
          agentName: z.string().nullable(),
          costUsd: z.number(),
          tokens: z.number().int(),
          executions: z.number().int(),
        }),
      )
      .openapi({ description: 'Agents with executions in the range, most expensive first' }),
    byModel: z
      .array(
        z.object({
          model: z.string().nullable().openapi({ description: 'null: runs that reported no model' }),
          costUsd: z.number(),
          tokens: z.number().int(),
          executions: z.number().int(),
        }),
      )
      .openapi({ description: 'Models used in the range, most expensive first' }),
    byCron: z
      .array(
        z.object({
          cronId: z.string(),
          cronName: z.string().nullable().openapi({ description: 'null: the cron was deleted since' }),
          costUsd: z.number(),
          tokens: z.number().int(),
          executions: z.number().int(),
        }),
      )
      .openapi({ description: "Crons whose runs executed here in the range (charged to this workspace), most expensive first; executions outside any cron run are not in it" }),
  })
  .openapi('CostBreakdown');

export const ZRateRequest = z.object({ rating: ZRatingValue }).strict().openapi('RateRequest');

export const ZRating = z
  .object({
    id: z.string().openapi({ example: 'rtg_01JD0000000000000000000000' }),
    workspaceId: z.string(),
    target: z.object({ kind: z.enum(RATING_TARGET_KINDS), id: z.string() }),
    agentId: z.string().nullable().openapi({ description: 'The agent the work is credited to (null: nobody held or was assigned it)' }),
    userId: z.string(),
    rating: ZRatingValue,
    createdAt: ZIsoDate,
    updatedAt: ZIsoDate,
  })
  .openapi('Rating');

export const ZRatingSummary = z
  .object({
    good: z.number().int(),
    bad: z.number().int(),
    // A fresh enum, not ZRatingValue: .nullable().openapi() on a registered schema would rewrite that component as nullable.
    mine: z.enum(RATING_VALUES).nullable().openapi({ description: "The caller's own rating (null: none, or the caller is an agent)" }),
  })
  .openapi('RatingSummary');

// A workspace's monthly budget as pure rules: which UTC month a moment belongs to, how far usage is into each
// limit, which thresholds that crosses, and when the hard stop is in force. Exact arithmetic only: tokens as
// BigInt (limits go up to 1e15, times 100 is past 2^53) and money as micro-dollars.
import { MICROS_PER_USD } from '../shared/money';

/** Thresholds of a limit, in percent, each announced once per month. */
export const BUDGET_THRESHOLDS = [80, 100] as const;
export type BudgetThreshold = (typeof BUDGET_THRESHOLDS)[number];
export type BudgetLimitKind = 'tokens' | 'cost';

/** The first day of the UTC month of `at`, as the `workspace_usage.month` date (`2026-03-01`). */
export function budgetMonthOf(at: Date): string {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/** The month as clients see it: `2026-03`. */
export function monthLabel(usageMonth: string): string {
  return usageMonth.slice(0, 7);
}

/** The first instant of the next UTC month: when the budget starts again from zero. */
export function nextMonthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

/**
 * The usage delta a report charges to `month`, from the run's previous and new cumulative figures. An increase is
 * charged in full. A decrease (a reported cost below the computed one) is credited only when every earlier charge
 * of the run went to `month` — its first charge (`firstChargedMonth`; for runs charged before that was recorded,
 * the month it started) is in `month`, and time only moves forward — otherwise the charges belong to an earlier
 * month, whose record stays, and crediting this one would open headroom that was never used (or drive it below
 * zero): the decrease is dropped.
 */
export function usageDelta(
  previous: BudgetUsage,
  next: BudgetUsage,
  run: { firstChargedMonth: string | null; startedAt: Date },
  month: string,
): BudgetUsage {
  const creditable = (run.firstChargedMonth ?? budgetMonthOf(run.startedAt)) === month;
  const tokens = next.tokens - previous.tokens;
  const costMicros = next.costMicros - previous.costMicros;
  return {
    tokens: tokens < 0 && !creditable ? 0 : tokens,
    costMicros: costMicros < 0n && !creditable ? 0n : costMicros,
  };
}

export interface BudgetLimits {
  /** Tokens per month; null = no limit. */
  tokenLimit: number | null;
  /** Micro-dollars per month; null = no limit. */
  costLimitMicros: bigint | null;
  hardStop: boolean;
}

export interface BudgetUsage {
  tokens: number;
  costMicros: bigint;
}

export interface LimitStanding {
  /** Used / limit × 100, 2 decimals (a limit of 0 is at 100% from the start); null without a limit. */
  percent: number | null;
  /** The thresholds reached, ascending. */
  reached: BudgetThreshold[];
}

export interface BudgetStanding {
  tokens: LimitStanding;
  cost: LimitStanding;
  /** Hard stop on and a limit reached (100%): new work is refused, running work is told to stop. */
  blocked: boolean;
  /** The limit that blocks (tokens first), or null. */
  blockedBy: BudgetLimitKind | null;
}

function standing(used: bigint, limit: bigint | null): LimitStanding {
  if (limit === null) return { percent: null, reached: [] };
  const reached = BUDGET_THRESHOLDS.filter((t) => used * 100n >= limit * BigInt(t));
  if (limit === 0n) return { percent: 100, reached };
  // Basis points, rounded down: 79.999% must not read as 80.00%.
  const basisPoints = (used * 10_000n) / limit;
  return { percent: Number(basisPoints) / 100, reached };
}

/** How a limit stands, for people: no limit, below 80%, at 80% or more (warning), at 100% or more (exceeded). */
export type BudgetLevel = 'none' | 'ok' | 'warning' | 'exceeded';

export function budgetLevel(s: LimitStanding): BudgetLevel {
  if (s.percent === null) return 'none';
  return s.reached.includes(100) ? 'exceeded' : s.reached.includes(80) ? 'warning' : 'ok';
}

/** Where usage stands against the limits. */
export function budgetStanding(usage: BudgetUsage, limits: BudgetLimits): BudgetStanding {
  const tokens = standing(BigInt(usage.tokens), limits.tokenLimit === null ? null : BigInt(limits.tokenLimit));
  const cost = standing(usage.costMicros, limits.costLimitMicros);
  const blockedBy: BudgetLimitKind | null = !limits.hardStop ? null : tokens.reached.includes(100) ? 'tokens' : cost.reached.includes(100) ? 'cost' : null;
  return { tokens, cost, blocked: blockedBy !== null, blockedBy };
}

export interface ThresholdMarks {
  warnedAt: Date | null;
  exceededAt: Date | null;
}

/**
 * What to record for one limit after a usage change: the marks to set (a threshold reached that was not marked
 * yet) and the one threshold to announce — only the highest newly reached, so a jump from 50% to 120% tells the
 * admins "exceeded" once instead of "warning" and "exceeded" at the same instant.
 */
export function newlyReached(s: LimitStanding, marks: ThresholdMarks): { setWarned: boolean; setExceeded: boolean; announce: BudgetThreshold | null } {
  const setWarned = s.reached.includes(80) && marks.warnedAt === null;
  const setExceeded = s.reached.includes(100) && marks.exceededAt === null;
  return { setWarned, setExceeded, announce: setExceeded ? 100 : setWarned ? 80 : null };
}

/**
 * After an admin changes a limit, the marks that no longer hold are cleared: raising the limit from 1,000 to
 * 10,000 tokens with 900 used means the next 80% (8,000) is worth a new warning.
 */
export function marksToClear(s: LimitStanding, marks: ThresholdMarks): { clearWarned: boolean; clearExceeded: boolean } {
  return {
    clearWarned: marks.warnedAt !== null && !s.reached.includes(80),
    clearExceeded: marks.exceededAt !== null && !s.reached.includes(100),
  };
}

/** A limit of the workspaces table (numeric(14,4) string) in micro-dollars. */
export function costLimitMicros(limit: string | null): bigint | null {
  if (limit === null) return null;
  const [whole, frac = ''] = limit.split('.');
  return BigInt(whole) * MICROS_PER_USD + BigInt((frac + '000000').slice(0, 6));
}

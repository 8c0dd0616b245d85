// A workspace's usage of the current UTC month (`workspace_usage`, one row per workspace and month) and the budget
// state kept on it: threshold marks (each announced once per month) and `blocked` (hard stop in force).
//
// `blocked` is a latch: usage reports may set it, never clear it (a report may lower the usage — a reported cost
// below the computed one — and an agent must not lift its own hard stop that way). It clears only when an admin
// changes the budget (resettleBudget recomputes it) or when the month rolls over (a new row starts unblocked).
//
// Concurrency: every change of usage is one `INSERT … ON CONFLICT DO UPDATE … RETURNING` that adds a delta, so
// concurrent reporters serialize on the month's row and each sees the total including its own delta; the row stays
// locked until the reporter's transaction commits, so the marks and `blocked` it writes are decided on the latest
// total, and "announce once" holds across processes. The limits are read only after that lock is taken: a budget
// change (which updates the workspace row, then takes the same lock) is therefore seen, or comes after and
// recomputes the state itself.
import { workspaces, workspaceUsage } from '@mc/db';
import { and, eq, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import type { Ctx } from '../context';
import { budgetExceeded, DomainError } from '../errors';
import { emitEvent } from '../events/emit-event';
import { microsToNumber, microsToUsd, usdToMicros } from '../shared/money';
import {
  budgetStanding,
  costLimitMicros,
  marksToClear,
  monthLabel,
  newlyReached,
  nextMonthStart,
  budgetMonthOf,
  type BudgetLimitKind,
  type BudgetLimits,
  type BudgetStanding,
} from './budget.rules';

type UsageRow = typeof workspaceUsage.$inferSelect;
type LimitsRow = Pick<typeof workspaces.$inferSelect, 'monthlyTokenLimit' | 'monthlyCostLimitUsd' | 'hardStop'>;

export interface BudgetOutcome {
  /** `YYYY-MM-01` */
  month: string;
  usage: UsageRow;
  standing: BudgetStanding;
  blocked: boolean;
}

const limitsOf = (w: LimitsRow): BudgetLimits => ({
  tokenLimit: w.monthlyTokenLimit,
  costLimitMicros: costLimitMicros(w.monthlyCostLimitUsd),
  hardStop: w.hardStop,
});

const usageOf = (u: Pick<UsageRow, 'tokens' | 'costUsd'> | null) => ({ tokens: u?.tokens ?? 0, costMicros: u ? usdToMicros(u.costUsd) : 0n });

/**
 * Add a delta to the month's row (creating it), locking it until the transaction ends; returns the new row. The
 * totals never go below zero, whatever the delta (callers credit only what the month received: usageDelta).
 */
async function addToMonth(ctx: Ctx, workspaceId: string, month: string, tokens: number, costMicros: bigint): Promise<UsageRow> {
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(workspaceUsage)
    .values({ workspaceId, month, tokens: Math.max(0, tokens), costUsd: microsToUsd(costMicros < 0n ? 0n : costMicros), updatedAt: now })
    .onConflictDoUpdate({
      target: [workspaceUsage.workspaceId, workspaceUsage.month],
      set: {
        tokens: sql`GREATEST(0, ${workspaceUsage.tokens} + ${tokens}::bigint)`,
        costUsd: sql`GREATEST(0, ${workspaceUsage.costUsd} + ${microsToUsd(costMicros)}::numeric)`,
        updatedAt: now,
      },
    })
    .returning();
  return row;
}

/**
 * Decide the marks and `blocked` of a locked month row against the workspace's current limits, write what changed,
 * and announce each threshold reached for the first time this month (event → admins notified, activity entry).
 * With `clearStale` (an admin changed the limits) marks that no longer hold are cleared, so that the next crossing
 * of the new limit is announced again, and `blocked` is recomputed both ways; without it (a usage charge) `blocked`
 * may only be set.
 */
async function settle(ctx: Ctx, workspaceId: string, usage: UsageRow, opts: { clearStale: boolean }): Promise<BudgetOutcome> {
  const [w] = await ctx.db
    .select({ monthlyTokenLimit: workspaces.monthlyTokenLimit, monthlyCostLimitUsd: workspaces.monthlyCostLimitUsd, hardStop: workspaces.hardStop })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const limits = limitsOf(w);
  const standing = budgetStanding(usageOf(usage), limits);
  const now = ctx.clock.now();
  const changes: Partial<UsageRow> = {};
  const announce: { limit: BudgetLimitKind; threshold: 80 | 100 }[] = [];
  for (const [limit, s, warnedKey, exceededKey] of [
    ['tokens', standing.tokens, 'tokenWarnedAt', 'tokenExceededAt'],
    ['cost', standing.cost, 'costWarnedAt', 'costExceededAt'],
  ] as const) {
    const marks = { warnedAt: usage[warnedKey], exceededAt: usage[exceededKey] };
    if (opts.clearStale) {
      const clear = marksToClear(s, marks);
      if (clear.clearWarned) changes[warnedKey] = marks.warnedAt = null;
      if (clear.clearExceeded) changes[exceededKey] = marks.exceededAt = null;
    }
    const reached = newlyReached(s, marks);
    if (reached.setWarned) changes[warnedKey] = now;
    if (reached.setExceeded) changes[exceededKey] = now;
    if (reached.announce) announce.push({ limit, threshold: reached.announce });
  }
  const blocked = opts.clearStale ? standing.blocked : usage.blocked || standing.blocked;
  if (blocked !== usage.blocked) changes.blocked = blocked;
  let row = usage;
  if (Object.keys(changes).length) {
    [row] = await ctx.db
      .update(workspaceUsage)
      .set({ ...changes, updatedAt: now })
      .where(and(eq(workspaceUsage.workspaceId, workspaceId), eq(workspaceUsage.month, usage.month)))
      .returning();
  }
  const month = monthLabel(usage.month);
  for (const { limit, threshold } of announce) {
    const used = limit === 'tokens' ? usage.tokens : microsToNumber(usdToMicros(usage.costUsd));
    const limitValue = limit === 'tokens' ? limits.tokenLimit! : microsToNumber(limits.costLimitMicros!);
    const what = limit === 'tokens' ? `${used} of ${limitValue} tokens` : `$${used} of $${limitValue}`;
    await recordActivity(ctx, {
      workspaceId,
      action: 'budget.threshold_reached',
      target: { kind: 'workspace', id: workspaceId },
      summary: `${threshold === 100 ? 'exhausted' : 'used 80% of'} the ${month} ${limit === 'tokens' ? 'token' : 'cost'} budget (${what})${blocked ? '; hard stop in force' : ''}`,
      metadata: { limit, threshold, used, limitValue, month, hardStop: limits.hardStop, blocked },
      status: threshold === 100 ? 'exceeded' : 'warning',
    });
    await emitEvent(ctx, 'budget.threshold_reached', workspaceId, { limit, threshold, used, limitValue, month, hardStop: limits.hardStop, blocked });
  }
  return { month: usage.month, usage: row, standing, blocked: row.blocked };
}

/**
 * Charge a usage delta (tokens, micro-dollars) to the workspace's month `month` (the current one: the caller took
 * it from the same clock, to decide the delta with usageDelta), in the caller's transaction, and settle the budget
 * state. `blocked` in the outcome is what the reporter is told (`continue: !blocked`).
 */
export async function chargeUsage(ctx: Ctx, workspaceId: string, month: string, delta: { tokens: number; costMicros: bigint }): Promise<BudgetOutcome> {
  const usage = await addToMonth(ctx, workspaceId, month, delta.tokens, delta.costMicros);
  return settle(ctx, workspaceId, usage, { clearStale: false });
}

/**
 * Recompute the current month's budget state after the limits changed (call it after updating the workspace row,
 * in the same transaction): raising a limit unblocks at once, lowering one below the usage blocks (and announces).
 */
export async function resettleBudget(ctx: Ctx, workspaceId: string): Promise<BudgetOutcome & { blockedBefore: boolean }> {
  const usage = await addToMonth(ctx, workspaceId, budgetMonthOf(ctx.clock.now()), 0, 0n);
  return { ...(await settle(ctx, workspaceId, usage, { clearStale: true })), blockedBefore: usage.blocked };
}

/** The month's usage and budget state of a workspace, read without locking (no row yet: nothing used). */
export async function readBudget(ctx: Ctx, workspaceId: string) {
  const now = ctx.clock.now();
  const month = budgetMonthOf(now);
  const [row] = await ctx.db
    .select({
      monthlyTokenLimit: workspaces.monthlyTokenLimit,
      monthlyCostLimitUsd: workspaces.monthlyCostLimitUsd,
      hardStop: workspaces.hardStop,
      usage: workspaceUsage,
    })
    .from(workspaces)
    .leftJoin(workspaceUsage, and(eq(workspaceUsage.workspaceId, workspaces.id), eq(workspaceUsage.month, month)))
    .where(eq(workspaces.id, workspaceId))
    .limit(1);
  if (!row) return null;
  const limits = limitsOf(row);
  const standing = budgetStanding(usageOf(row.usage), limits);
  // The stored flag is the one claims check; a month without a row yet has used nothing (a limit of 0 still blocks).
  const blocked = row.usage ? row.usage.blocked : standing.blocked;
  return { month, limits, row, usage: row.usage, standing, blocked, resetsAt: nextMonthStart(now) };
}

/**
 * Throw 402 BUDGET_EXCEEDED when the workspace's hard stop is in force this month. For every door that starts
 * new work: executions, dispatches, cron runs, workflow steps (claims check it inside their own statement and
 * explain a refused claim with `budgetBlock`).
 */
export async function assertBudgetOpen(ctx: Ctx, workspaceId: string): Promise<void> {
  const blocked = await budgetBlock(ctx, workspaceId);
  if (blocked) throw blocked;
}

/**
 * The 402 BUDGET_EXCEEDED error of the workspace's hard stop when it is in force this month, else null. Its
 * `details` are what the README and the OpenAPI document promise: month, limit (`tokens` | `cost`), used,
 * limitValue, resetsAt.
 */
export async function budgetBlock(ctx: Ctx, workspaceId: string): Promise<DomainError | null> {
  const b = await readBudget(ctx, workspaceId);
  if (!b || !b.blocked) return null;
  // A block latched by usage that has since been lowered: name the limit that was exceeded.
  const limit: BudgetLimitKind = b.standing.blockedBy ?? (b.usage?.costExceededAt && !b.usage.tokenExceededAt ? 'cost' : 'tokens');
  const used = limit === 'tokens' ? (b.usage?.tokens ?? 0) : microsToNumber(usageOf(b.usage).costMicros);
  const limitValue = limit === 'tokens' ? b.limits.tokenLimit : b.limits.costLimitMicros === null ? null : microsToNumber(b.limits.costLimitMicros);
  return budgetExceeded(
    `the workspace's ${limit === 'tokens' ? 'token' : 'cost'} budget for ${monthLabel(b.month)} is exhausted and hard stop is on; work resumes when the month rolls over (${b.resetsAt.toISOString()}) or an admin raises the limit`,
    { month: monthLabel(b.month), limit, used, limitValue, resetsAt: b.resetsAt.toISOString() },
  );
}

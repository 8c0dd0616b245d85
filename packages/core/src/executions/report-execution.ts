import { cronRuns, executions, executionStatsDaily, modelPrices } from '@mc/db';
import { and, eq, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { budgetMonthOf, usageDelta } from '../budgets/budget.rules';
import { chargeUsage } from '../budgets/usage';
import { inTransaction, type Ctx } from '../context';
import { conflict, forbidden, notFound, validation } from '../errors';
import { emitEvent } from '../events/emit-event';
import { executionColumns, toExecutionDto, type ExecutionRow, type StoredDecision } from './execution-dto';
import { durationBetween, isFinalStatus, mergeDecisions, reportIssues, utcDay } from './executions.rules';
import { findPriceFor } from './model-prices';
import { costMicros, EXECUTION_COST_MAX_MICROS, normalizeModel } from './pricing.rules';
import { microsToNumber, microsToUsd, usdNumberToMicros, usdToMicros } from '../shared/money';
import { requireReportingAgent } from './start-execution';

export interface ReportExecutionInput {
  status?: 'running' | 'success' | 'failed' | 'blocked';
  tokensIn?: number;
  tokensOut?: number;
  apiCalls?: number;
  model?: string;
  costUsd?: number;
  decisions?: { input: string; reasoning: string; output: string }[];
  summary?: string;
}

interface CostState {
  costUsd: string | null;
  costSource: 'reported' | 'computed' | 'unpriced' | null;
  priceId: string | null;
}

/**
 * PATCH /executions/{id} — the agent that started a run reports on it: cumulative usage, decisions, summary, and
 * at the end its outcome. In one transaction:
 *
 * 1. the execution row is locked (reports of one run serialize; the delta is taken against what is stored);
 * 2. the cost follows: a reported cost wins; otherwise the cumulative tokens at the price version stored on the
 *    execution (found once, in force at its start — a later price never recomputes it); unknown model → unpriced;
 * 3. the delta of tokens and cost is charged to the workspace's month (`chargeUsage`), which also decides
 *    thresholds and the hard stop; the answer carries `continue: false` once the hard stop is in force, and the
 *    first such answer is recorded as `stopRequestedAt`;
 * 4. a final status finishes the run: end time and duration set by the server, the daily rollup updated, the
 *    activity log and the outbox told. A finished run takes no more reports (409).
 *
 * No archived-workspace check, on purpose: a run started before its workspace was archived still reports and
 * finishes, so its cost is charged and counted (ADR 0003's exception for work in flight).
 */
export async function reportExecution(ctx: Ctx, executionId: string, input: ReportExecutionInput) {
  const me = requireReportingAgent(ctx);
  return inTransaction(ctx, async (tx) => {
    const [found] = await tx.db
      .select({ e: executionColumns, price: { input: modelPrices.inputUsdPerMTok, output: modelPrices.outputUsdPerMTok } })
      .from(executions)
      .leftJoin(modelPrices, eq(modelPrices.id, executions.priceId))
      .where(and(eq(executions.id, executionId), eq(executions.workspaceId, me.workspaceId)))
      .limit(1)
      .for('update', { of: executions });
    if (!found) throw notFound('execution');
    const e: ExecutionRow = found.e;
    if (e.agentId !== me.agentId) throw forbidden('only the agent that started an execution reports on it');
    if (e.status !== 'running') {
      throw conflict(`this execution already finished (${e.status}); start a new one for new work`, { status: e.status, endTime: e.endedAt?.toISOString() ?? null });
    }

    const now = tx.clock.now();
    const model = input.model === undefined ? undefined : normalizeModel(input.model);
    const reportedMicros = input.costUsd === undefined ? undefined : usdNumberToMicros(input.costUsd);
    const storedCost = e.costUsd === null ? null : usdToMicros(e.costUsd);
    const stored = e.decisions as StoredDecision[];
    const issues = reportIssues(
      {
        tokensIn: e.tokensIn,
        tokensOut: e.tokensOut,
        apiCalls: e.apiCalls,
        reportedCostMicros: e.costSource === 'reported' ? storedCost : null,
        decisions: stored.length,
        model: e.model,
      },
      { tokensIn: input.tokensIn, tokensOut: input.tokensOut, apiCalls: input.apiCalls, costMicros: reportedMicros, decisions: input.decisions?.length, model },
    );
    if (issues.length) throw validation(issues, `invalid body: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);

    const tokensIn = input.tokensIn ?? e.tokensIn;
    const tokensOut = input.tokensOut ?? e.tokensOut;
    const nextModel = model ?? e.model;
    const cost = await nextCost(tx, e, found.price, { tokensIn, tokensOut, model: nextModel, reportedMicros });
    const nextCostMicros = cost.costUsd === null ? 0n : usdToMicros(cost.costUsd);
    if (cost.costSource === 'computed' && nextCostMicros > EXECUTION_COST_MAX_MICROS) {
      const max = microsToNumber(EXECUTION_COST_MAX_MICROS);
      const message = `at the price of ${nextModel}, ${tokensIn} input + ${tokensOut} output tokens would cost $${microsToNumber(nextCostMicros)}, above the ${max} USD one execution may cost: report the cumulative totals (not a multiple of them), or costUsd when you know the cost`;
      throw validation(
        [
          { field: 'tokensIn', in: 'body', message, code: 'cost_too_high' },
          { field: 'tokensOut', in: 'body', message, code: 'cost_too_high' },
        ],
        `invalid body: ${message}`,
      );
    }

    const month = budgetMonthOf(now);
    const delta = usageDelta(
      { tokens: e.tokensIn + e.tokensOut, costMicros: storedCost ?? 0n },
      { tokens: tokensIn + tokensOut, costMicros: nextCostMicros },
      e,
      month,
    );
    const budget = await chargeUsage(tx, e.workspaceId, month, delta);
    const charged = delta.tokens !== 0 || delta.costMicros !== 0n;
    const keepGoing = !budget.blocked;

    const finishing = isFinalStatus(input.status);
    const endedAt = finishing ? now : null;
    const [row] = await tx.db
      .update(executions)
      .set({
        tokensIn,
        tokensOut,
        apiCalls: input.apiCalls ?? e.apiCalls,
        model: nextModel,
        ...cost,
        ...(input.decisions ? { decisions: mergeDecisions(stored, input.decisions, now) } : {}),
        ...(input.summary !== undefined ? { summary: input.summary } : {}),
        ...(finishing ? { status: input.status, endedAt, durationMs: durationBetween(e.startedAt, now) } : {}),
        stopRequestedAt: keepGoing ? e.stopRequestedAt : (e.stopRequestedAt ?? now),
        lastReportAt: now,
        firstChargedMonth: e.firstChargedMonth ?? (charged ? month : null),
        updatedAt: now,
        version: sql`${executions.version} + 1`,
      })
      .where(eq(executions.id, e.id))
      .returning(executionColumns);

    if (finishing) await recordFinish(tx, row, `finished an execution: ${row.status} in ${row.durationMs} ms`);
    return toExecutionDto(row, me.name, { continue: keepGoing });
  });
}

/**
 * What a finished run leaves behind, in the transaction that finished it: its line in the daily rollup, the
 * activity entry (status = the outcome) and the `execution.finished` event. Used by the agent's final report and
 * by the sweeper that fails abandoned runs.
 */
export async function recordFinish(ctx: Ctx, row: ExecutionRow, what: string) {
  await rollUp(ctx, row);
  const costNumber = row.costUsd === null ? null : microsToNumber(usdToMicros(row.costUsd));
  await recordActivity(ctx, {
    workspaceId: row.workspaceId,
    action: 'execution.finished',
    target: { kind: 'execution', id: row.id },
    summary: `${what}, ${row.tokensIn + row.tokensOut} tokens${costNumber === null ? '' : `, $${costNumber}`}`,
    metadata: {
      ticketId: row.ticketId,
      model: row.model,
      durationMs: row.durationMs,
      tokensIn: row.tokensIn,
      tokensOut: row.tokensOut,
      apiCalls: row.apiCalls,
      costUsd: costNumber,
      costSource: row.costSource,
    },
    status: row.status,
  });
  await emitEvent(
    ctx,
    'execution.finished',
    row.workspaceId,
    {
      execution: {
        id: row.id,
        agentId: row.agentId,
        ticketId: row.ticketId,
        status: row.status,
        model: row.model,
        durationMs: row.durationMs!,
        tokensIn: row.tokensIn,
        tokensOut: row.tokensOut,
        apiCalls: row.apiCalls,
        costUsd: costNumber,
      },
    },
    { agentId: row.agentId, ...(row.ticketId ? { ticketId: row.ticketId } : {}), status: row.status },
  );
}

/**
 * The cost after a report. Reported wins and stays (a later report without a cost keeps the last reported one).
 * Otherwise with a model: the price stored on the execution, or — the first time — the version in force at the
 * start, which is then stored. A model without a price stays unpriced (looked up again on the next report, for an
 * admin who adds a price effective from before the run). No model: nothing known yet.
 */
async function nextCost(
  ctx: Ctx,
  e: ExecutionRow,
  storedPrice: { input: string; output: string } | null,
  r: { tokensIn: number; tokensOut: number; model: string | null; reportedMicros: bigint | undefined },
): Promise<CostState> {
  if (r.reportedMicros !== undefined) return { costUsd: microsToUsd(r.reportedMicros), costSource: 'reported', priceId: e.priceId };
  if (e.costSource === 'reported') return { costUsd: e.costUsd, costSource: 'reported', priceId: e.priceId };
  if (r.model === null) return { costUsd: null, costSource: null, priceId: null };
  let price = storedPrice && e.priceId ? { id: e.priceId, inputUsdPerMTok: storedPrice.input, outputUsdPerMTok: storedPrice.output } : null;
  if (!price) price = await findPriceFor(ctx, r.model, e.startedAt);
  if (!price) return { costUsd: null, costSource: 'unpriced', priceId: null };
  return { costUsd: microsToUsd(costMicros(r.tokensIn, r.tokensOut, price)), costSource: 'computed', priceId: price.id };
}

/**
 * The daily rollup (`execution_stats_daily`), written in the transaction that finishes an execution. One row per
 * (workspace, UTC day of the END time, agent, model — '' without one). Each finished execution adds exactly once:
 * attempted +1; succeeded, failed or blocked +1 by its outcome (so attempted = succeeded + failed + blocked); its
 * final tokensIn, tokensOut, apiCalls and durationMs; its final cost in USD (reported or computed; 0 when unpriced
 * or unknown, so cost sums are lower bounds when some runs are unpriced). Running executions are not in it; their
 * usage is in `workspace_usage` as it is reported. Metrics and cost charts read this table, never raw executions.
 */
async function rollUp(ctx: Ctx, row: ExecutionRow) {
  const s = executionStatsDaily;
  const one = (status: string) => (row.status === status ? 1 : 0);
  await ctx.db
    .insert(s)
    .values({
      workspaceId: row.workspaceId,
      agentId: row.agentId,
      model: row.model ?? '',
      // The cron the run belonged to ('' for any other run): a workspace's costs by cron (ADR 0007).
      cronId: row.cronRunId ? sql<string>`coalesce((SELECT ${cronRuns.cronId} FROM ${cronRuns} WHERE ${cronRuns.id} = ${row.cronRunId}), '')` : '',
      day: utcDay(row.endedAt!),
      attempted: 1,
      succeeded: one('success'),
      failed: one('failed'),
      blocked: one('blocked'),
      tokensIn: row.tokensIn,
      tokensOut: row.tokensOut,
      apiCalls: row.apiCalls,
      costUsd: row.costUsd ?? '0',
      durationMs: row.durationMs ?? 0,
    })
    .onConflictDoUpdate({
      target: [s.workspaceId, s.day, s.agentId, s.model, s.cronId],
      set: {
        attempted: sql`${s.attempted} + excluded.attempted`,
        succeeded: sql`${s.succeeded} + excluded.succeeded`,
        failed: sql`${s.failed} + excluded.failed`,
        blocked: sql`${s.blocked} + excluded.blocked`,
        tokensIn: sql`${s.tokensIn} + excluded.tokens_in`,
        tokensOut: sql`${s.tokensOut} + excluded.tokens_out`,
        apiCalls: sql`${s.apiCalls} + excluded.api_calls`,
        costUsd: sql`${s.costUsd} + excluded.cost_usd`,
        durationMs: sql`${s.durationMs} + excluded.duration_ms`,
      },
    });
}

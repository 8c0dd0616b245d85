// Executions (one run of an agent, reported by the agent), versioned model prices, and a workspace's budget
// standing for the current month. Usage in execution reports is cumulative: each report carries the totals so far.
import { ZDateTime, ZIsoDate } from './common';
import { z } from './z';

import { COST_SOURCE_VALUES, EXECUTION_STATUS_VALUES } from './constants';

export { COST_SOURCE_VALUES, EXECUTION_STATUS_VALUES };
export type ExecutionStatus = (typeof EXECUTION_STATUS_VALUES)[number];
export const ZExecutionStatus = z.enum(EXECUTION_STATUS_VALUES).openapi('ExecutionStatus');

/** Bounds of a report: large enough for any real run, small enough that a typo cannot overflow a column. */
export const EXECUTION_LIMITS = {
  /** Tokens in or out of one execution. */
  tokensMax: 1_000_000_000_000,
  /** API calls of one execution (an int4 column). */
  apiCallsMax: 2_000_000_000,
  /** USD of one execution, reported or computed (a report whose tokens would cost more at the model's price is 400). */
  costUsdMax: 1_000_000,
  decisionsMax: 200,
  decisionFieldMax: 4000,
  summaryMax: 10_000,
  modelMax: 100,
  refMax: 64,
} as const;

/**
 * A model name as the agent reports it (`gpt-4o-2024-08-06`, `claude-sonnet-4`); compared lower-cased. Letters,
 * digits and `. _ : / @ -` only, so that it is safe to show and to match.
 */
const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/;

export const ZModelName = z
  .string()
  .trim()
  .min(1)
  .max(EXECUTION_LIMITS.modelMax)
  .regex(MODEL_NAME_PATTERN, 'letters, digits and . _ : / @ - (e.g. "gpt-4o-2024-08-06")')
  .transform((m) => m.toLowerCase())
  .openapi({ type: 'string', maxLength: EXECUTION_LIMITS.modelMax, pattern: MODEL_NAME_PATTERN.source, example: 'gpt-4o-2024-08-06' });

const ZRef = (description: string) => z.string().min(1).max(EXECUTION_LIMITS.refMax).openapi({ description });

export const ZDecision = z
  .object({
    input: z.string().max(EXECUTION_LIMITS.decisionFieldMax),
    reasoning: z.string().max(EXECUTION_LIMITS.decisionFieldMax),
    output: z.string().max(EXECUTION_LIMITS.decisionFieldMax),
  })
  .strict()
  .openapi('ExecutionDecision');

export const ZExecution = z
  .object({
    id: z.string().openapi({ example: 'exe_01JD0000000000000000000000' }),
    agentId: z.string(),
    agentName: z.string().nullable().openapi({ description: 'The agent that ran it (null if the agent is gone)' }),
    workspaceId: z.string(),
    ticketId: z.string().nullable(),
    cronRunId: z.string().nullable(),
    workflowStepId: z.string().nullable(),
    status: ZExecutionStatus,
    startTime: ZIsoDate.openapi({ description: 'Set by the server when the execution is started' }),
    endTime: ZIsoDate.nullable().openapi({ description: 'Set by the server when a report finishes it' }),
    durationMs: z.number().int().nullable(),
    tokensIn: z.number().int(),
    tokensOut: z.number().int(),
    apiCalls: z.number().int(),
    model: z.string().nullable(),
    costUsd: z.number().nullable().openapi({ description: 'USD, 6 decimals; null when the cost is not known (unpriced model, no model)' }),
    costSource: z.enum(COST_SOURCE_VALUES).nullable().openapi({
      description: '`reported` by the agent (wins), `computed` from the price `priceId`, `unpriced` (no price for the model); null before a model or a cost is known',
    }),
    priceId: z.string().nullable().openapi({ description: 'The model price version the cost was computed with; kept for the life of the execution' }),
    decisions: z.array(ZDecision.extend({ at: ZIsoDate.openapi({ description: 'When the server first received this entry' }) })),
    summary: z.string().nullable(),
    stopRequestedAt: ZIsoDate.nullable().openapi({ description: 'When a report was first answered `continue: false` (budget exhausted under hard stop)' }),
    lastReportAt: ZIsoDate.nullable(),
    updatedAt: ZIsoDate,
    version: z.number().int(),
    gateway: z
      .object({
        gatewayId: z.string(),
        runId: z.string().nullable().openapi({ description: "The gateway's run id, once the run was sent" }),
        state: z.enum(['queued', 'sent', 'running', 'finished']).openapi({
          description: '`queued` until Mission Control\'s connection to the gateway sends it, `sent` (accepted), `running` (its lifecycle started), `finished`',
        }),
        sentAt: ZIsoDate.nullable(),
        deadlineAt: ZIsoDate.nullable().openapi({ description: 'After this the run is failed (timeout) unless the gateway reported its end' }),
      })
      .nullable()
      .optional()
      .openapi({ description: 'A run dispatched to an agent linked to an OpenClaw gateway: where its hand-over is. null for other runs' }),
    continue: z.boolean().optional().openapi({
      description: 'In answers to start and report: false once the workspace budget is exhausted with hard stop — finish the run (status `blocked`) instead of going on',
    }),
  })
  .openapi('Execution');
export type ExecutionDto = z.infer<typeof ZExecution>;

export const ZStartExecutionRequest = z
  .object({
    ticketId: ZRef('The ticket this run works on (a ticket of the agent\'s workspace)').optional(),
    cronRunId: ZRef('The cron run that started it').optional(),
    workflowStepId: ZRef('The workflow step it executes').optional(),
    model: ZModelName.optional(),
  })
  .strict()
  .openapi('StartExecutionRequest');

const ZTokens = z.number().int().min(0).max(EXECUTION_LIMITS.tokensMax);

export const ZReportExecutionRequest = z
  .object({
    status: ZExecutionStatus.optional().openapi({
      description: 'Omitted or `running`: a progress report. `success`, `failed` or `blocked` finishes the execution (no report after that)',
    }),
    tokensIn: ZTokens.optional().openapi({ description: 'Cumulative input tokens so far (never lower than the last report)' }),
    tokensOut: ZTokens.optional().openapi({ description: 'Cumulative output tokens so far' }),
    apiCalls: z.number().int().min(0).max(EXECUTION_LIMITS.apiCallsMax).optional().openapi({ description: 'Cumulative model/API calls so far' }),
    model: ZModelName.optional().openapi({ description: 'Fixed once reported; report `costUsd` for runs that mix models' }),
    costUsd: z
      .number()
      .min(0)
      .max(EXECUTION_LIMITS.costUsdMax)
      .optional()
      .openapi({ description: 'Cumulative USD so far as the agent knows it (wins over the computed cost; rounded to 6 decimals)' }),
    decisions: z
      .array(ZDecision)
      .max(EXECUTION_LIMITS.decisionsMax)
      .optional()
      .openapi({ description: 'All decisions so far: replaces the stored list, which it must not shorten' }),
    summary: z.string().max(EXECUTION_LIMITS.summaryMax).optional(),
  })
  .strict()
  .openapi('ReportExecutionRequest');

export const ZModelPrice = z
  .object({
    id: z.string().openapi({ example: 'prc_seed_gpt_4o' }),
    model: z.string().openapi({ description: 'Lower-case; also prices dated variants (`gpt-4o` prices `gpt-4o-2024-08-06`)' }),
    inputUsdPerMTok: z.number().openapi({ description: 'USD per million input tokens' }),
    outputUsdPerMTok: z.number().openapi({ description: 'USD per million output tokens' }),
    effectiveFrom: ZIsoDate,
    note: z.string(),
    createdBy: z.string().nullable(),
    createdAt: ZIsoDate,
  })
  .openapi('ModelPrice');

/** At most 6 decimals (the precision prices are stored and computed with). */
const ZUsdPerMTok = z
  .number()
  .min(0)
  .max(1_000_000)
  // The shortest decimal form of the number (what the client wrote, for any sane input) decides, not float arithmetic.
  .refine((n) => /^-?\d+(\.\d{1,6})?$/.test(String(n)), 'at most 6 decimals');

export const ZCreateModelPriceRequest = z
  .object({
    model: ZModelName,
    inputUsdPerMTok: ZUsdPerMTok,
    outputUsdPerMTok: ZUsdPerMTok,
    effectiveFrom: ZDateTime.optional()
      .openapi({ description: 'When the price starts to apply (default: now). Executions already costed keep their price' }),
    note: z.string().max(500).optional(),
  })
  .strict()
  .openapi('CreateModelPriceRequest');

const ZBudgetLimitState = z.object({ tokens: z.number().nullable(), cost: z.number().nullable() });
const ZBudgetLevel = z.enum(['none', 'ok', 'warning', 'exceeded']);
const ZBudgetTimestamps = z.object({ tokens: ZIsoDate.nullable(), cost: ZIsoDate.nullable() });

export const ZWorkspaceBudgetStatus = z
  .object({
    workspaceId: z.string(),
    month: z.string().openapi({ description: 'The UTC month (`YYYY-MM`) the figures are for', example: '2026-03' }),
    limits: z.object({
      monthlyTokenLimit: z.number().int().nullable(),
      monthlyCostLimitUsd: z.number().nullable(),
      hardStop: z.boolean(),
    }),
    used: z.object({
      tokens: z.number().int().openapi({ description: 'Input + output tokens of every execution report this month, runs in flight included' }),
      costUsd: z.number(),
    }),
    percent: ZBudgetLimitState.openapi({ description: 'Used / limit × 100 (2 decimals); null without a limit' }),
    level: z
      .object({ tokens: ZBudgetLevel, cost: ZBudgetLevel })
      .openapi({ description: 'Per limit: none (no limit), ok, warning (at or past the warning threshold), exceeded (at or past 100%)' }),
    thresholds: z.array(z.number()).openapi({ description: 'The percentages at which admins are notified (warning, exceeded)', example: [80, 100] }),
    warnedAt: ZBudgetTimestamps.openapi({ description: 'When 80% of each limit was first reached this month (admins notified)' }),
    exceededAt: ZBudgetTimestamps.openapi({ description: 'When 100% of each limit was first reached this month' }),
    blocked: z.boolean().openapi({ description: 'Hard stop in force: new executions and claims get 402 BUDGET_EXCEEDED, running ones are told to stop' }),
    resetsAt: ZIsoDate.openapi({ description: 'Start of the next UTC month, when usage starts again from zero' }),
  })
  .openapi('WorkspaceBudgetStatus');

// Executions as rules: the lifecycle (running → success | failed | blocked, nothing after), what a cumulative report
// may say, how decisions merge, and how a search box becomes a safe full-text query.
import type { ExecutionStatus, FieldIssue } from '@mc/contracts';
import type { StoredDecision } from './execution-dto';

/** The statuses that finish an execution; a finished execution takes no further report. */
export const FINAL_EXECUTION_STATUSES = ['success', 'failed', 'blocked'] as const satisfies readonly ExecutionStatus[];
export type FinalExecutionStatus = (typeof FINAL_EXECUTION_STATUSES)[number];

export function isFinalStatus(status: string | undefined): status is FinalExecutionStatus {
  return (FINAL_EXECUTION_STATUSES as readonly string[]).includes(status ?? '');
}

/** What is stored of a running execution, as far as a report is checked against it. */
export interface ReportedSoFar {
  tokensIn: number;
  tokensOut: number;
  apiCalls: number;
  /** Micro-dollars, when the agent reported the cost (a computed cost may be replaced by a lower reported one). */
  reportedCostMicros: bigint | null;
  decisions: number;
  model: string | null;
}

export interface ReportFigures {
  tokensIn?: number;
  tokensOut?: number;
  apiCalls?: number;
  costMicros?: bigint;
  decisions?: number;
  model?: string;
}

/**
 * Usage in a report is cumulative (the totals so far), so a figure lower than the stored one is a client bug —
 * probably a delta sent where a total is expected — and is refused rather than silently lowering the workspace's
 * usage. The model is fixed once known: the stored price belongs to it.
 */
export function reportIssues(stored: ReportedSoFar, r: ReportFigures): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const lower = (field: string, was: number | bigint, now: number | bigint | undefined, what = field) => {
    if (now !== undefined && now < was) {
      issues.push({ field, in: 'body', message: `${what} is cumulative (the total so far) and cannot go down: the last report said ${was}`, code: 'not_cumulative' });
    }
  };
  lower('tokensIn', stored.tokensIn, r.tokensIn);
  lower('tokensOut', stored.tokensOut, r.tokensOut);
  lower('apiCalls', stored.apiCalls, r.apiCalls);
  if (stored.reportedCostMicros !== null && r.costMicros !== undefined && r.costMicros < stored.reportedCostMicros) {
    issues.push({ field: 'costUsd', in: 'body', message: 'costUsd is cumulative (the total so far) and cannot go down', code: 'not_cumulative' });
  }
  if (r.decisions !== undefined && r.decisions < stored.decisions) {
    issues.push({
      field: 'decisions',
      in: 'body',
      message: `decisions replace the stored list and cannot shorten it: send all ${stored.decisions} so far plus the new ones`,
      code: 'not_cumulative',
    });
  }
  if (r.model !== undefined && stored.model !== null && r.model !== stored.model) {
    issues.push({ field: 'model', in: 'body', message: `the model of an execution is fixed once reported (${stored.model}); report costUsd for runs that mix models`, code: 'model_fixed' });
  }
  return issues;
}

/**
 * The new decision list: entries equal to the stored one at the same position keep their `at`, the others are
 * stamped with the time of this report.
 */
export function mergeDecisions(stored: readonly StoredDecision[], incoming: readonly { input: string; reasoning: string; output: string }[], now: Date): StoredDecision[] {
  return incoming.map((d, i) => {
    const old = stored[i];
    const same = old && old.input === d.input && old.reasoning === d.reasoning && old.output === d.output;
    return { input: d.input, reasoning: d.reasoning, output: d.output, at: same ? old.at : now.toISOString() };
  });
}

/** Milliseconds from start to end; never negative (a clock that stepped back is not a negative run). */
export function durationBetween(startedAt: Date, endedAt: Date): number {
  return Math.max(0, endedAt.getTime() - startedAt.getTime());
}

/** The UTC day (`YYYY-MM-DD`) an execution is rolled up under: the day it ended. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

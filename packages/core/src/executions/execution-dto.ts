import type { ExecutionDto, ExecutionStatus } from '@mc/contracts';
import { executions } from '@mc/db';
import { microsToNumber, usdToMicros } from '../shared/money';

/**
 * The columns an execution is read with: every column but the generated `search` vector (up to 200 kB of text that
 * no answer needs). Use it for every select of executions.
 */
export const executionColumns = {
  id: executions.id,
  workspaceId: executions.workspaceId,
  agentId: executions.agentId,
  ticketId: executions.ticketId,
  cronRunId: executions.cronRunId,
  workflowStepId: executions.workflowStepId,
  status: executions.status,
  startedAt: executions.startedAt,
  endedAt: executions.endedAt,
  durationMs: executions.durationMs,
  tokensIn: executions.tokensIn,
  tokensOut: executions.tokensOut,
  apiCalls: executions.apiCalls,
  model: executions.model,
  costUsd: executions.costUsd,
  costSource: executions.costSource,
  priceId: executions.priceId,
  decisions: executions.decisions,
  summary: executions.summary,
  stopRequestedAt: executions.stopRequestedAt,
  lastReportAt: executions.lastReportAt,
  firstChargedMonth: executions.firstChargedMonth,
  updatedAt: executions.updatedAt,
  version: executions.version,
  gatewayId: executions.gatewayId,
  gatewayRunId: executions.gatewayRunId,
  dispatchState: executions.dispatchState,
  gatewaySentAt: executions.gatewaySentAt,
  gatewayDeadlineAt: executions.gatewayDeadlineAt,
  gatewaySessionKey: executions.gatewaySessionKey,
};

export type ExecutionRow = Omit<typeof executions.$inferSelect, 'search' | 'startedWeek' | 'gatewayTask'>;

/** A decision as stored: what the agent sent, and when the server first received it. */
export interface StoredDecision {
  input: string;
  reasoning: string;
  output: string;
  at: string;
}

export function toExecutionDto(r: ExecutionRow, agentName: string | null, extra: { continue?: boolean } = {}): ExecutionDto {
  return {
    id: r.id,
    agentId: r.agentId,
    agentName,
    workspaceId: r.workspaceId,
    ticketId: r.ticketId,
    cronRunId: r.cronRunId,
    workflowStepId: r.workflowStepId,
    status: r.status as ExecutionStatus,
    startTime: r.startedAt.toISOString(),
    endTime: r.endedAt?.toISOString() ?? null,
    durationMs: r.durationMs,
    tokensIn: r.tokensIn,
    tokensOut: r.tokensOut,
    apiCalls: r.apiCalls,
    model: r.model,
    costUsd: r.costUsd === null ? null : microsToNumber(usdToMicros(r.costUsd)),
    costSource: r.costSource as ExecutionDto['costSource'],
    priceId: r.priceId,
    decisions: r.decisions as StoredDecision[],
    summary: r.summary,
    stopRequestedAt: r.stopRequestedAt?.toISOString() ?? null,
    lastReportAt: r.lastReportAt?.toISOString() ?? null,
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
    gateway: r.gatewayId
      ? {
          gatewayId: r.gatewayId,
          runId: r.gatewayRunId,
          state: (r.dispatchState ?? 'finished') as NonNullable<ExecutionDto['gateway']>['state'],
          sentAt: r.gatewaySentAt?.toISOString() ?? null,
          deadlineAt: r.gatewayDeadlineAt?.toISOString() ?? null,
        }
      : null,
    ...extra,
  };
}

// Executions: agents report their runs (usage, cost, decisions, outcome); people and agents read them.
import {
  commaListPattern,
  EXECUTION_STATUS_VALUES,
  listQuery,
  searchQuery,
  ZDateTime,
  ZExecution,
  ZModelName,
  ZReportExecutionRequest,
  ZStartExecutionRequest,
  z,
  ZTotalMode,
} from '@mc/contracts';
import { EXECUTION_SORT_FIELDS, findExecutions, getExecution, reportExecution, startExecution } from '@mc/core';
import type { RouteBuilder } from '../http';

const ZExecutionParam = z.object({ id: z.string().min(1).max(64).openapi({ description: 'Execution id (`exe_…`)' }) });

const ZStatusList = z
  .string()
  .max(100)
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(EXECUTION_STATUS_VALUES)))
  .openapi({ description: 'One status or several, comma-separated: `failed,blocked`', type: 'string', maxLength: 100, pattern: commaListPattern(EXECUTION_STATUS_VALUES) });

const ZFindExecutionsQuery = listQuery(EXECUTION_SORT_FIELDS, '-startedAt').extend({
  workspaceId: z.string().max(64).optional().openapi({ description: 'Workspace id or slug' }),
  agentId: z.string().max(64).optional(),
  ticketId: z.string().max(64).optional(),
  status: ZStatusList.optional(),
  model: ZModelName.optional().openapi({ description: 'Exact model name (case-insensitive)' }),
  from: ZDateTime.optional().openapi({ description: 'Started at or after (ISO-8601)', type: 'string', format: 'date-time', maxLength: 40 }),
  to: ZDateTime.optional().openapi({ description: 'Started before (ISO-8601)', type: 'string', format: 'date-time', maxLength: 40 }),
  q: searchQuery('the model, summary or decisions'),
  total: ZTotalMode,
});

export function registerExecutionRoutes(r: RouteBuilder) {
  r.define({
    method: 'post',
    path: '/api/v1/executions',
    operationId: 'startExecution',
    summary: 'Start an execution (agents): the server records the start; 402 BUDGET_EXCEEDED while the hard stop is in force',
    description:
      'Report the run with PATCH /executions/{id} as it goes (cumulative usage) and finish it with a final status. Send `Idempotency-Key` to make a retried start safe.',
    tags: ['Executions'],
    auth: 'agent',
    body: ZStartExecutionRequest.optional().default({}),
    response: ZExecution,
    status: 201,
    idempotent: true,
    budgetGated: true,
    handler: ({ ctx, body }) => startExecution(ctx, body ?? {}),
  });

  r.define({
    method: 'patch',
    path: '/api/v1/executions/{id}',
    operationId: 'reportExecution',
    summary: 'Report on a running execution (its agent): cumulative usage, decisions, summary; a final status finishes it',
    description:
      'Figures are totals so far (a lower one is 400). `status` success, failed or blocked finishes the run (the server sets endTime and durationMs); a finished run answers 409. Every answer carries `continue`: false once the workspace budget is exhausted with hard stop — stop and finish with status `blocked`.',
    tags: ['Executions'],
    auth: 'agent',
    params: ZExecutionParam,
    body: ZReportExecutionRequest,
    response: ZExecution,
    handler: ({ ctx, params, body }) => reportExecution(ctx, params.id, body),
  });

  r.define({
    method: 'get',
    path: '/api/v1/executions',
    operationId: 'listExecutions',
    summary: 'Executions you can see, filtered, searched, sorted and paged',
    tags: ['Executions'],
    auth: 'any',
    query: ZFindExecutionsQuery,
    response: ZExecution,
    list: true,
    handler: ({ ctx, query }) => findExecutions(ctx, query),
  });

  r.define({
    method: 'get',
    path: '/api/v1/executions/{id}',
    operationId: 'getExecution',
    summary: 'One execution',
    tags: ['Executions'],
    auth: 'any',
    params: ZExecutionParam,
    response: ZExecution,
    handler: ({ ctx, params }) => getExecution(ctx, params.id),
  });
}

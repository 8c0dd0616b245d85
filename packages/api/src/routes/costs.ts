// GET /workspaces/{id}/costs: the cost breakdown of finished executions by day, agent, model and cron.
import { ZCostBreakdown, ZCostsQuery, z } from '@mc/contracts';
import { getWorkspaceCosts } from '@mc/core';
import type { RouteBuilder } from '../http';

const ZIdParam = (description: string) => z.object({ id: z.string().min(1).max(64).openapi({ description }) });

export function registerCostRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/workspaces/{id}/costs',
    operationId: 'getWorkspaceCosts',
    summary: 'Cost breakdown of finished executions by day, agent, model and cron (default: this month to date)',
    description: 'A run counts on the UTC day it ended (its usage counts in the budget as it is reported). Every day of the range is in `byDay`.',
    tags: ['Metrics'],
    auth: 'any',
    params: ZIdParam('Workspace id (`wsp_…`) or slug'),
    query: ZCostsQuery,
    response: ZCostBreakdown,
    handler: ({ ctx, params, query }) => getWorkspaceCosts(ctx, params.id, query),
  });
}

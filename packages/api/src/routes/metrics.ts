// Metrics: GET /agents/{id}/metrics and GET /workspaces/{id}/metrics (the cost breakdown: costs.ts; ratings: ratings.ts).
// (GET /workflows/{id}/metrics waits for workflows: add it here once they exist, scoped by the workflow's steps.)
import { ZMetrics, ZMetricsQuery, ZWorkspaceMetricsQuery, z } from '@mc/contracts';
import { getAgentMetrics, getWorkspaceMetrics } from '@mc/core';
import type { RouteBuilder } from '../http';

const ZIdParam = (description: string) => z.object({ id: z.string().min(1).max(64).openapi({ description }) });

const METRICS_DESCRIPTION =
  'Finished executions (from the daily rollup) and ratings per bucket: UTC days, ISO weeks (Monday start) or calendar months. A run counts in the bucket of the UTC day it ended. `from`/`to` are widened to whole buckets; every bucket of the range is in `series`, empty ones with zeros; at most 366 buckets.';

export function registerMetricsRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/agents/{id}/metrics',
    operationId: 'getAgentMetrics',
    summary: "An agent's success rate, tokens, cost and ratings per day, week or month (its workspace's people and agents)",
    description: METRICS_DESCRIPTION,
    tags: ['Metrics'],
    auth: 'any',
    params: ZIdParam('Agent id (`agt_…`), or `me` for the calling agent'),
    query: ZMetricsQuery,
    response: ZMetrics,
    handler: ({ ctx, params, query }) => getAgentMetrics(ctx, params.id, query),
  });

  r.define({
    method: 'get',
    path: '/api/v1/workspaces/{id}/metrics',
    operationId: 'getWorkspaceMetrics',
    summary: "A workspace's success rate, tokens, cost and ratings per day, week or month; `agentId` narrows to one agent",
    description: METRICS_DESCRIPTION,
    tags: ['Metrics'],
    auth: 'any',
    params: ZIdParam('Workspace id (`wsp_…`) or slug'),
    query: ZWorkspaceMetricsQuery,
    response: ZMetrics,
    handler: ({ ctx, params, query }) => getWorkspaceMetrics(ctx, params.id, query),
  });
}

// Metrics, cost breakdown and ratings: GET /agents/{id}/metrics, GET /workspaces/{id}/metrics,
// GET /workspaces/{id}/costs, and GET|POST|DELETE /tickets/{id}/rating and /executions/{id}/rating.
// (GET /workflows/{id}/metrics waits for workflows: add it here once they exist, scoped by the workflow's steps.)
import {
  ZCostBreakdown,
  ZCostsQuery,
  ZMetrics,
  ZMetricsQuery,
  ZRateRequest,
  ZRating,
  ZRatingSummary,
  ZWorkspaceMetricsQuery,
  z,
  type RatingTargetKind,
} from '@mc/contracts';
import { getAgentMetrics, getRatingSummary, getWorkspaceCosts, getWorkspaceMetrics, rateWork, retractRating } from '@mc/core';
import { withStatus, type RouteBuilder } from '../http';

const ZIdParam = (description: string) => z.object({ id: z.string().min(1).max(64).openapi({ description }) });

const METRICS_DESCRIPTION =
  'Finished executions (from the daily rollup) and ratings per bucket: UTC days, ISO weeks (Monday start) or calendar months. A run counts in the bucket of the UTC day it ended. `from`/`to` are widened to whole buckets; every bucket of the range is in `series`, empty ones with zeros; at most 366 buckets.';

const RATING_TARGETS: { kind: RatingTargetKind; collection: string; tag: string; name: string; idDescription: string }[] = [
  { kind: 'ticket', collection: 'tickets', tag: 'Tickets', name: 'Ticket', idDescription: 'Ticket id (`tkt_…`)' },
  { kind: 'execution', collection: 'executions', tag: 'Executions', name: 'Execution', idDescription: 'Execution id (`exe_…`)' },
];

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

  r.define({
    method: 'get',
    path: '/api/v1/workspaces/{id}/costs',
    operationId: 'getWorkspaceCosts',
    summary: 'Cost breakdown of finished executions by day, agent and model (default: this month to date)',
    description: 'A run counts on the UTC day it ended (its usage counts in the budget as it is reported). Every day of the range is in `byDay`.',
    tags: ['Metrics'],
    auth: 'any',
    params: ZIdParam('Workspace id (`wsp_…`) or slug'),
    query: ZCostsQuery,
    response: ZCostBreakdown,
    handler: ({ ctx, params, query }) => getWorkspaceCosts(ctx, params.id, query),
  });

  for (const t of RATING_TARGETS) {
    const path = `/api/v1/${t.collection}/{id}/rating`;
    const params = ZIdParam(t.idDescription);
    r.define({
      method: 'get',
      path,
      operationId: `get${t.name}Rating`,
      summary: `How people rated this ${t.kind}: counts of good and bad, and your own rating`,
      tags: [t.tag, 'Metrics'],
      auth: 'any',
      params,
      response: ZRatingSummary,
      handler: ({ ctx, params }) => getRatingSummary(ctx, t.kind, params.id),
    });

    r.define({
      method: 'post',
      path,
      operationId: `rate${t.name}`,
      summary: `Rate this ${t.kind}'s work good or bad (members and above); rating again replaces yours`,
      description: `201 with the new rating, 200 when it replaced yours. Credited to ${
        t.kind === 'ticket' ? "the agent holding the ticket (it stays on record after done), else its assigned agent" : "the execution's agent"
      }; counts in that agent's and the workspace's metrics.`,
      tags: [t.tag, 'Metrics'],
      auth: 'user',
      params,
      body: ZRateRequest,
      response: ZRating,
      status: 201,
      alsoStatus: [200],
      handler: async ({ ctx, params, body }) => {
        const result = await rateWork(ctx, t.kind, params.id, body.rating);
        return withStatus(result.created ? 201 : 200, result.rating);
      },
    });

    r.define({
      method: 'delete',
      path,
      operationId: `retract${t.name}Rating`,
      summary: `Take back your rating of this ${t.kind} (404 when you have none)`,
      tags: [t.tag, 'Metrics'],
      auth: 'user',
      params,
      response: ZRating,
      status: 204,
      handler: ({ ctx, params }) => retractRating(ctx, t.kind, params.id),
    });
  }
}

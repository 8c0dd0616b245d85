// A workspace's monthly budget: the limits and hard stop (admins set them) and this month's standing against them.
import { ZSetBudgetRequest, ZWorkspace, ZWorkspaceBudgetStatus } from '@mc/contracts';
import { getWorkspaceBudget, setBudget } from '@mc/core';
import type { RouteBuilder } from '../http';
import { ZWorkspaceParam } from './workspaces';

export function registerBudgetRoutes(r: RouteBuilder) {
  r.define({
    method: 'put',
    path: '/api/v1/workspaces/{id}/budget',
    operationId: 'setWorkspaceBudget',
    summary: 'Set the monthly token and cost limits and the hard-stop flag (admin)',
    tags: ['Workspaces'],
    auth: 'user',
    params: ZWorkspaceParam,
    body: ZSetBudgetRequest,
    response: ZWorkspace,
    handler: ({ ctx, params, body, ifMatch }) => setBudget(ctx, params.id, { ...body, version: body.version ?? ifMatch }),
  });

  r.define({
    method: 'get',
    path: '/api/v1/workspaces/{id}/budget',
    operationId: 'getWorkspaceBudget',
    summary: "This month's usage against the workspace's budget: percent of each limit, thresholds reached, hard stop",
    tags: ['Workspaces'],
    auth: 'any',
    params: ZWorkspaceParam,
    response: ZWorkspaceBudgetStatus,
    handler: ({ ctx, params }) => getWorkspaceBudget(ctx, params.id),
  });
}

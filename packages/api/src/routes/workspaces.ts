// Workspaces: create, list (yours; all for an instance admin), read, edit, archive (the budget: budgets.ts).
import { listQuery, ZCreateWorkspaceRequest, ZQueryBool, ZUpdateWorkspaceRequest, ZWorkspace, z } from '@mc/contracts';
import { archiveWorkspace, createWorkspace, findWorkspaces, getWorkspace, updateWorkspace, WORKSPACE_SORT_FIELDS } from '@mc/core';
import type { RouteBuilder } from '../http';

export const ZWorkspaceParam = z.object({
  id: z.string().min(1).max(64).openapi({ description: 'Workspace id (`wsp_…`) or slug' }),
});

const ZFindWorkspacesQuery = listQuery(WORKSPACE_SORT_FIELDS, '-createdAt').extend({
  archived: ZQueryBool.optional().openapi({ description: 'true lists archived workspaces instead of active ones' }),
  q: z.string().max(100).optional().openapi({ description: 'Text in name or slug' }),
});

export function registerWorkspaceRoutes(r: RouteBuilder) {
  r.define({
    method: 'post',
    path: '/api/v1/workspaces',
    operationId: 'createWorkspace',
    summary: 'Create a workspace; the caller becomes its owner',
    tags: ['Workspaces'],
    auth: 'user',
    body: ZCreateWorkspaceRequest,
    response: ZWorkspace,
    status: 201,
    idempotent: true,
    handler: ({ ctx, body }) => createWorkspace(ctx, body),
  });

  r.define({
    method: 'get',
    path: '/api/v1/workspaces',
    operationId: 'listWorkspaces',
    summary: "The caller's workspaces (all of them for an instance admin)",
    tags: ['Workspaces'],
    auth: 'user',
    query: ZFindWorkspacesQuery,
    response: ZWorkspace,
    list: true,
    handler: ({ ctx, query }) => findWorkspaces(ctx, query),
  });

  r.define({
    method: 'get',
    path: '/api/v1/workspaces/{id}',
    operationId: 'getWorkspace',
    summary: 'One workspace, by id or slug',
    tags: ['Workspaces'],
    auth: 'user',
    params: ZWorkspaceParam,
    response: ZWorkspace,
    handler: ({ ctx, params }) => getWorkspace(ctx, params.id),
  });

  r.define({
    method: 'patch',
    path: '/api/v1/workspaces/{id}',
    operationId: 'updateWorkspace',
    changesCredentials: true,
    summary: 'Edit a workspace (admin); `archived` archives or restores it (owner). Send `If-Match` or `version` to avoid lost updates',
    tags: ['Workspaces'],
    auth: 'user',
    params: ZWorkspaceParam,
    body: ZUpdateWorkspaceRequest,
    response: ZWorkspace,
    handler: ({ ctx, params, body, ifMatch }) => updateWorkspace(ctx, params.id, { ...body, version: body.version ?? ifMatch }),
  });

  r.define({
    method: 'delete',
    path: '/api/v1/workspaces/{id}',
    operationId: 'archiveWorkspace',
    changesCredentials: true,
    summary: 'Archive a workspace (owner); its history stays and it can be restored',
    tags: ['Workspaces'],
    auth: 'user',
    params: ZWorkspaceParam,
    response: ZWorkspace,
    handler: ({ ctx, params }) => archiveWorkspace(ctx, params.id),
  });
}

// Instance settings: the default workspace, where new users land.
import { ZDefaultWorkspace, ZDefaultWorkspaceRequest } from '@mc/contracts';
import { getDefaultWorkspaceId, requireUser, setDefaultWorkspace } from '@mc/core';
import type { RouteBuilder } from '../http';

export function registerSettingsRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/settings/default-workspace',
    operationId: 'getDefaultWorkspace',
    summary: 'The default workspace',
    tags: ['Settings'],
    auth: 'user',
    response: ZDefaultWorkspace,
    handler: async ({ ctx }) => {
      requireUser(ctx);
      return { workspaceId: await getDefaultWorkspaceId(ctx) };
    },
  });

  r.define({
    method: 'put',
    path: '/api/v1/settings/default-workspace',
    operationId: 'setDefaultWorkspace',
    summary: 'Set (or clear with null) the default workspace (instance admin)',
    tags: ['Settings'],
    auth: 'user',
    body: ZDefaultWorkspaceRequest,
    response: ZDefaultWorkspace,
    handler: ({ ctx, body }) => setDefaultWorkspace(ctx, body),
  });
}

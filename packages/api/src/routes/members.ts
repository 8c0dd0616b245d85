// Members of a workspace and their roles.
import { ZAddMemberRequest, ZMember, ZUpdateMemberRequest, z } from '@mc/contracts';
import { addMember, findMembers, removeMember, updateMemberRole } from '@mc/core';
import type { RouteBuilder } from '../http';
import { ZWorkspaceParam } from './workspaces';

const ZMemberParams = ZWorkspaceParam.extend({ userId: z.string().min(1).max(64) });

export function registerMemberRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/workspaces/{id}/members',
    operationId: 'listMembers',
    summary: 'Members of a workspace',
    tags: ['Members'],
    auth: 'user',
    params: ZWorkspaceParam,
    response: ZMember,
    list: true,
    handler: async ({ ctx, params }) => {
      const items = await findMembers(ctx, params.id);
      return { items, meta: { limit: items.length, offset: 0, total: items.length, nextCursor: null } };
    },
  });

  r.define({
    method: 'post',
    path: '/api/v1/workspaces/{id}/members',
    operationId: 'addMember',
    summary: 'Add an existing user by e-mail (admin; only owners grant owner)',
    tags: ['Members'],
    auth: 'user',
    params: ZWorkspaceParam,
    body: ZAddMemberRequest,
    response: ZMember,
    status: 201,
    idempotent: true,
    handler: ({ ctx, params, body }) => addMember(ctx, params.id, body),
  });

  r.define({
    method: 'patch',
    path: '/api/v1/workspaces/{id}/members/{userId}',
    operationId: 'updateMember',
    summary: "Change a member's role (admin; never demotes the last owner)",
    tags: ['Members'],
    auth: 'user',
    params: ZMemberParams,
    body: ZUpdateMemberRequest,
    response: ZMember,
    handler: ({ ctx, params, body }) => updateMemberRole(ctx, params.id, params.userId, body),
  });

  r.define({
    method: 'delete',
    path: '/api/v1/workspaces/{id}/members/{userId}',
    operationId: 'removeMember',
    summary: 'Remove a member (admin), or leave (yourself); never the last owner',
    tags: ['Members'],
    auth: 'user',
    params: ZMemberParams,
    response: ZMember,
    handler: ({ ctx, params }) => removeMember(ctx, params.id, params.userId),
  });
}

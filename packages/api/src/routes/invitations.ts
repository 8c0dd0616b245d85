// Invitations to join a workspace (ADR 0013): a workspace's pending ones, revoking one, yours, accept and decline.
import { ZInvitation, ZMyInvitation, z } from '@mc/contracts';
import { acceptInvitation, declineInvitation, findMyInvitations, findWorkspaceInvitations, revokeInvitation } from '@mc/core';
import type { RouteBuilder } from '../http';
import { ZWorkspaceParam } from './workspaces';

const ZWorkspaceInvitationParams = ZWorkspaceParam.extend({ invitationId: z.string().min(1).max(64) });
const ZInvitationParam = z.object({ id: z.string().min(1).max(64) });

export function registerInvitationRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/workspaces/{id}/invitations',
    operationId: 'listWorkspaceInvitations',
    summary: "Pending invitations of a workspace (owners and admins; expired ones read as `expired`)",
    tags: ['Members'],
    auth: 'user',
    params: ZWorkspaceParam,
    response: ZInvitation,
    list: true,
    handler: async ({ ctx, params }) => {
      const items = await findWorkspaceInvitations(ctx, params.id);
      return { items, meta: { limit: items.length, offset: 0, total: items.length, nextCursor: null } };
    },
  });

  r.define({
    method: 'delete',
    path: '/api/v1/workspaces/{id}/invitations/{invitationId}',
    operationId: 'revokeInvitation',
    summary: 'Revoke a pending invitation (admin; only owners revoke an invitation as owner)',
    tags: ['Members'],
    auth: 'user',
    params: ZWorkspaceInvitationParams,
    response: ZInvitation,
    handler: ({ ctx, params }) => revokeInvitation(ctx, params.id, params.invitationId),
  });

  r.define({
    method: 'get',
    path: '/api/v1/me/invitations',
    operationId: 'listMyInvitations',
    summary: 'Your pending invitations to workspaces (people only)',
    tags: ['Members'],
    auth: 'user',
    response: ZMyInvitation,
    list: true,
    handler: async ({ ctx }) => {
      const items = await findMyInvitations(ctx);
      return { items, meta: { limit: items.length, offset: 0, total: items.length, nextCursor: null } };
    },
  });

  r.define({
    method: 'post',
    path: '/api/v1/invitations/{id}/accept',
    operationId: 'acceptInvitation',
    summary: 'Accept an invitation: join the workspace with the invited role (409 once expired, revoked or answered)',
    tags: ['Members'],
    auth: 'user',
    params: ZInvitationParam,
    response: ZMyInvitation,
    handler: ({ ctx, params }) => acceptInvitation(ctx, params.id),
  });

  r.define({
    method: 'post',
    path: '/api/v1/invitations/{id}/decline',
    operationId: 'declineInvitation',
    summary: 'Decline an invitation (409 once expired, revoked or answered)',
    tags: ['Members'],
    auth: 'user',
    params: ZInvitationParam,
    response: ZMyInvitation,
    handler: ({ ctx, params }) => declineInvitation(ctx, params.id),
  });
}

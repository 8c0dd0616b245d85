// Members of a workspace and their roles; invitations to join one (ADR 0013).
import { ZAddMemberRequest, ZInvitation, ZInvitationSent, ZMember, ZMyInvitation, ZUpdateMemberRequest, z } from '@mc/contracts';
import {
  acceptInvitation,
  addMember,
  declineInvitation,
  findMembers,
  findMyInvitations,
  findWorkspaceInvitations,
  removeMember,
  revokeInvitation,
  updateMemberRole,
} from '@mc/core';
import { withStatus, type RouteBuilder } from '../http';
import { ZWorkspaceParam } from './workspaces';

const ZMemberParams = ZWorkspaceParam.extend({ userId: z.string().min(1).max(64) });
const ZWorkspaceInvitationParams = ZWorkspaceParam.extend({ invitationId: z.string().min(1).max(64) });
const ZInvitationParam = z.object({ id: z.string().min(1).max(64) });

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
    summary: 'Add a member by e-mail, or invite them (admin; only owners grant owner)',
    description:
      'An instance admin, or a caller who already shares a workspace with the user, adds them at once: `201` with the member. ' +
      'Anyone else sends an invitation: `202` with `{status: "invited", invitation}`, the same answer for every address whether a ' +
      'user has it or not. Inviting the same address again renews the pending invitation (new role and expiry, same id). ' +
      'The invitee accepts or declines it within 14 days (`GET /me/invitations`, `POST /invitations/{id}/accept|decline`).',
    tags: ['Members'],
    auth: 'user',
    params: ZWorkspaceParam,
    body: ZAddMemberRequest,
    response: ZMember,
    status: 201,
    alsoStatus: [202],
    alsoResponse: { 202: ZInvitationSent },
    idempotent: true,
    handler: async ({ ctx, params, body }) => {
      const result = await addMember(ctx, params.id, body);
      // The 202 body is not a member: `alsoResponse` parses it by its own schema.
      return result.outcome === 'added' ? withStatus(201, result.member) : (withStatus(202, result.sent) as never);
    },
  });

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

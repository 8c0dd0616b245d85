// Members of a workspace and their roles (adding someone without an account invites them: invitations.ts).
import { listQuery, ZAddMemberRequest, ZInvitationSent, ZMember, ZTotalMode, ZUpdateMemberRequest, z } from '@mc/contracts';
import { addMember, findMembers, MEMBER_SORT_FIELDS, MEMBERS_PAGE_DEFAULT, removeMember, updateMemberRole } from '@mc/core';
import { withStatus, type RouteBuilder } from '../http';
import { ZWorkspaceParam } from './workspaces';

const ZMemberParams = ZWorkspaceParam.extend({ userId: z.string().min(1).max(64) });

// Without `limit` every member (up to MEMBERS_PAGE_DEFAULT), as v1 always answered; `?limit=20` is a page of 20.
const ZFindMembersQuery = listQuery(MEMBER_SORT_FIELDS, 'name').extend({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MEMBERS_PAGE_DEFAULT)
    .default(MEMBERS_PAGE_DEFAULT)
    .openapi({ description: `Page size, 1..${MEMBERS_PAGE_DEFAULT} (default: all of them, up to ${MEMBERS_PAGE_DEFAULT})`, example: 50 }),
  total: ZTotalMode,
});

export function registerMemberRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/workspaces/{id}/members',
    operationId: 'listMembers',
    summary: 'Members of a workspace',
    tags: ['Members'],
    auth: 'user',
    params: ZWorkspaceParam,
    query: ZFindMembersQuery,
    response: ZMember,
    list: true,
    handler: ({ ctx, params, query }) => findMembers(ctx, params.id, query),
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

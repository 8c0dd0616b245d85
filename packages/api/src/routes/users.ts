// Instance admin: the humans of this instance.
import { listQuery, ZCreatedUser, ZCreateUserRequest, ZIsoDate, ZTotalMode, ZUpdateUserRequest, ZUser, z } from '@mc/contracts';
import { createUser, deleteUser, findUsers, issuePasswordLink, updateUser, USER_SORT_FIELDS, USERS_PAGE_DEFAULT } from '@mc/core';
import type { RouteBuilder } from '../http';

const ZUserParam = z.object({ id: z.string().min(1).max(64) });

// Without `limit` the whole list (up to USERS_PAGE_DEFAULT), as v1 always answered; `?limit=20` is a page of 20.
const ZFindUsersQuery = listQuery(USER_SORT_FIELDS, 'email').extend({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(USERS_PAGE_DEFAULT)
    .default(USERS_PAGE_DEFAULT)
    .openapi({ description: `Page size, 1..${USERS_PAGE_DEFAULT} (default: all of them, up to ${USERS_PAGE_DEFAULT})`, example: 50 }),
  total: ZTotalMode,
});

export function registerUserRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/users',
    operationId: 'listUsers',
    summary: 'All users (instance admin)',
    tags: ['Users'],
    auth: 'user',
    query: ZFindUsersQuery,
    response: ZUser,
    list: true,
    handler: ({ ctx, query }) => findUsers(ctx, query),
  });

  r.define({
    method: 'post',
    path: '/api/v1/users',
    operationId: 'createUser',
    summary: 'Create a user (instance admin); without a password the response holds a one-time set-password link',
    tags: ['Users'],
    auth: 'user',
    body: ZCreateUserRequest,
    response: ZCreatedUser,
    status: 201,
    idempotent: true,
    secretFields: ['setPasswordUrl'],
    handler: ({ ctx, body, c }) => createUser(ctx, body, new URL(c.req.url).origin),
  });

  r.define({
    method: 'patch',
    path: '/api/v1/users/{id}',
    operationId: 'updateUser',
    changesCredentials: true,
    summary: 'Rename, grant or remove instance admin, disable or enable a user (instance admin)',
    tags: ['Users'],
    auth: 'user',
    params: ZUserParam,
    body: ZUpdateUserRequest,
    response: ZUser,
    handler: ({ ctx, params, body, ifMatch }) => updateUser(ctx, params.id, { ...body, version: body.version ?? ifMatch }),
  });

  r.define({
    method: 'delete',
    path: '/api/v1/users/{id}',
    operationId: 'deleteUser',
    changesCredentials: true,
    summary: 'Delete a user (instance admin)',
    tags: ['Users'],
    auth: 'user',
    params: ZUserParam,
    response: ZUser,
    handler: ({ ctx, params }) => deleteUser(ctx, params.id),
  });

  r.define({
    method: 'post',
    path: '/api/v1/users/{id}/password-link',
    operationId: 'issuePasswordLink',
    summary: 'A new one-time set-password link for a user (instance admin); earlier unused links stop working',
    tags: ['Users'],
    auth: 'user',
    params: ZUserParam,
    response: z.object({ userId: z.string(), setPasswordUrl: z.string(), expiresAt: ZIsoDate }).openapi('PasswordLink'),
    handler: ({ ctx, params, c }) => issuePasswordLink(ctx, params.id, new URL(c.req.url).origin),
  });
}

// Comments on a ticket, with @mentions (the PR links they make: links.ts).
import { listQuery, ZComment, ZCreateCommentRequest, ZTotalMode } from '@mc/contracts';
import { COMMENT_SORT_FIELDS, createComment, findComments } from '@mc/core';
import type { RouteBuilder } from '../http';
import { ZTicketParam } from './tickets';

export function registerCommentRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/tickets/{id}/comments',
    operationId: 'listComments',
    summary: "A ticket's comments, oldest first",
    tags: ['Comments'],
    auth: 'any',
    params: ZTicketParam,
    query: listQuery(COMMENT_SORT_FIELDS, 'createdAt').extend({ total: ZTotalMode }),
    response: ZComment,
    list: true,
    handler: ({ ctx, params, query }) => findComments(ctx, params.id, query),
  });

  r.define({
    method: 'post',
    path: '/api/v1/tickets/{id}/comments',
    operationId: 'createComment',
    summary: 'Comment in markdown: `@name` mentions an agent or member, `@all` everyone; PR references become links',
    tags: ['Comments'],
    auth: 'any',
    params: ZTicketParam,
    body: ZCreateCommentRequest,
    response: ZComment,
    status: 201,
    idempotent: true,
    handler: ({ ctx, params, body }) => createComment(ctx, params.id, body),
  });
}

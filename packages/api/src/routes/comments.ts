// Comments with @mentions, PR links and the PR → ticket lookup; epics.
import { listQuery, ZComment, ZCreateCommentRequest, ZCreateEpicRequest, ZEpic, ZPullRequestLink, ZTicketForPullRequest, z } from '@mc/contracts';
import { COMMENT_SORT_FIELDS, createComment, createEpic, findComments, findEpics, findTicketLinks, findTicketsByPullRequest } from '@mc/core';
import type { RouteBuilder } from '../http';
import { ZTicketParam } from './tickets';

const all = <T>(items: T[]) => ({ items, meta: { limit: items.length, offset: 0, total: items.length, nextCursor: null } });

export function registerCommentRoutes(r: RouteBuilder) {
  r.define({
    method: 'get',
    path: '/api/v1/tickets/{id}/comments',
    operationId: 'listComments',
    summary: "A ticket's comments, oldest first",
    tags: ['Comments'],
    auth: 'any',
    params: ZTicketParam,
    query: listQuery(COMMENT_SORT_FIELDS, 'createdAt'),
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

  r.define({
    method: 'get',
    path: '/api/v1/tickets/{id}/links',
    operationId: 'listTicketLinks',
    summary: 'Pull/merge requests the ticket and its comments mention',
    tags: ['Comments'],
    auth: 'any',
    params: ZTicketParam,
    response: ZPullRequestLink,
    list: true,
    handler: async ({ ctx, params }) => all(await findTicketLinks(ctx, params.id)),
  });

  r.define({
    method: 'get',
    path: '/api/v1/links/pull-requests',
    operationId: 'findTicketsByPullRequest',
    summary: 'From a PR/MR URL to the tickets that mention it',
    tags: ['Comments'],
    auth: 'any',
    query: z.object({ url: z.string().min(1).max(2000) }),
    response: ZTicketForPullRequest,
    list: true,
    handler: async ({ ctx, query }) => all(await findTicketsByPullRequest(ctx, query.url)),
  });

  r.define({
    method: 'post',
    path: '/api/v1/epics',
    operationId: 'createEpic',
    summary: 'Create an epic (a group of tickets)',
    tags: ['Tickets'],
    auth: 'any',
    body: ZCreateEpicRequest,
    response: ZEpic,
    status: 201,
    idempotent: true,
    handler: ({ ctx, body }) => createEpic(ctx, body),
  });

  r.define({
    method: 'get',
    path: '/api/v1/epics',
    operationId: 'listEpics',
    summary: "A workspace's epics",
    tags: ['Tickets'],
    auth: 'any',
    query: z.object({ workspaceId: z.string().min(1).max(64) }),
    response: ZEpic,
    list: true,
    handler: async ({ ctx, query }) => all(await findEpics(ctx, query)),
  });
}

// Pull/merge request links: the PRs a ticket and its comments mention, and from a PR URL to its tickets.
import { ZPullRequestLink, ZTicketForPullRequest, z } from '@mc/contracts';
import { findTicketLinks, findTicketsByPullRequest } from '@mc/core';
import { allItems, type RouteBuilder } from '../http';
import { ZTicketParam } from './tickets';

export function registerLinkRoutes(r: RouteBuilder) {
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
    handler: async ({ ctx, params }) => allItems(await findTicketLinks(ctx, params.id)),
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
    handler: async ({ ctx, query }) => allItems(await findTicketsByPullRequest(ctx, query.url)),
  });
}
